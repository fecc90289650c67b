import { type Kysely, sql } from 'kysely';

// Payment links, reached by an unguessable token (unique); the checkout sessions each link
// opened (one row per session, so a link's completed sessions are counted by an index); and
// the accounts' logos, kept as base64 text (portable between SQLite and PostgreSQL), found by
// the digest of their bytes, which is the address they are served at.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('payment_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('test', 'live')`))
    .addColumn('token', 'text', (c) => c.notNull().unique())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().check(sql`active in (0, 1)`))
    .addColumn('amount', 'bigint')
    .addColumn('min_amount', 'bigint')
    .addColumn('max_amount', 'bigint')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('payment_methods', 'text')
    .addColumn('max_payments', 'bigint')
    .addColumn('reference', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('locale', 'text')
    .addColumn('success_url', 'text')
    .addColumn('cancel_url', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('payment_links_account_mode_id_idx')
    .on('payment_links')
    .columns(['account_id', 'mode', 'id'])
    .execute();
  await db.schema
    .createTable('payment_link_sessions')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('checkout_sessions.id'))
    .addColumn('link_id', 'text', (c) => c.notNull().references('payment_links.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('payment_link_sessions_link_idx')
    .on('payment_link_sessions')
    .columns(['link_id', 'session_id'])
    .execute();
  await db.schema
    .createTable('account_logos')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('content_type', 'text', (c) => c.notNull().check(sql`content_type in ('image/png', 'image/jpeg')`))
    .addColumn('digest', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('height', 'integer', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('account_logos_digest_idx').on('account_logos').column('digest').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('account_logos').execute();
  await db.schema.dropTable('payment_link_sessions').execute();
  await db.schema.dropTable('payment_links').execute();
}

import type { Kysely } from 'kysely';

// API keys get an optional expiry, a description and the time they were last used; listings
// of an account's keys in one mode read them by (account_id, mode) newest first.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('expires_at', 'bigint').execute();
  await db.schema.alterTable('api_keys').addColumn('last_used_at', 'bigint').execute();
  await db.schema.alterTable('api_keys').addColumn('description', 'text').execute();
  await db.schema
    .createIndex('api_keys_account_mode_id_idx')
    .on('api_keys')
    .columns(['account_id', 'mode', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('api_keys_account_mode_id_idx').execute();
  await db.schema.alterTable('api_keys').dropColumn('description').execute();
  await db.schema.alterTable('api_keys').dropColumn('last_used_at').execute();
  await db.schema.alterTable('api_keys').dropColumn('expires_at').execute();
}

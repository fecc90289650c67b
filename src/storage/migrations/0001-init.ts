import { type Kysely, sql } from 'kysely';

// Portable types only: TEXT ids and JSON, BIGINT money and epoch-ms times, INTEGER counters.

const MODE_CHECK = sql<boolean>`mode in ('test', 'live')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await createAccounts(db);
  await createApiKeys(db);
  await createConnectorAccounts(db);
  await createPayments(db);
  await createPaymentIndexes(db);
  await createIdempotencyKeys(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['idempotency_keys', 'payments', 'connector_accounts', 'api_keys', 'accounts']) {
    await db.schema.dropTable(table).execute();
  }
}

async function createAccounts(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function createApiKeys(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(MODE_CHECK))
    .addColumn('display_prefix', 'text', (c) => c.notNull())
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
}

async function createConnectorAccounts(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('connector_accounts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(MODE_CHECK))
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('credentials_sealed', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('connector_accounts_account_mode_connector_key', ['account_id', 'mode', 'connector'])
    .execute();
}

async function createPayments(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('payments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(MODE_CHECK))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('payment_method', 'text', (c) => c.notNull())
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('connector_account_id', 'text', (c) => c.notNull())
    .addColumn('provider_payment_id', 'text')
    .addColumn('provider_status', 'text')
    .addColumn('next_action_url', 'text')
    .addColumn('return_url', 'text', (c) => c.notNull())
    .addColumn('reference', 'text')
    .addColumn('description', 'text')
    .addColumn('customer', 'text')
    .addColumn('national_id_sealed', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('failure_code', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
}

async function createPaymentIndexes(db: Kysely<unknown>): Promise<void> {
  const indexes: Array<[name: string, columns: string[], unique?: boolean]> = [
    ['payments_account_mode_id_idx', ['account_id', 'mode', 'id']],
    ['payments_account_mode_status_id_idx', ['account_id', 'mode', 'status', 'id']],
    ['payments_account_mode_created_idx', ['account_id', 'mode', 'created_at']],
    // NULL provider ids (not yet answered) never collide: NULLs are distinct on both databases.
    ['payments_connector_account_provider_id_key', ['connector_account_id', 'provider_payment_id'], true],
    ['payments_status_expires_idx', ['status', 'expires_at']],
  ];
  for (const [name, columns, unique] of indexes) {
    const index = db.schema.createIndex(name).on('payments').columns(columns);
    await (unique ? index.unique() : index).execute();
  }
}

async function createIdempotencyKeys(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(MODE_CHECK))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('in_progress', 'done')`))
    .addColumn('resource_id', 'text')
    .addColumn('response_status', 'integer')
    .addColumn('response_body', 'text')
    .addColumn('locked_until', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['account_id', 'mode', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_expires_idx').on('idempotency_keys').column('expires_at').execute();
}

import { type Kysely, sql } from 'kysely';

// Events, merchant webhooks, the job queue and provider notifications. Portable types only,
// as in 0001: TEXT ids and JSON, BIGINT epoch-ms times, INTEGER counters and flags.

const MODE_CHECK = sql<boolean>`mode in ('test', 'live')`;

const TABLES = [
  'events',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_attempts',
  'jobs',
  'provider_notifications',
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  await createEvents(db);
  await createWebhookEndpoints(db);
  await createWebhookDeliveries(db);
  await createWebhookAttempts(db);
  await createJobs(db);
  await createProviderNotifications(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [...TABLES].reverse()) {
    await db.schema.dropTable(table).execute();
  }
}

type IndexSpec = [name: string, columns: string[]];

async function createIndexes(db: Kysely<unknown>, table: string, indexes: readonly IndexSpec[]): Promise<void> {
  for (const [name, columns] of indexes) {
    await db.schema.createIndex(name).on(table).columns(columns).execute();
  }
}

async function createEvents(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(MODE_CHECK))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await createIndexes(db, 'events', [
    ['events_account_mode_id_idx', ['account_id', 'mode', 'id']],
    ['events_account_mode_type_id_idx', ['account_id', 'mode', 'type', 'id']],
    ['events_object_id_idx', ['object_id']],
  ]);
}

async function createWebhookEndpoints(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(MODE_CHECK))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('enabled_events', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('enabled', 'disabled')`))
    .addColumn('disabled_reason', 'text')
    .addColumn('description', 'text')
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_secret_expires_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await createIndexes(db, 'webhook_endpoints', [
    ['webhook_endpoints_account_mode_status_idx', ['account_id', 'mode', 'status']],
  ]);
}

async function createWebhookDeliveries(db: Kysely<unknown>): Promise<void> {
  // No foreign key to webhook_endpoints: deliveries outlive a deleted endpoint, for history.
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull().check(MODE_CHECK))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('last_status_code', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await createIndexes(db, 'webhook_deliveries', [
    ['webhook_deliveries_endpoint_id_idx', ['endpoint_id', 'id']],
    ['webhook_deliveries_event_idx', ['event_id']],
  ]);
}

async function createWebhookAttempts(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id'))
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('response_excerpt', 'text')
    .execute();
  await createIndexes(db, 'webhook_attempts', [
    ['webhook_attempts_delivery_attempted_idx', ['delivery_id', 'attempted_at']],
  ]);
}

async function createJobs(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('queue', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('run_at', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('max_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('dead_at', 'bigint')
    // NULLs are distinct on both databases: only jobs that have a key collide.
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('group_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  // The claim reads live jobs in (run_at, id) order and stops after `limit` unlocked ones;
  // pendingCount and nextRunAt read the same rows. Dead jobs stay out of the index.
  await db.schema
    .createIndex('jobs_live_run_at_idx')
    .on('jobs')
    .columns(['run_at', 'id'])
    .where(sql<boolean>`dead_at is null`)
    .execute();
}

async function createProviderNotifications(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('provider_notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('connector', 'text', (c) => c.notNull())
    .addColumn('connector_account_id', 'text', (c) => c.notNull())
    .addColumn('provider_event_id', 'text')
    .addColumn('event_type', 'text')
    .addColumn('verified', 'integer', (c) => c.notNull().check(sql`verified in (0, 1)`))
    .addColumn('verification_error', 'text')
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('duplicate_of', 'text')
    .addColumn('result', 'text')
    .addColumn('payment_id', 'text')
    .addColumn('processed_at', 'bigint')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .execute();
  await createIndexes(db, 'provider_notifications', [
    ['provider_notifications_account_event_idx', ['connector_account_id', 'provider_event_id']],
  ]);
  // At most one "first" verified notification per provider event: a concurrent duplicate
  // loses on this index and is stored pointing at the winner. The repository's ON CONFLICT
  // repeats this predicate word for word.
  await db.schema
    .createIndex('provider_notifications_first_verified_key')
    .on('provider_notifications')
    .columns(['connector_account_id', 'provider_event_id'])
    .unique()
    .where(sql<boolean>`verified = 1 and duplicate_of is null`)
    .execute();
}

import { type Kysely, sql } from 'kysely';

// Refunds, and what a payment keeps of them: refunded and pending amounts (their sum is held
// at or under the payment's amount by every writer, under the payment's version guard), and
// the merchant-cancel facts.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('payments')
    .addColumn('amount_refunded', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('payments')
    .addColumn('amount_refund_pending', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('payments').addColumn('canceled_by', 'text').execute();
  await db.schema
    .alterTable('payments')
    .addColumn('captured_after_cancel', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('refunds')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('test', 'live')`))
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('reason', 'text')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('provider_refund_id', 'text')
    .addColumn('failure_code', 'text')
    .addColumn('failure_message', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('refunds_payment_idx').on('refunds').columns(['payment_id', 'id']).execute();
  await db.schema.createIndex('refunds_account_idx').on('refunds').columns(['account_id', 'mode', 'id']).execute();
  await db.schema
    .createIndex('refunds_provider_idx')
    .on('refunds')
    .columns(['payment_id', 'provider_refund_id'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('refunds').execute();
  for (const column of ['captured_after_cancel', 'canceled_by', 'amount_refund_pending', 'amount_refunded']) {
    await db.schema.alterTable('payments').dropColumn(column).execute();
  }
}

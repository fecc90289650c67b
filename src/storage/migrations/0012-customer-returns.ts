import { type Kysely, sql } from 'kysely';

// Each time a customer comes back from a provider's page: when, what asking the provider found,
// and the payment's status after. A payment's timeline shows them.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customer_returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('payment_id', 'text', (c) => c.notNull().references('payments.id'))
    .addColumn('returned_at', 'bigint', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`outcome in ('confirmed', 'reference_unproven', 'looked_up', 'still_pending', 'no_answer', 'not_asked')`,
        ),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('customer_returns_payment_idx')
    .on('customer_returns')
    .columns(['payment_id', 'returned_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('customer_returns').execute();
}

import type { Kysely } from 'kysely';

// The connectors a payment was routed away from, and why (a JSON array).

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('payments')
    .addColumn('connector_attempts', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('connector_attempts').execute();
}

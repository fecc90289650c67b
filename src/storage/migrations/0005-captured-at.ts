import type { Kysely } from 'kysely';

// When a payment was captured: a same-day void window starts there.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').addColumn('captured_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('payments').dropColumn('captured_at').execute();
}

import type { Kysely } from 'kysely';

// Every lookup of a notification by its provider's event id asks for the first verified one,
// which the partial unique index answers: the plain index beside it was written on every
// notification stored and read by nothing. A payment's page lists the notifications about it,
// which without an index by payment read the whole table.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('provider_notifications_account_event_idx').execute();
  await db.schema
    .createIndex('provider_notifications_payment_idx')
    .on('provider_notifications')
    .columns(['payment_id', 'received_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('provider_notifications_payment_idx').execute();
  await db.schema
    .createIndex('provider_notifications_account_event_idx')
    .on('provider_notifications')
    .columns(['connector_account_id', 'provider_event_id'])
    .execute();
}

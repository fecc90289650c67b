import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import type { ProviderNotification, ProviderNotificationRepo } from '../../core/event-ports.ts';
import { compiled, slots } from '../compiled.ts';
import { toSafeInteger } from '../safe-integer.ts';
import type { DB, ProviderNotificationsTable } from '../schema.ts';
import { parseStringRecord } from './json.ts';

type NotificationRow = Selectable<ProviderNotificationsTable>;

// Word for word the predicate of the partial unique index of migration 0002, as literal SQL:
// neither database matches a partial index to an ON CONFLICT clause with bound parameters.
const FIRST_VERIFIED = sql<boolean>`verified = 1 and duplicate_of is null`;

// The first insert loses only to a committed winner, which is never deleted, so the second
// round finds it; the third is there only so that a surprise ends in an error, not a loop.
const INSERT_ROUNDS = 3;

/**
 * Provider notifications as received. The first verified notification of a provider event
 * holds a partial unique index on (connector account, provider event id); a verified repeat,
 * even one racing the first, loses on that index and is stored as its duplicate.
 */
export function createProviderNotificationRepo(db: Kysely<DB>): ProviderNotificationRepo {
  return {
    insert: (notification) => insertNotification(db, notification),
    async firstOf(connectorAccountId, providerEventId) {
      return (await firstVerified(db, connectorAccountId, providerEventId))?.id;
    },
    async purgeReceivedBefore(verifiedBefore, unverifiedBefore) {
      const result = await db
        .deleteFrom('provider_notifications')
        .where((eb) =>
          eb.or([
            eb.and([eb('verified', '=', 1), eb('received_at', '<', verifiedBefore)]),
            eb.and([eb('verified', '=', 0), eb('received_at', '<', unverifiedBefore)]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async get(id) {
      const row = await db.selectFrom('provider_notifications').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toNotification(row);
    },
    async markProcessed(id, result, paymentId, now) {
      await db
        .updateTable('provider_notifications')
        .set({ result, payment_id: paymentId, processed_at: now })
        .where('id', '=', id)
        .execute();
    },
  };
}

async function firstVerified(db: Kysely<DB>, connectorAccountId: string, providerEventId: string) {
  return (await selectFirst(db, { connectorAccountId, providerEventId })).rows[0];
}

// Every verified notification runs these two: compiled once (see `compiled`).
const selectFirst = compiled<{ connectorAccountId: string; providerEventId: string }, { id: string }>((db, param) =>
  db
    .selectFrom('provider_notifications')
    .select('id')
    .where('connector_account_id', '=', param('connectorAccountId'))
    .where('provider_event_id', '=', param('providerEventId'))
    .where(FIRST_VERIFIED),
);
const insertFirst = compiled<Insertable<ProviderNotificationsTable>, { id: string }>((db, param, first) =>
  db
    .insertInto('provider_notifications')
    .values(slots(param, first))
    .onConflict((oc) => oc.columns(['connector_account_id', 'provider_event_id']).where(FIRST_VERIFIED).doNothing())
    .returning('id'),
);

/**
 * Stores a notification, inside the caller's transaction when `db` is one. A verified one that
 * loses to a first of its event is stored as its duplicate (see the repository).
 */
export async function insertNotification(
  db: Kysely<DB>,
  notification: ProviderNotification,
): Promise<{ readonly duplicateOf: string | null }> {
  const row = toRow(notification);
  const eventId = notification.providerEventId;
  if (!notification.verified || eventId === null) {
    await db.insertInto('provider_notifications').values(row).execute();
    return { duplicateOf: null };
  }
  for (let round = 0; round < INSERT_ROUNDS; round++) {
    // On PostgreSQL a racing insert of the same event waits here for the other transaction
    // to end, then either conflicts (it committed) or goes in (it rolled back).
    const inserted = (await insertFirst(db, row)).rows[0];
    if (inserted !== undefined) return { duplicateOf: null };
    const first = await firstVerified(db, notification.connectorAccountId, eventId);
    if (first === undefined) continue;
    await db
      .insertInto('provider_notifications')
      .values({ ...row, duplicate_of: first.id })
      .execute();
    return { duplicateOf: first.id };
  }
  throw new Error(`provider notification ${notification.id}: the first one of its event kept disappearing`);
}

function toRow(n: ProviderNotification): Insertable<ProviderNotificationsTable> {
  return {
    id: n.id,
    connector: n.connector,
    connector_account_id: n.connectorAccountId,
    provider_event_id: n.providerEventId,
    event_type: n.eventType,
    verified: n.verified ? 1 : 0,
    verification_error: n.verificationError,
    headers: JSON.stringify(n.headers),
    body: n.body,
    duplicate_of: null,
    result: n.processed?.result ?? null,
    payment_id: n.processed?.paymentId ?? null,
    processed_at: n.processed?.at ?? null,
    received_at: n.receivedAt,
  };
}

function toNotification(row: NotificationRow): ProviderNotification {
  return {
    id: row.id,
    connector: row.connector,
    connectorAccountId: row.connector_account_id,
    providerEventId: row.provider_event_id,
    eventType: row.event_type,
    verified: toSafeInteger(row.verified, 'provider_notifications.verified') === 1,
    verificationError: row.verification_error,
    headers: parseStringRecord(row.headers, 'provider_notifications.headers'),
    body: row.body,
    receivedAt: toSafeInteger(row.received_at, 'provider_notifications.received_at'),
  };
}

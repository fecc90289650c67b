import type { Insertable, Kysely } from 'kysely';
import type { DomainEvent, NewJob, Outbox } from '../../core/event-ports.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { Mode } from '../../core/payment/payment.ts';
import { compiled, slots } from '../compiled.ts';
import type { DB, EventsTable, JobsTable, WebhookDeliveriesTable } from '../schema.ts';
import { completeIdempotentRequest } from './idempotency-repo.ts';
import { insertJobs, toJobRow } from './job-queue.ts';
import { JobsWritten } from './job-signal.ts';
import { parseStringArray } from './json.ts';
import { insertNotification } from './provider-notification-repo.ts';

/** Attempts a webhook delivery's job gets before it is given up. */
export const WEBHOOK_MAX_ATTEMPTS = 8;

/** True when `outbox` has nothing to write. */
export function isEmptyOutbox(outbox: Outbox | undefined): boolean {
  return (
    (outbox?.events?.length ?? 0) === 0 &&
    (outbox?.jobs?.length ?? 0) === 0 &&
    (outbox?.retiredJobs?.length ?? 0) === 0 &&
    outbox?.notification === undefined &&
    outbox?.answer === undefined
  );
}

/**
 * Writes an outbox; call it inside the transaction of the state change that caused it.
 * Each event is stored, then fanned out to every enabled endpoint of its account and mode
 * subscribed to its type (or to `*`): one pending delivery and one `deliver_webhook` job,
 * both due at the event's time, grouped by endpoint. Then the outbox's own jobs go in,
 * deduplicated by key (see {@link insertJobs}); `now` is their creation time. Returns the
 * earliest run time of the jobs written. The notification that brought the change, if any, is
 * stored with it, and so is the answer to the request that made it.
 */
export async function writeOutbox(
  trx: Kysely<DB>,
  ids: IdGenerator,
  outbox: Outbox,
  now: number,
): Promise<number | undefined> {
  const written = new JobsWritten();
  if (outbox.notification !== undefined) await insertNotification(trx, outbox.notification);
  const events = outbox.events ?? [];
  if (events.length > 0) {
    for (const event of events) await insertEvent(trx, toEventRow(event));
    const deliveries: Insertable<WebhookDeliveriesTable>[] = [];
    const jobs: Insertable<JobsTable>[] = [];
    const subscribers = subscribersOf(trx);
    for (const event of events) {
      for (const endpointId of await subscribers(event)) {
        const delivery = newDelivery(ids.next('whd'), endpointId, event);
        deliveries.push(delivery);
        const job: NewJob = {
          id: ids.next('job'),
          queue: 'deliver_webhook',
          payload: { delivery_id: delivery.id },
          runAt: event.createdAt,
          maxAttempts: WEBHOOK_MAX_ATTEMPTS,
          groupKey: endpointId,
        };
        jobs.push(toJobRow(job, event.createdAt));
      }
    }
    if (deliveries.length > 0) {
      for (const delivery of deliveries) await insertDelivery(trx, delivery);
      // No dedupe keys here: a plain insert.
      for (const job of jobs) {
        await insertJob(trx, job);
        written.note(job.run_at);
      }
    }
  }
  written.note(await insertJobs(trx, outbox.jobs ?? [], now));
  for (const dedupeKey of outbox.retiredJobs ?? []) await deleteIdleJob(trx, { dedupeKey, now });
  if (outbox.answer !== undefined) {
    const { reservation, status, body } = outbox.answer;
    await completeIdempotentRequest(trx, reservation, status, body);
  }
  return written.earliest;
}

interface Subscriber {
  readonly id: string;
  readonly enabledEvents: readonly string[];
}

/**
 * The ids of the enabled endpoints subscribed to an event, in id order. An account has few
 * endpoints: they are read once per account and mode, and matched here.
 */
function subscribersOf(trx: Kysely<DB>): (event: DomainEvent) => Promise<string[]> {
  const cache = new Map<string, Promise<Subscriber[]>>();
  return async (event) => {
    const key = `${event.accountId}\u0000${event.mode}`;
    let endpoints = cache.get(key);
    if (endpoints === undefined) {
      endpoints = selectSubscribers(trx, { accountId: event.accountId, mode: event.mode }).then(({ rows }) =>
        rows.map((r) => ({
          id: r.id,
          enabledEvents: parseStringArray(r.enabled_events, 'webhook_endpoints.enabled_events'),
        })),
      );
      cache.set(key, endpoints);
    }
    return (await endpoints)
      .filter((e) => e.enabledEvents.includes('*') || e.enabledEvents.includes(event.type))
      .map((e) => e.id);
  };
}

// Every state change with news runs these: compiled once (see `compiled`). One row per
// statement: an outbox holds one or two events, and a statement's shape cannot vary.
const insertEvent = compiled<Insertable<EventsTable>, unknown>((db, param, first) =>
  db.insertInto('events').values(slots(param, first)),
);
const insertDelivery = compiled<Insertable<WebhookDeliveriesTable>, unknown>((db, param, first) =>
  db.insertInto('webhook_deliveries').values(slots(param, first)),
);
const insertJob = compiled<Insertable<JobsTable>, unknown>((db, param, first) =>
  db.insertInto('jobs').values(slots(param, first)),
);
/** A live job no worker holds now (a held one is left to finish: it finds nothing to do). */
const deleteIdleJob = compiled<{ dedupeKey: string; now: number }, unknown>((db, param) =>
  db
    .deleteFrom('jobs')
    .where('dedupe_key', '=', param('dedupeKey'))
    .where('dead_at', 'is', null)
    .where('locked_until', '<=', param('now')),
);
const selectSubscribers = compiled<{ accountId: string; mode: Mode }, { id: string; enabled_events: string }>(
  (db, param) =>
    db
      .selectFrom('webhook_endpoints')
      .select(['id', 'enabled_events'])
      .where('account_id', '=', param('accountId'))
      .where('mode', '=', param('mode'))
      .where('status', '=', 'enabled')
      .orderBy('id'),
);

function toEventRow(event: DomainEvent): Insertable<EventsTable> {
  return {
    id: event.id,
    account_id: event.accountId,
    mode: event.mode,
    type: event.type,
    object_id: event.objectId,
    data: JSON.stringify(event.data),
    created_at: event.createdAt,
  };
}

function newDelivery(id: string, endpointId: string, event: DomainEvent): Insertable<WebhookDeliveriesTable> {
  return {
    id,
    endpoint_id: endpointId,
    event_id: event.id,
    account_id: event.accountId,
    mode: event.mode,
    status: 'pending',
    attempts: 0,
    next_attempt_at: event.createdAt,
    last_status_code: null,
    created_at: event.createdAt,
    updated_at: event.createdAt,
  };
}

import type { Selectable } from 'kysely';
import type { WebhookAttempt, WebhookDelivery, WebhookDeliveryRepo } from '../../core/event-ports.ts';
import { rowById } from '../compiled.ts';
import type { Database } from '../db.ts';
import { durableTransaction } from '../dialect.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { WebhookAttemptsTable, WebhookDeliveriesTable } from '../schema.ts';
import { completeJob, insertJobs } from './job-queue.ts';
import { type JobSignal, transactionWithJobs } from './job-signal.ts';
import { pageById } from './paging.ts';

const deliveryById = rowById('webhook_deliveries');

/** Webhook deliveries (made by the outbox) and their attempts. */
export function createWebhookDeliveryRepo(database: Database, signal?: JobSignal): WebhookDeliveryRepo {
  const { db } = database;
  return {
    async get(id) {
      const row = await deliveryById(db, id);
      return row === undefined ? undefined : toDelivery(row);
    },
    async listForEndpoint(endpointId, page) {
      const q = db.selectFrom('webhook_deliveries').selectAll().where('endpoint_id', '=', endpointId);
      const { rows, hasMore } = await pageById(q, page, 'webhook delivery');
      return { data: rows.map(toDelivery), hasMore };
    },
    async attempts(deliveryId) {
      const rows = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('attempted_at')
        .orderBy('id')
        .execute();
      return rows.map(toAttempt);
    },
    async recordAttempt(attempt, next, done) {
      await durableTransaction(db, async (trx) => {
        if (done !== undefined) await completeJob(trx, { id: done.jobId, workerId: done.workerId });
        const result = await trx
          .updateTable('webhook_deliveries')
          .set({
            status: next.status,
            attempts: next.attempts,
            next_attempt_at: next.nextAttemptAt,
            last_status_code: next.lastStatusCode,
            updated_at: next.updatedAt,
          })
          .where('id', '=', attempt.deliveryId)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) throw new Error(`webhook delivery ${attempt.deliveryId} does not exist`);
        await trx
          .insertInto('webhook_attempts')
          .values({
            id: attempt.id,
            delivery_id: attempt.deliveryId,
            attempted_at: attempt.attemptedAt,
            status_code: attempt.statusCode,
            error: attempt.error,
            latency_ms: attempt.latencyMs,
            response_excerpt: attempt.responseExcerpt,
          })
          .execute();
      });
    },
    async redeliver(deliveryId, job, now) {
      await transactionWithJobs(db, signal, async (trx, jobs) => {
        const result = await trx
          .updateTable('webhook_deliveries')
          .set({ status: 'pending', next_attempt_at: job.runAt, updated_at: now })
          .where('id', '=', deliveryId)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) throw new Error(`webhook delivery ${deliveryId} does not exist`);
        jobs.note(await insertJobs(trx, [job], now));
      });
    },
  };
}

export function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    eventId: row.event_id,
    accountId: row.account_id,
    mode: row.mode,
    status: checkedStatus(row.status),
    attempts: toSafeInteger(row.attempts, 'webhook_deliveries.attempts'),
    nextAttemptAt: toSafeIntegerOrNull(row.next_attempt_at, 'webhook_deliveries.next_attempt_at'),
    lastStatusCode: toSafeIntegerOrNull(row.last_status_code, 'webhook_deliveries.last_status_code'),
    createdAt: toSafeInteger(row.created_at, 'webhook_deliveries.created_at'),
    updatedAt: toSafeInteger(row.updated_at, 'webhook_deliveries.updated_at'),
  };
}

export function toAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttempt {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    attemptedAt: toSafeInteger(row.attempted_at, 'webhook_attempts.attempted_at'),
    statusCode: toSafeIntegerOrNull(row.status_code, 'webhook_attempts.status_code'),
    error: row.error,
    latencyMs: toSafeInteger(row.latency_ms, 'webhook_attempts.latency_ms'),
    responseExcerpt: row.response_excerpt,
  };
}

const DELIVERY_STATUSES: readonly string[] = ['pending', 'succeeded', 'failed'] satisfies WebhookDelivery['status'][];

function checkedStatus(status: string): WebhookDelivery['status'] {
  if (!DELIVERY_STATUSES.includes(status)) throw new TypeError(`webhook_deliveries.status: unknown status "${status}"`);
  return status as WebhookDelivery['status'];
}

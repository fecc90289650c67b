import type { Kysely, Selectable } from 'kysely';
import type { IdGenerator } from '../../core/ids.ts';
import { isRefundStatus, type Refund } from '../../core/refund/refund.ts';
import type { RefundRepo, RefundWrite } from '../../core/repositories.ts';
import type { Database } from '../db.ts';
import { lockForUpdate } from '../dialect.ts';
import { toSafeInteger } from '../safe-integer.ts';
import type { DB, RefundsTable } from '../schema.ts';
import type { SecretBox } from '../secret-box.ts';
import { linkIdempotentResource } from './idempotency-repo.ts';
import { type JobSignal, type JobsWritten, transactionWithJobs } from './job-signal.ts';
import { parseStringRecord } from './json.ts';
import { isEmptyOutbox, writeOutbox } from './outbox.ts';
import { rowToPayment, updatePaymentRow } from './payment-repo.ts';

type RefundRow = Selectable<RefundsTable>;

/**
 * Refunds. Every write goes with the payment it changes, in one transaction guarded by both
 * versions: two refunds racing on one payment (in any number of processes) cannot both pass
 * the check of the refundable amount, because only one of them can move the payment's version.
 */
export function createRefundRepo(database: Database, box: SecretBox, ids: IdGenerator, signal?: JobSignal): RefundRepo {
  const { db, dialect } = database;
  const byId = (id: string) => db.selectFrom('refunds').selectAll().where('id', '=', id);
  return {
    async write(change: RefundWrite) {
      return transactionWithJobs(db, signal, (trx, jobs) => writeChange(trx, ids, change, jobs)).catch(
        (err: unknown) => {
          if (err instanceof LostRace) return false;
          throw err;
        },
      );
    },
    async reserve(paymentId, decide) {
      return transactionWithJobs(db, signal, async (trx, jobs) => {
        const locked = lockForUpdate(trx.selectFrom('payments').selectAll().where('id', '=', paymentId), dialect);
        const row = await locked.executeTakeFirst();
        if (row === undefined) return undefined;
        const change = decide(rowToPayment(row, box));
        // The payment is held: its version guard cannot fail here.
        if (!(await writeChange(trx, ids, change, jobs))) {
          throw new Error(`payment ${paymentId} changed while it was held`);
        }
        return change;
      });
    },
    async hold(refundId, decide) {
      return transactionWithJobs(db, signal, async (trx, jobs) => {
        const first = await trx
          .selectFrom('refunds')
          .select('payment_id')
          .where('id', '=', refundId)
          .executeTakeFirst();
        if (first === undefined) return undefined;
        const locked = lockForUpdate(
          trx.selectFrom('payments').selectAll().where('id', '=', first.payment_id),
          dialect,
        );
        const payment = await locked.executeTakeFirst();
        const row = await trx.selectFrom('refunds').selectAll().where('id', '=', refundId).executeTakeFirst();
        if (payment === undefined || row === undefined) return undefined;
        const refund = toRefund(row);
        const change = decide(refund, rowToPayment(payment, box));
        if (change === undefined) return refund;
        if (!(await writeChange(trx, ids, change, jobs))) throw new LostRace();
        return change.refund.next;
      }).catch((err: unknown) => {
        if (err instanceof LostRace) return 'lost' as const;
        throw err;
      });
    },
    async get(accountId, mode, id) {
      const row = await byId(id).where('account_id', '=', accountId).where('mode', '=', mode).executeTakeFirst();
      return row === undefined ? undefined : toRefund(row);
    },
    async getById(id) {
      const row = await byId(id).executeTakeFirst();
      return row === undefined ? undefined : toRefund(row);
    },
    async listForPayment(paymentId) {
      const rows = await db
        .selectFrom('refunds')
        .selectAll()
        .where('payment_id', '=', paymentId)
        .orderBy('id')
        .execute();
      return rows.map(toRefund);
    },
    async findByProviderId(paymentId, providerRefundId) {
      const row = await db
        .selectFrom('refunds')
        .selectAll()
        .where('payment_id', '=', paymentId)
        .where('provider_refund_id', '=', providerRefundId)
        .executeTakeFirst();
      return row === undefined ? undefined : toRefund(row);
    },
  };
}

class LostRace extends Error {}

async function writeChange(
  trx: Kysely<DB>,
  ids: IdGenerator,
  change: RefundWrite,
  jobs: JobsWritten,
): Promise<boolean> {
  if (change.reservation) await linkIdempotentResource(trx, change.reservation, change.refund.next.id);
  if (change.payment && !(await updatePaymentRow(trx, change.payment.next, change.payment.expectedVersion))) {
    return false;
  }
  if (!(await writeRefund(trx, change.refund.next, change.refund.expectedVersion))) {
    // Undo the payment update: a failed guard must leave nothing written.
    throw new LostRace();
  }
  if (change.outbox && !isEmptyOutbox(change.outbox)) {
    jobs.note(await writeOutbox(trx, ids, change.outbox, change.refund.next.updatedAt));
  }
  return true;
}

async function writeRefund(trx: Kysely<DB>, r: Refund, expectedVersion: number | null): Promise<boolean> {
  const columns = {
    status: r.status,
    reason: r.reason,
    metadata: JSON.stringify(r.metadata),
    provider_refund_id: r.providerRefundId,
    failure_code: r.failureCode,
    failure_message: r.failureMessage,
    updated_at: r.updatedAt,
  };
  if (expectedVersion === null) {
    await trx
      .insertInto('refunds')
      .values({
        id: r.id,
        account_id: r.accountId,
        mode: r.mode,
        payment_id: r.paymentId,
        amount: r.amount,
        currency: r.currency,
        created_at: r.createdAt,
        version: r.version,
        ...columns,
      })
      .execute();
    return true;
  }
  const result = await trx
    .updateTable('refunds')
    .set({ ...columns, version: expectedVersion + 1 })
    .where('id', '=', r.id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export function toRefund(row: RefundRow): Refund {
  if (!isRefundStatus(row.status)) throw new Error(`refunds.status holds an unknown status: ${row.status}`);
  return {
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    paymentId: row.payment_id,
    amount: toSafeInteger(row.amount, 'refunds.amount'),
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    metadata: parseStringRecord(row.metadata, 'refunds.metadata'),
    providerRefundId: row.provider_refund_id,
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    createdAt: toSafeInteger(row.created_at, 'refunds.created_at'),
    updatedAt: toSafeInteger(row.updated_at, 'refunds.updated_at'),
    version: toSafeInteger(row.version, 'refunds.version'),
  };
}

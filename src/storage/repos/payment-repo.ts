import type { Insertable, Kysely, Selectable, SelectQueryBuilder } from 'kysely';
import type { IdGenerator } from '../../core/ids.ts';
import {
  type Customer,
  PAYMENT_METHODS,
  PAYMENT_PART_STATUSES,
  type Payment,
  type PaymentMethod,
  type PaymentPartStatus,
} from '../../core/payment/payment.ts';
import { isPaymentStatus, type PaymentStatus } from '../../core/payment/status.ts';
import type { PaymentListQuery, PaymentRepo } from '../../core/repositories.ts';
import { compiled, slots } from '../compiled.ts';
import type { Database } from '../db.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { DB, PaymentsTable } from '../schema.ts';
import type { SecretBox } from '../secret-box.ts';
import { linkIdempotentResource } from './idempotency-repo.ts';
import { type JobSignal, transactionWithJobs } from './job-signal.ts';
import { parseStringRecord } from './json.ts';
import { isEmptyOutbox, writeOutbox } from './outbox.ts';
import { pageById } from './paging.ts';

type PaymentRow = Selectable<PaymentsTable>;
type Mutable = Omit<
  PaymentRow,
  'id' | 'account_id' | 'mode' | 'created_at' | 'version' | 'customer' | 'national_id_sealed'
>;

/**
 * Payments; the customer's national id is sealed by `box` into its own column. A write with
 * an outbox runs in one transaction with it; `ids` names the deliveries and jobs it fans out.
 */
export function createPaymentRepo(
  database: Database,
  box: SecretBox,
  ids: IdGenerator,
  signal?: JobSignal,
): PaymentRepo {
  const { db } = database;
  const toPayment = (row: PaymentRow) => rowToPayment(row, box);
  const byId = (id: string) => db.selectFrom('payments').selectAll().where('id', '=', id);
  const insert = (trx: Kysely<DB>, payment: Payment) =>
    insertRow(trx, {
      id: payment.id,
      account_id: payment.accountId,
      mode: payment.mode,
      created_at: payment.createdAt,
      version: payment.version,
      ...customerColumns(payment.customer, box),
      ...mutableColumns(payment),
    });
  const update = (trx: Kysely<DB>, next: Payment, expectedVersion: number) =>
    updatePaymentRow(trx, next, expectedVersion);

  return {
    async insert(payment, outbox, reservation) {
      const noOutbox = outbox === undefined || isEmptyOutbox(outbox);
      if (noOutbox && reservation === undefined) {
        await insert(db, payment);
        return;
      }
      await transactionWithJobs(db, signal, async (trx, jobs) => {
        if (reservation !== undefined) await linkIdempotentResource(trx, reservation, payment.id);
        await insert(trx, payment);
        if (!noOutbox) jobs.note(await writeOutbox(trx, ids, outbox, payment.updatedAt));
      });
      if (reservation?.pending !== undefined) reservation.pending.claimed = true;
    },
    async getById(id) {
      const row = (await selectById(db, { id })).rows[0];
      return row === undefined ? undefined : toPayment(row);
    },
    async get(accountId, mode, id) {
      const row = await byId(id).where('account_id', '=', accountId).where('mode', '=', mode).executeTakeFirst();
      return row === undefined ? undefined : toPayment(row);
    },
    async findByProviderId(connectorAccountId, providerPaymentId) {
      const row = (await selectByProviderId(db, { connectorAccountId, providerPaymentId })).rows[0];
      return row === undefined ? undefined : toPayment(row);
    },
    async update(next, expectedVersion, outbox) {
      if (outbox === undefined || isEmptyOutbox(outbox)) return update(db, next, expectedVersion);
      // The guarded UPDATE goes first: it takes the row lock (PostgreSQL), and when it matches
      // nothing the transaction ends having written nothing.
      return transactionWithJobs(db, signal, async (trx, jobs) => {
        if (!(await update(trx, next, expectedVersion))) return false;
        jobs.note(await writeOutbox(trx, ids, outbox, next.updatedAt));
        return true;
      });
    },
    async list(query) {
      const { rows, hasMore } = await pageById(filtered(db, query), query, 'payment');
      return { data: rows.map(toPayment), hasMore };
    },
  };
}

function filtered(db: Kysely<DB>, query: PaymentListQuery): SelectQueryBuilder<DB, 'payments', PaymentRow> {
  let q = db
    .selectFrom('payments')
    .selectAll()
    .where('account_id', '=', query.accountId)
    .where('mode', '=', query.mode);
  if (query.status !== undefined) q = q.where('status', '=', query.status);
  if (query.createdGte !== undefined) q = q.where('created_at', '>=', query.createdGte);
  if (query.createdLt !== undefined) q = q.where('created_at', '<', query.createdLt);
  if (query.reference !== undefined) q = q.where('reference', '=', query.reference);
  return q;
}

/**
 * The guarded payment UPDATE, for writers that change a payment inside their own transaction.
 * The customer is written once, at creation: nothing changes it, so its sealed national id is
 * not sealed again on every update.
 */
export async function updatePaymentRow(trx: Kysely<DB>, next: Payment, expectedVersion: number): Promise<boolean> {
  const result = await updateRow(trx, {
    ...mutableColumns(next),
    version: expectedVersion + 1,
    id: next.id,
    expected_version: expectedVersion,
  });
  return result.numAffectedRows === 1n;
}

// The payment path's statements, compiled once (see `compiled`).
const selectById = compiled<{ id: string }, PaymentRow>((db, param) =>
  db.selectFrom('payments').selectAll().where('id', '=', param('id')),
);
const selectByProviderId = compiled<{ connectorAccountId: string; providerPaymentId: string }, PaymentRow>(
  (db, param) =>
    db
      .selectFrom('payments')
      .selectAll()
      .where('connector_account_id', '=', param('connectorAccountId'))
      .where('provider_payment_id', '=', param('providerPaymentId')),
);
const insertRow = compiled<Insertable<PaymentsTable>, unknown>((db, param, first) =>
  db.insertInto('payments').values(slots(param, first)),
);
type RowUpdate = Mutable & { version: number; id: string; expected_version: number };
const updateRow = compiled<RowUpdate, unknown>((db, param, first) => {
  const { id: _id, expected_version: _expected, ...set } = slots(param, first);
  return db
    .updateTable('payments')
    .set(set)
    .where('id', '=', param('id'))
    .where('version', '=', param('expected_version'));
});

function mutableColumns(p: Payment): Mutable {
  return {
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    payment_method: p.paymentMethod,
    connector: p.connector,
    connector_account_id: p.connectorAccountId,
    provider_payment_id: p.providerPaymentId,
    provider_status: p.providerStatus,
    next_action_url: p.nextActionUrl,
    return_url: p.returnUrl,
    reference: p.reference,
    description: p.description,
    metadata: JSON.stringify(p.metadata),
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    expires_at: p.expiresAt,
    amount_refunded: p.amountRefunded,
    amount_refund_pending: p.amountRefundPending,
    canceled_by: p.canceledBy,
    captured_after_cancel: p.capturedAfterCancel ? 1 : 0,
    connector_attempts: JSON.stringify(p.connectorAttempts),
    parts: JSON.stringify(p.parts),
    captured_at: p.capturedAt,
    updated_at: p.updatedAt,
  };
}

function customerColumns(
  customer: Customer | null,
  box: SecretBox,
): Pick<PaymentRow, 'customer' | 'national_id_sealed'> {
  if (customer === null) return { customer: null, national_id_sealed: null };
  const { nationalId, ...rest } = customer;
  return {
    customer: JSON.stringify(rest),
    national_id_sealed: nationalId === undefined ? null : box.seal(nationalId),
  };
}

/** A stored payment row as a payment, its national id unsealed. */
export function rowToPayment(row: PaymentRow, box: SecretBox): Payment {
  return {
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    status: checkedStatus(row.status),
    amount: toSafeInteger(row.amount, 'payments.amount'),
    currency: row.currency,
    paymentMethod: checkedMethod(row.payment_method),
    connector: row.connector,
    connectorAccountId: row.connector_account_id,
    providerPaymentId: row.provider_payment_id,
    providerStatus: row.provider_status,
    nextActionUrl: row.next_action_url,
    returnUrl: row.return_url,
    reference: row.reference,
    description: row.description,
    customer: rowToCustomer(row, box),
    metadata: parseStringRecord(row.metadata, 'payments.metadata'),
    failureCode: row.failure_code,
    failureMessage: row.failure_message,
    expiresAt: toSafeIntegerOrNull(row.expires_at, 'payments.expires_at'),
    amountRefunded: toSafeInteger(row.amount_refunded, 'payments.amount_refunded'),
    amountRefundPending: toSafeInteger(row.amount_refund_pending, 'payments.amount_refund_pending'),
    canceledBy: row.canceled_by === 'merchant' ? 'merchant' : null,
    capturedAfterCancel: Number(row.captured_after_cancel) === 1,
    connectorAttempts: parseAttempts(row.connector_attempts),
    parts: parseParts(row.parts),
    capturedAt: toSafeIntegerOrNull(row.captured_at, 'payments.captured_at'),
    createdAt: toSafeInteger(row.created_at, 'payments.created_at'),
    updatedAt: toSafeInteger(row.updated_at, 'payments.updated_at'),
    version: toSafeInteger(row.version, 'payments.version'),
  };
}

function rowToCustomer(row: PaymentRow, box: SecretBox): Customer | null {
  if (row.customer === null && row.national_id_sealed === null) return null;
  const rest: Customer = row.customer === null ? {} : parseStringRecord(row.customer, 'payments.customer');
  const sealed = row.national_id_sealed;
  if (sealed === null) return rest;
  // Opened when read, once: only a call to the provider needs it, not the many reads of a
  // payment that only move its status.
  return Object.defineProperty(rest, 'nationalId', {
    enumerable: true,
    configurable: true,
    get() {
      const nationalId = box.open(sealed);
      Object.defineProperty(rest, 'nationalId', { value: nationalId, enumerable: true, writable: false });
      return nationalId;
    },
  });
}

export function checkedStatus(status: string): PaymentStatus {
  if (!isPaymentStatus(status)) throw new TypeError(`payments.status: unknown status "${status}"`);
  return status;
}

function checkedMethod(method: string): PaymentMethod {
  if (!(PAYMENT_METHODS as readonly string[]).includes(method)) {
    throw new TypeError(`payments.payment_method: unknown method "${method}"`);
  }
  return method as PaymentMethod;
}

function parseParts(text: string): Payment['parts'] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error('payments.parts is not a JSON array');
  return value.map((p: Record<string, unknown>) => {
    if (!(PAYMENT_PART_STATUSES as readonly unknown[]).includes(p.status)) {
      throw new TypeError(`payments.parts: unknown status "${String(p.status)}"`);
    }
    return {
      id: String(p.id),
      name: String(p.name),
      amount: toSafeInteger(p.amount, 'payments.parts.amount'),
      status: p.status as PaymentPartStatus,
      method: p.method === null || p.method === undefined ? null : String(p.method),
      paidAt: toSafeIntegerOrNull(p.paidAt, 'payments.parts.paidAt'),
    };
  });
}

function parseAttempts(text: string): Payment['connectorAttempts'] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value)) throw new Error('payments.connector_attempts is not a JSON array');
  return value.map((a: Record<string, unknown>) => ({
    connector: String(a.connector),
    outcome: String(a.outcome),
    reason: String(a.reason),
    at: toSafeInteger(a.at, 'payments.connector_attempts.at'),
  }));
}

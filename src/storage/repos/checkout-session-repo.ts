import type { Insertable, Kysely, Selectable } from 'kysely';
import type { CheckoutSessionRepo } from '../../core/checkout/ports.ts';
import type { CheckoutSession } from '../../core/checkout/session.ts';
import type { Outbox } from '../../core/event-ports.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { Customer, PaymentMethod } from '../../core/payment/payment.ts';
import { isPaymentStatus } from '../../core/payment/status.ts';
import type { Database } from '../db.ts';
import { lockForUpdate } from '../dialect.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { CheckoutSessionsTable, DB } from '../schema.ts';
import { linkIdempotentResource } from './idempotency-repo.ts';
import { type JobSignal, transactionWithJobs } from './job-signal.ts';
import { parseObject, parseStringArray, parseStringRecord } from './json.ts';
import { isEmptyOutbox, writeOutbox } from './outbox.ts';
import { pageById } from './paging.ts';

type Row = Selectable<CheckoutSessionsTable>;

function toSession(row: Row): CheckoutSession {
  const customer = row.customer === null ? null : (parseObject(row.customer, 'checkout_sessions.customer') as Customer);
  return {
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    token: row.token,
    csrfToken: row.csrf_token,
    status: row.status,
    amount: toSafeInteger(row.amount, 'checkout_sessions.amount'),
    currency: row.currency,
    paymentMethods: parseStringArray(row.payment_methods, 'checkout_sessions.payment_methods') as PaymentMethod[],
    successUrl: row.success_url,
    cancelUrl: row.cancel_url,
    reference: row.reference,
    description: row.description,
    locale: row.locale,
    customer,
    metadata: parseStringRecord(row.metadata, 'checkout_sessions.metadata'),
    expiresAt: toSafeInteger(row.expires_at, 'checkout_sessions.expires_at'),
    paymentId: row.payment_id,
    paymentIds: parseStringArray(row.payment_ids, 'checkout_sessions.payment_ids'),
    attemptLockedUntil: toSafeIntegerOrNull(row.attempt_locked_until, 'checkout_sessions.attempt_locked_until'),
    completedAt: toSafeIntegerOrNull(row.completed_at, 'checkout_sessions.completed_at'),
    createdAt: toSafeInteger(row.created_at, 'checkout_sessions.created_at'),
    updatedAt: toSafeInteger(row.updated_at, 'checkout_sessions.updated_at'),
    version: toSafeInteger(row.version, 'checkout_sessions.version'),
  };
}

/** The row of a session (also written by the payment links' repository, with the link's tie). */
export function toRow(s: CheckoutSession): Insertable<CheckoutSessionsTable> {
  return {
    id: s.id,
    account_id: s.accountId,
    mode: s.mode,
    token: s.token,
    csrf_token: s.csrfToken,
    status: s.status,
    amount: s.amount,
    currency: s.currency,
    payment_methods: JSON.stringify(s.paymentMethods),
    success_url: s.successUrl,
    cancel_url: s.cancelUrl,
    reference: s.reference,
    description: s.description,
    locale: s.locale,
    customer: s.customer === null ? null : JSON.stringify(s.customer),
    metadata: JSON.stringify(s.metadata),
    expires_at: s.expiresAt,
    payment_id: s.paymentId,
    payment_ids: JSON.stringify(s.paymentIds),
    attempt_locked_until: s.attemptLockedUntil,
    completed_at: s.completedAt,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
    version: s.version,
  };
}

/**
 * Checkout sessions. Every change is made while holding the session's row (`FOR UPDATE` on
 * PostgreSQL; on SQLite the transaction's write lock), so two tabs choosing a method at once
 * queue: the second sees the first one's payment.
 */
export function createCheckoutSessionRepo(
  database: Database,
  ids: IdGenerator,
  signal?: JobSignal,
): CheckoutSessionRepo {
  const { db, dialect } = database;
  const select = (q: Kysely<DB>) => q.selectFrom('checkout_sessions').selectAll();
  const outboxOf = async (trx: Kysely<DB>, outbox: Outbox | undefined, now: number) =>
    outbox === undefined || isEmptyOutbox(outbox) ? undefined : writeOutbox(trx, ids, outbox, now);
  return {
    async insert(session, outbox, reservation) {
      await transactionWithJobs(db, signal, async (trx, jobs) => {
        if (reservation !== undefined) await linkIdempotentResource(trx, reservation, session.id);
        await trx.insertInto('checkout_sessions').values(toRow(session)).execute();
        jobs.note(await outboxOf(trx, outbox, session.createdAt));
      });
    },
    async get(accountId, mode, id) {
      const row = await select(db)
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('mode', '=', mode)
        .executeTakeFirst();
      return row === undefined ? undefined : toSession(row);
    },
    async getById(id) {
      const row = await select(db).where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toSession(row);
    },
    async getByToken(token) {
      const row = await select(db).where('token', '=', token).executeTakeFirst();
      return row === undefined ? undefined : toSession(row);
    },
    async list(query) {
      const page = await pageById(
        select(db).where('account_id', '=', query.accountId).where('mode', '=', query.mode),
        query,
        'checkout session',
      );
      return { data: page.rows.map(toSession), hasMore: page.hasMore };
    },
    async hold(id, decide) {
      return transactionWithJobs(db, signal, async (trx, jobs) => {
        const row = await lockForUpdate(select(trx).where('id', '=', id), dialect).executeTakeFirst();
        if (row === undefined) return undefined;
        const session = toSession(row);
        let latest: string | undefined;
        if (session.paymentId !== null) {
          const payment = await trx
            .selectFrom('payments')
            .select('status')
            .where('id', '=', session.paymentId)
            .executeTakeFirst();
          latest = payment?.status;
        }
        const status = isPaymentStatus(latest) ? latest : undefined;
        const write = decide(session, status);
        if (write.next !== undefined) {
          const next = { ...write.next, version: session.version + 1 };
          const result = await trx
            .updateTable('checkout_sessions')
            .set(toRow(next))
            .where('id', '=', id)
            .where('version', '=', session.version)
            .executeTakeFirst();
          // The row is held: nobody else can have moved its version.
          if (result.numUpdatedRows !== 1n) throw new Error(`checkout session ${id} changed while it was held`);
        }
        jobs.note(await outboxOf(trx, write.outbox, write.next?.updatedAt ?? session.updatedAt));
        return write.result;
      });
    },
  };
}

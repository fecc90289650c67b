import type { Insertable, Kysely, Selectable } from 'kysely';
import type { PaymentLink, PaymentLinkRepo } from '../../core/checkout/payment-link.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { PaymentMethod } from '../../core/payment/payment.ts';
import type { Database } from '../db.ts';
import { lockForUpdate } from '../dialect.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { DB, PaymentLinksTable } from '../schema.ts';
import { toRow as sessionRow } from './checkout-session-repo.ts';
import { linkIdempotentResource } from './idempotency-repo.ts';
import { type JobSignal, transactionWithJobs } from './job-signal.ts';
import { parseStringArray, parseStringRecord } from './json.ts';
import { isEmptyOutbox, writeOutbox } from './outbox.ts';
import { pageById } from './paging.ts';

type Row = Selectable<PaymentLinksTable> & { completed_sessions: unknown };

function toLink(row: Row): PaymentLink {
  return {
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    token: row.token,
    csrfToken: row.csrf_token,
    active: Number(row.active) === 1,
    amount: toSafeIntegerOrNull(row.amount, 'payment_links.amount'),
    minAmount: toSafeIntegerOrNull(row.min_amount, 'payment_links.min_amount'),
    maxAmount: toSafeIntegerOrNull(row.max_amount, 'payment_links.max_amount'),
    currency: row.currency,
    description: row.description,
    paymentMethods:
      row.payment_methods === null
        ? null
        : (parseStringArray(row.payment_methods, 'payment_links.payment_methods') as PaymentMethod[]),
    maxPayments: toSafeIntegerOrNull(row.max_payments, 'payment_links.max_payments'),
    reference: row.reference,
    metadata: parseStringRecord(row.metadata, 'payment_links.metadata'),
    locale: row.locale,
    successUrl: row.success_url,
    cancelUrl: row.cancel_url,
    createdAt: toSafeInteger(row.created_at, 'payment_links.created_at'),
    updatedAt: toSafeInteger(row.updated_at, 'payment_links.updated_at'),
    completedSessions: toSafeInteger(row.completed_sessions, 'payment_links.completed_sessions'),
  };
}

function toRow(l: PaymentLink): Insertable<PaymentLinksTable> {
  return {
    id: l.id,
    account_id: l.accountId,
    mode: l.mode,
    token: l.token,
    csrf_token: l.csrfToken,
    active: l.active ? 1 : 0,
    amount: l.amount,
    min_amount: l.minAmount,
    max_amount: l.maxAmount,
    currency: l.currency,
    description: l.description,
    payment_methods: l.paymentMethods === null ? null : JSON.stringify(l.paymentMethods),
    max_payments: l.maxPayments,
    reference: l.reference,
    metadata: JSON.stringify(l.metadata),
    locale: l.locale,
    success_url: l.successUrl,
    cancel_url: l.cancelUrl,
    created_at: l.createdAt,
    updated_at: l.updatedAt,
  };
}

/** The sessions of link `linkId` that completed (one index lookup per link, then each session by key). */
function completedOf(q: Kysely<DB>, linkId: string) {
  return q
    .selectFrom('payment_link_sessions as pls')
    .innerJoin('checkout_sessions as cs', 'cs.id', 'pls.session_id')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('pls.link_id', '=', linkId)
    .where('cs.status', '=', 'complete');
}

/**
 * Payment links. A link's sessions are stored here, each with its tie to the link, in one
 * transaction that holds the link's row (`FOR UPDATE` on PostgreSQL; on SQLite the write
 * lock), so that the check of its maximum and the new session cannot be separated.
 */
export function createPaymentLinkRepo(database: Database, ids: IdGenerator, signal?: JobSignal): PaymentLinkRepo {
  const { db, dialect } = database;
  const select = (q: Kysely<DB>) =>
    q
      .selectFrom('payment_links')
      .selectAll('payment_links')
      .select((eb) =>
        eb
          .selectFrom('payment_link_sessions as pls')
          .innerJoin('checkout_sessions as cs', 'cs.id', 'pls.session_id')
          .select((e) => e.fn.countAll().as('n'))
          .whereRef('pls.link_id', '=', 'payment_links.id')
          .where('cs.status', '=', 'complete')
          .as('completed_sessions'),
      );
  const one = async (q: ReturnType<typeof select>) => {
    const row = await q.executeTakeFirst();
    return row === undefined ? undefined : toLink(row);
  };
  const get = (accountId: string, mode: PaymentLink['mode'], id: string) =>
    one(
      select(db)
        .where('payment_links.id', '=', id)
        .where('payment_links.account_id', '=', accountId)
        .where('payment_links.mode', '=', mode),
    );
  return {
    async insert(link, reservation, outbox) {
      await transactionWithJobs(db, signal, async (trx, jobs) => {
        if (reservation !== undefined) await linkIdempotentResource(trx, reservation, link.id);
        await trx.insertInto('payment_links').values(toRow(link)).execute();
        if (outbox !== undefined && !isEmptyOutbox(outbox))
          jobs.note(await writeOutbox(trx, ids, outbox, link.createdAt));
      });
    },
    get,
    getByToken(token) {
      return one(select(db).where('payment_links.token', '=', token));
    },
    async list(query) {
      const page = await pageById(
        select(db).where('payment_links.account_id', '=', query.accountId).where('payment_links.mode', '=', query.mode),
        query,
        'payment link',
      );
      return { data: page.rows.map(toLink), hasMore: page.hasMore };
    },
    async setActive(accountId, mode, id, active, now, outboxOf) {
      await transactionWithJobs(db, signal, async (trx, jobs) => {
        const changed = await trx
          .updateTable('payment_links')
          .set({ active: active ? 1 : 0, updated_at: now })
          .where('id', '=', id)
          .where('account_id', '=', accountId)
          .where('mode', '=', mode)
          .where('active', '=', active ? 0 : 1)
          .executeTakeFirst();
        if (outboxOf === undefined || changed.numUpdatedRows !== 1n) return;
        const link = await one(select(trx).where('payment_links.id', '=', id));
        const outbox = link === undefined ? undefined : outboxOf(link);
        if (outbox !== undefined && !isEmptyOutbox(outbox)) jobs.note(await writeOutbox(trx, ids, outbox, now));
      });
      return get(accountId, mode, id);
    },
    async insertSession(linkId, session, outbox) {
      return transactionWithJobs(db, signal, async (trx, jobs) => {
        const held = await lockForUpdate(
          trx.selectFrom('payment_links').select(['active', 'max_payments']).where('id', '=', linkId),
          dialect,
        ).executeTakeFirst();
        if (held === undefined || Number(held.active) !== 1) return 'inactive' as const;
        const max = toSafeIntegerOrNull(held.max_payments, 'payment_links.max_payments');
        if (max !== null) {
          const done = await completedOf(trx, linkId).executeTakeFirstOrThrow();
          if (toSafeInteger(done.n, 'completed sessions') >= max) return 'exhausted' as const;
        }
        await trx.insertInto('checkout_sessions').values(sessionRow(session)).execute();
        await trx
          .insertInto('payment_link_sessions')
          .values({ session_id: session.id, link_id: linkId, created_at: session.createdAt })
          .execute();
        if (!isEmptyOutbox(outbox)) jobs.note(await writeOutbox(trx, ids, outbox, session.createdAt));
        return 'opened' as const;
      });
    },
    async opened(linkId, sessionId) {
      const row = await db
        .selectFrom('payment_link_sessions')
        .select('link_id')
        .where('session_id', '=', sessionId)
        .executeTakeFirst();
      return row?.link_id === linkId;
    },
  };
}

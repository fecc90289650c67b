import { type SelectQueryBuilder, sql } from 'kysely';
import type { DashboardQueries, DeliveryRecord, PaymentSearch } from '../../core/dashboard-ports.ts';
import { CURRENCY_EXPONENTS, exponentOf } from '../../core/money.ts';
import type { Database } from '../db.ts';
import { toSafeInteger } from '../safe-integer.ts';
import type { DB } from '../schema.ts';
import type { SecretBox } from '../secret-box.ts';
import { pageById } from './paging.ts';
import { rowToPayment } from './payment-repo.ts';
import { toRefund } from './refund-repo.ts';
import { toAttempt, toDelivery } from './webhook-delivery-repo.ts';

const DAY_MS = 86_400_000;

/** The known currencies grouped by exponent (or just `only`): each group with one of its codes. */
function currencyGroups(only: string | undefined): [string[], string][] {
  const groups = new Map<number, string[]>();
  for (const currency of only !== undefined ? [only] : Object.keys(CURRENCY_EXPONENTS)) {
    const exp = CURRENCY_EXPONENTS[currency];
    if (exp === undefined) continue;
    groups.set(exp, [...(groups.get(exp) ?? []), currency]);
  }
  return [...groups.values()].map((codes) => [codes, codes[0] as string]);
}

/** A major-unit bound in minor units of `currency`, rounded inwards when it has more decimals. */
function minorOf(text: string, currency: string, up: boolean): number {
  const exp = exponentOf(currency);
  const [whole = '0', frac = ''] = text.trim().split('.');
  const kept = Number(`${whole}${frac.slice(0, exp).padEnd(exp, '0')}`);
  const cut = /[1-9]/.test(frac.slice(exp));
  return cut && up ? kept + 1 : kept;
}

/** `text` as a LIKE pattern matching it anywhere, its wildcards escaped (with `\`). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function searched<O>(
  q: SelectQueryBuilder<DB, 'payments', O>,
  s: PaymentSearch,
): SelectQueryBuilder<DB, 'payments', O> {
  let r = q.where('account_id', '=', s.accountId).where('mode', '=', s.mode);
  if (s.status !== undefined) r = r.where('status', '=', s.status);
  if (s.connector !== undefined) r = r.where('connector', '=', s.connector);
  if (s.paymentMethod !== undefined) r = r.where('payment_method', '=', s.paymentMethod);
  if (s.createdGte !== undefined) r = r.where('created_at', '>=', s.createdGte);
  if (s.createdLt !== undefined) r = r.where('created_at', '<', s.createdLt);
  if (s.currency !== undefined) r = r.where('currency', '=', s.currency);
  if (s.amountMin !== undefined || s.amountMax !== undefined) {
    const { amountMin, amountMax } = s;
    r = r.where((eb) =>
      eb.or(
        currencyGroups(s.currency).map(([currencies, sample]) => {
          const bound = (text: string | undefined, up: boolean) =>
            text === undefined ? undefined : minorOf(text, sample, up);
          const min = bound(amountMin, true);
          const max = bound(amountMax, false);
          const conds = [eb('currency', 'in', currencies)];
          if (min !== undefined) conds.push(eb('amount', '>=', min));
          if (max !== undefined) conds.push(eb('amount', '<=', max));
          return eb.and(conds);
        }),
      ),
    );
  }
  const text = s.text?.trim();
  if (text) {
    r = r.where((eb) => {
      const exact = [eb('id', '=', text), eb('provider_payment_id', '=', text), eb('reference', '=', text)];
      if (text.length < 3) return eb.or(exact);
      const like = sql<boolean>`lower(${sql.ref('customer')}) like ${containsPattern(text)} escape '\\'`;
      return eb.or([...exact, like]);
    });
  }
  return r;
}

/** The read-only queries of the dashboard's pages. */
export function createDashboardQueries(database: Database, box: SecretBox): DashboardQueries {
  const { db } = database;
  return {
    async searchPayments(query) {
      const q = searched(db.selectFrom('payments').selectAll(), query);
      const { rows, hasMore } = await pageById(q, query, 'payment');
      return { data: rows.map((row) => rowToPayment(row, box)), hasMore };
    },
    async paymentTotals(query) {
      const rows = await searched(db.selectFrom('payments'), query)
        .select((eb) => ['currency', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('amount').as('total')])
        .groupBy('currency')
        .orderBy('currency')
        .execute();
      const byCurrency = rows.map((r) => ({
        currency: r.currency,
        count: toSafeInteger(r.n, 'count'),
        amount: toSafeInteger(r.total ?? 0, 'sum'),
      }));
      return { count: byCurrency.reduce((a, b) => a + b.count, 0), byCurrency };
    },
    async notificationsForPayment(paymentId) {
      const rows = await db
        .selectFrom('provider_notifications')
        .selectAll()
        .where('payment_id', '=', paymentId)
        .orderBy('received_at')
        .orderBy('id')
        .execute();
      return rows.map((row) => ({
        id: row.id,
        connector: row.connector,
        eventType: row.event_type,
        verified: toSafeInteger(row.verified, 'provider_notifications.verified') === 1,
        verificationError: row.verification_error,
        body: row.body,
        duplicateOf: row.duplicate_of,
        result: row.result,
        receivedAt: toSafeInteger(row.received_at, 'provider_notifications.received_at'),
      }));
    },
    async deliveriesForEvents(accountId, mode, eventIds) {
      if (eventIds.length === 0) return [];
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('mode', '=', mode)
        .where('event_id', 'in', [...eventIds])
        .orderBy('id')
        .execute();
      if (rows.length === 0) return [];
      const attempts = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where(
          'delivery_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('attempted_at')
        .orderBy('id')
        .execute();
      const endpoints = await db
        .selectFrom('webhook_endpoints')
        .select(['id', 'url'])
        .where('id', 'in', [...new Set(rows.map((r) => r.endpoint_id))])
        .execute();
      const urls = new Map(endpoints.map((e) => [e.id, e.url]));
      return rows.map(
        (row): DeliveryRecord => ({
          delivery: toDelivery(row),
          attempts: attempts.filter((a) => a.delivery_id === row.id).map(toAttempt),
          endpointUrl: urls.get(row.endpoint_id) ?? null,
        }),
      );
    },
    async listRefunds(query) {
      let q = db
        .selectFrom('refunds')
        .selectAll()
        .where('account_id', '=', query.accountId)
        .where('mode', '=', query.mode);
      if (query.status !== undefined) q = q.where('status', '=', query.status);
      const { rows, hasMore } = await pageById(q, query, 'refund');
      return { data: rows.map(toRefund), hasMore };
    },
    async figures(accountId, mode, from, to, utcOffsetMinutes) {
      const payments = () => db.selectFrom('payments').where('account_id', '=', accountId).where('mode', '=', mode);
      const capturedIn = <O>(q: SelectQueryBuilder<DB, 'payments', O>) =>
        q.where('captured_at', '>=', from).where('captured_at', '<', to);
      const captured = await capturedIn(payments())
        .select((eb) => ['currency', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('amount').as('total')])
        .groupBy('currency')
        .orderBy('currency')
        .execute();
      const outcomes = await payments()
        .where('created_at', '>=', from)
        .where('created_at', '<', to)
        .where('status', 'in', [
          'captured',
          'partially_refunded',
          'refunded',
          'disputed',
          'failed',
          'expired',
          'canceled',
        ])
        .select((eb) => [
          eb.fn.countAll<number>().as('settled'),
          eb.fn.sum<number>(eb.case().when('captured_at', 'is not', null).then(1).else(0).end()).as('succeeded'),
        ])
        .executeTakeFirst();
      const refunds = await db
        .selectFrom('refunds')
        .where('account_id', '=', accountId)
        .where('mode', '=', mode)
        .where('status', '=', 'succeeded')
        .where('updated_at', '>=', from)
        .where('updated_at', '<', to)
        .select((eb) => ['currency', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('amount').as('total')])
        .groupBy('currency')
        .orderBy('currency')
        .execute();
      const failed = await db
        .selectFrom('webhook_deliveries')
        .where('account_id', '=', accountId)
        .where('mode', '=', mode)
        .where('status', '=', 'failed')
        .where('updated_at', '>=', from)
        .where('updated_at', '<', to)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      const waiting = await payments()
        .where('status', '=', 'processing')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      const offset = utcOffsetMinutes * 60_000;
      const dayExpr = sql<number>`(${sql.ref('captured_at')} + ${sql.lit(Math.trunc(offset))}) / ${sql.lit(DAY_MS)}`;
      const daily = await capturedIn(payments())
        .select((eb) => [dayExpr.as('day'), 'currency', eb.fn.sum<number>('amount').as('total')])
        .groupBy([dayExpr, 'currency'])
        .execute();
      const group = (rows: { currency: string; n: unknown; total: unknown }[]) =>
        rows.map((r) => ({
          currency: r.currency,
          count: toSafeInteger(r.n, 'count'),
          amount: toSafeInteger(r.total ?? 0, 'sum'),
        }));
      return {
        captured: group(captured),
        settled: toSafeInteger(outcomes?.settled ?? 0, 'count'),
        succeeded: toSafeInteger(outcomes?.succeeded ?? 0, 'count'),
        refunds: group(refunds),
        failedDeliveries: toSafeInteger(failed?.n ?? 0, 'count'),
        waiting: toSafeInteger(waiting?.n ?? 0, 'count'),
        daily: daily.map((r) => ({
          day: new Date(toSafeInteger(r.day, 'day') * DAY_MS).toISOString().slice(0, 10),
          currency: r.currency,
          amount: toSafeInteger(r.total ?? 0, 'sum'),
        })),
      };
    },
  };
}

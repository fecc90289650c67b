import { formatDate } from './dates.ts';
import type { VoidAnswer } from './merchants.ts';
import { formatAmount } from './money.ts';
import type { Payment } from './state.ts';

export const orderJson = (p: Payment) => ({
  number: p.order.number,
  amount: formatAmount(p.order.amount, p.order.currency),
  currency: p.order.currency,
  description: p.order.description,
});

/** Statuses whose `reason` the status response shows ("only if the transaction is unsuccessful"). */
const UNSUCCESSFUL = new Set(['decline']);

/**
 * The seed's status response, keys in its order; `customer` falls back to the cardholder name
 * and "". With `history` (an option of the platform's protocol mapping) it also lists the
 * payment's transactions, oldest first: the sale once it is decided, each refund, a void or a
 * chargeback.
 */
export function statusJson(p: Payment, history = false): Record<string, unknown> {
  return {
    payment_id: p.id,
    date: formatDate(p.updatedAt),
    status: p.status,
    ...(UNSUCCESSFUL.has(p.status) && p.reason !== undefined && { reason: p.reason }),
    order: orderJson(p),
    customer: { name: p.customer.name ?? p.card?.holder ?? '', email: p.customer.email ?? '' },
    ...(history && { transactions: transactionsJson(p) }),
  };
}

function transactionsJson(p: Payment): Record<string, unknown>[] {
  const amount = (minor: number) => formatAmount(minor, p.order.currency);
  const sale =
    p.settledAt !== null
      ? [{ type: 'sale', status: 'success', amount: amount(p.order.amount), date: formatDate(p.settledAt) }]
      : p.status === 'decline'
        ? [{ type: 'sale', status: 'fail', amount: amount(p.order.amount), date: formatDate(p.updatedAt) }]
        : [];
  const refunds = p.refunds.map((r) => ({
    type: 'refund',
    status: r.status,
    amount: amount(r.amount),
    date: formatDate(r.settledAt ?? r.createdAt),
  }));
  const last =
    p.status === 'void' || p.status === 'chargeback'
      ? [{ type: p.status, status: 'success', amount: amount(p.order.amount), date: formatDate(p.updatedAt) }]
      : [];
  return [...sale, ...refunds, ...last];
}

/**
 * Void response: TESS's reference (providers.md §4.5) answers an upper-case payment status,
 * `VOID` or `SETTLED` with `reason` when it was refused. A success is answered in the shape the
 * merchant's platform uses: `VOID`, TESS's example `SUCCESS`, or Akurateco's generic
 * `status: "Success", payment_status: "void"`.
 */
export function voidJson(
  p: Payment,
  now: number,
  shape: VoidAnswer = 'VOID',
  reason?: string,
): Record<string, unknown> {
  if (p.status === 'void' && shape !== 'VOID') {
    return {
      payment_id: p.id,
      date: formatDate(now),
      status: shape === 'SUCCESS' ? 'SUCCESS' : 'Success',
      ...(shape === 'payment_status' && { payment_status: 'void' }),
      order: orderJson(p),
    };
  }
  return {
    status: p.status === 'void' ? 'VOID' : 'SETTLED',
    payment_id: p.id,
    date: formatDate(now),
    ...(reason !== undefined && { reason }),
    order: orderJson(p),
  };
}

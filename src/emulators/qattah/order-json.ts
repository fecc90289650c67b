import { formatSar } from './money.ts';
import { type Invoice, ORDER_WINDOW_MS, type Order } from './state.ts';

/** `2024-02-26T02:22:53.000000Z`: Laravel's microsecond ISO form (seed 002). */
export function qattahTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const OPEN = new Set(['CREATED', 'STARTED']);

/** Minutes and seconds left in the window (all of it before it starts); 0/0 once the order is closed. */
export function remainingTime(order: Order, now: number): { min: number; sec: number } {
  if (!OPEN.has(order.activityStatus)) return { min: 0, sec: 0 };
  const left = order.deadline === null ? ORDER_WINDOW_MS : Math.max(0, order.deadline - now);
  return { min: Math.floor(left / 60_000), sec: Math.floor((left % 60_000) / 1000) };
}

export function invoiceJson(inv: Invoice) {
  return {
    id: inv.id,
    order_id: inv.orderId,
    reference: inv.reference,
    name: inv.name,
    amount: formatSar(inv.amountMinor),
    payment_status: inv.paymentStatus,
    payment_brand: inv.paymentBrand,
    applepay_checkout_id: inv.applepayCheckoutId,
    mada_checkout_id: inv.madaCheckoutId,
    // The seed shows session_id equal to reference.
    session_id: inv.reference,
    session_country_code: inv.sessionCountryCode,
    external_payment_link: null,
    external_status: null,
    results: null,
  };
}

/** The order object in the seed's key order (providers.md §3.3, seeds/002). */
export function orderJson(order: Order, merchantName: string, now: number) {
  return {
    id: order.id,
    merchant_id: order.merchantId,
    merchant_name: merchantName,
    reference: order.reference,
    amount: formatSar(order.amountMinor),
    started_at: order.startedAt === null ? null : qattahTime(order.startedAt),
    // ABANDONED orders are expired but did not time out.
    is_expired: order.activityStatus === 'TIMEOUT' || order.activityStatus === 'ABANDONED',
    is_timed_out: order.activityStatus === 'TIMEOUT',
    remaining_time: remainingTime(order, now),
    activity_status: order.activityStatus,
    payment_status: order.paymentStatus,
    callback_url: order.callbackUrl,
    success_url: order.successUrl,
    failure_url: order.failureUrl,
    invoices: order.invoices.map(invoiceJson),
  };
}

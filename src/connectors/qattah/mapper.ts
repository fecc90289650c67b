import type {
  InboundNotification,
  NotificationOutcome,
  ProviderFailure,
  ProviderPaymentPart,
  ProviderPaymentRequest,
  ProviderPaymentSnapshot,
  ProviderPaymentStatus,
} from '../../core/connector-contract.ts';
import { parseMajor, toMajorNumber } from '../../core/money.ts';
import type { PaymentPartStatus } from '../../core/payment/payment.ts';
import { isObject } from '../http.ts';

/** Qattah Pay takes and answers SAR only (providers.md §3, §5). */
export const QATTAH_CURRENCY = 'SAR';

/**
 * An order id: `ord_` and alphanumerics (13 in every example, providers.md §3.3 [I]; a little
 * slack so a longer id is not mistaken for garbage, nothing that could leave a URL path).
 */
export const QATTAH_ORDER_ID = /^ord_[A-Za-z0-9]{8,32}$/;
const INVOICE_ID = /^inv_[A-Za-z0-9]{8,32}$/;

/** providers.md §3.5 (ActivityStatus.swift / PaymentStatus.swift). */
export const ACTIVITY_STATUSES = ['CREATED', 'STARTED', 'PAID', 'TIMEOUT', 'ABANDONED'] as const;
export const PAYMENT_STATUSES = ['PENDING', 'PAID', 'EXPIRED', 'AUTHORIZED', 'REFUNDED'] as const;
type ActivityWord = (typeof ACTIVITY_STATUSES)[number];
type PaymentWord = (typeof PAYMENT_STATUSES)[number];

const isActivity = (v: unknown): v is ActivityWord => (ACTIVITY_STATUSES as readonly unknown[]).includes(v);
const isPayment = (v: unknown): v is PaymentWord => (PAYMENT_STATUSES as readonly unknown[]).includes(v);

export const EXPIRED_MESSAGE = 'The split bill was not fully paid within 15 minutes.';
export const CANCELED_MESSAGE = 'The split bill was abandoned before every share was paid.';

/**
 * An order's `activity_status` and `payment_status` onto Bawaba's (providers.md §7.1). The
 * money words decide first: PAID and REFUNDED whatever the activity says, AUTHORIZED is not
 * yet PAID (there is no capture call; PAID follows). A still-PENDING or EXPIRED order is told
 * apart by its activity. Undefined for a pair that contradicts itself (garbage, no decision).
 */
export function qattahStatus(activity: string, payment: string): ProviderPaymentStatus | undefined {
  if (!isActivity(activity) || !isPayment(payment)) return undefined;
  switch (payment) {
    case 'PAID':
      return 'captured';
    case 'REFUNDED':
      return 'refunded';
    case 'AUTHORIZED':
      return 'processing';
    case 'PENDING':
      // Every share is paid, the order's payment status not yet: nothing final to say.
      if (activity === 'PAID') return 'processing';
      if (activity === 'TIMEOUT') return 'expired';
      if (activity === 'ABANDONED') return 'canceled';
      return 'pending';
    case 'EXPIRED':
      if (activity === 'PAID') return undefined;
      return activity === 'ABANDONED' ? 'canceled' : 'expired';
  }
}

/**
 * The 15-minute window as the order states it (seed 002): `started_at` stays null until a payer
 * starts, and Qattah may count the window from creation or from that start. The connector does
 * no clock arithmetic of its own on either: an order still open in its words is `expired` once
 * Qattah flags it `is_timed_out` (or `is_expired`), so a flag that leads the status words is
 * not missed; an order nobody has started stays `pending` whatever its age. A `started_at`
 * that is neither null nor a time is garbage.
 */
export function windowStatus(
  status: ProviderPaymentStatus | undefined,
  order: Record<string, unknown>,
): ProviderPaymentStatus | undefined {
  const started = order.started_at;
  if (started !== null && started !== undefined && (typeof started !== 'string' || Number.isNaN(Date.parse(started)))) {
    return undefined;
  }
  if (status !== 'pending') return status;
  return order.is_timed_out === true || order.is_expired === true ? 'expired' : status;
}

const PART_STATUS: Readonly<Record<PaymentWord, PaymentPartStatus>> = {
  PENDING: 'pending',
  // Approved by the payer's bank but not yet PAID: still owed.
  AUTHORIZED: 'pending',
  PAID: 'paid',
  EXPIRED: 'expired',
  REFUNDED: 'refunded',
};

const AMOUNT_TEXT = /^(0|[1-9]\d{0,12})\.\d{2}$/;

/**
 * A Qattah amount string (`"100.00"`) in halalas, parsed as a decimal, never a float. Exactly
 * two decimals and more than zero; anything else (`"100.0"`, `"1e2"`, `"-1.00"`, a number) is
 * undefined.
 */
export function parseQattahAmount(value: unknown): number | undefined {
  if (typeof value !== 'string' || !AMOUNT_TEXT.test(value)) return undefined;
  const { amount } = parseMajor(value, QATTAH_CURRENCY);
  return amount > 0 ? amount : undefined;
}

function parsePart(value: unknown, orderId: string): ProviderPaymentPart | undefined {
  if (!isObject(value)) return undefined;
  const { id, name, payment_status: status, payment_brand: brand } = value;
  if (typeof id !== 'string' || !INVOICE_ID.test(id) || typeof name !== 'string' || !isPayment(status)) {
    return undefined;
  }
  if (value.order_id !== undefined && value.order_id !== orderId) return undefined;
  const amount = parseQattahAmount(value.amount);
  if (amount === undefined) return undefined;
  if (brand !== null && brand !== undefined && typeof brand !== 'string') return undefined;
  return {
    providerPartId: id,
    name,
    amount,
    status: PART_STATUS[status],
    method: typeof brand === 'string' && brand !== '' ? brand.toLowerCase() : null,
  };
}

/**
 * Reads an order object (providers.md §3.3, seed 002) into a snapshot; undefined when it is not
 * a Qattah order: a bad id, an amount that is not an exact two-decimal string, an unknown or
 * self-contradicting status pair, a bad invoice, or invoices that do not add up to the order.
 * `redirectUrl` is null: a GET carries no link (the gateway keeps the one from creation).
 */
export function parseOrder(order: unknown): ProviderPaymentSnapshot | undefined {
  if (!isObject(order)) return undefined;
  const { id, activity_status: activity, payment_status: payment } = order;
  if (typeof id !== 'string' || !QATTAH_ORDER_ID.test(id)) return undefined;
  if (typeof activity !== 'string' || typeof payment !== 'string') return undefined;
  const status = windowStatus(qattahStatus(activity, payment), order);
  const amount = parseQattahAmount(order.amount);
  if (status === undefined || amount === undefined) return undefined;
  const invoices = order.invoices ?? [];
  if (!Array.isArray(invoices)) return undefined;
  const parts: ProviderPaymentPart[] = [];
  for (const inv of invoices) {
    const part = parsePart(inv, id);
    if (!part) return undefined;
    parts.push(part);
  }
  if (parts.length > 0 && parts.reduce((sum, p) => sum + p.amount, 0) !== amount) return undefined;
  return {
    providerPaymentId: id,
    status,
    providerStatus: `${activity}/${payment}`,
    money: { amount, currency: QATTAH_CURRENCY },
    redirectUrl: null,
    failureMessage: status === 'expired' ? EXPIRED_MESSAGE : status === 'canceled' ? CANCELED_MESSAGE : null,
    parts,
  };
}

function httpUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

/** What a 2xx answer says: the order (create, get, cancel), a bare success (refund), or a refusal. */
export type QattahAnswer =
  | { readonly kind: 'ok'; readonly body: Record<string, unknown> }
  | { readonly kind: 'refused'; readonly message: string; readonly errors: Readonly<Record<string, string[]>> }
  | { readonly kind: 'garbage' };

/** Qattah's envelope `{successful, data?, links?, message?, errors?}` (providers.md §3.2). */
export function readEnvelope(body: unknown): QattahAnswer {
  if (!isObject(body) || typeof body.successful !== 'boolean') return { kind: 'garbage' };
  if (body.successful) return { kind: 'ok', body };
  return { kind: 'refused', ...parseQattahError(body) };
}

/** The snapshot in `data.order`, with the hosted page from `links.redirect_to` while it is open. */
export function parseOrderAnswer(body: Record<string, unknown>): ProviderPaymentSnapshot | undefined {
  const data = isObject(body.data) ? body.data : {};
  const snapshot = parseOrder(data.order);
  if (!snapshot) return undefined;
  const links = isObject(body.links) ? body.links : {};
  const redirect = snapshot.status === 'pending' ? httpUrl(links.redirect_to) : null;
  return { ...snapshot, redirectUrl: redirect };
}

/**
 * The `POST .../orders` body (providers.md §3.2): a JSON number in major units built from the
 * exact decimal text, our payment id as `reference`, camelCase customer fields.
 */
export function buildOrderBody(req: ProviderPaymentRequest): Record<string, unknown> {
  const c = req.customer ?? {};
  return {
    amount: toMajorNumber(req.money),
    currency: req.money.currency,
    reference: req.paymentId,
    callback_url: req.notificationUrl,
    success_url: req.returnUrl,
    failure_url: req.returnUrl,
    lang: req.locale,
    theme: 'light',
    ...(req.description ? { description: req.description } : {}),
    ...(c.email ? { emailAddress: c.email } : {}),
    ...(c.phone ? { mobileNumber: c.phone } : {}),
  };
}

/** `{successful: false, message, errors?}` (Laravel's field errors). */
export function parseQattahError(body: unknown): { message: string; errors: Record<string, string[]> } {
  const b = isObject(body) ? body : {};
  const errors: Record<string, string[]> = {};
  if (isObject(b.errors)) {
    for (const [field, list] of Object.entries(b.errors)) {
      errors[field] = Array.isArray(list) ? list.map(String) : [String(list)];
    }
  }
  const message = typeof b.message === 'string' ? b.message.trim() : '';
  return { message, errors };
}

const FIELD_FAILURE: Readonly<Record<string, Pick<ProviderFailure, 'code' | 'param'>>> = {
  amount: { code: 'amount_invalid', param: 'amount' },
  currency: { code: 'currency_not_supported', param: 'currency' },
  emailAddress: { code: 'parameter_invalid', param: 'customer.email' },
  mobileNumber: { code: 'parameter_invalid', param: 'customer.phone' },
  description: { code: 'parameter_invalid', param: 'description' },
};

/** Translates a definitive refusal from Qattah into Bawaba's terms. */
export function translateQattahError(
  status: number,
  error: { message: string; errors: Readonly<Record<string, readonly string[]>> },
): ProviderFailure {
  const fields = Object.keys(error.errors);
  const detail = error.message.replace(/\.+$/, '') || `HTTP ${status}`;
  if (status === 401) {
    return {
      code: 'provider_authentication_failed',
      message: `Qattah Pay refused the api_token (${detail}).`,
      providerCodes: fields,
    };
  }
  const known = fields.map((f) => FIELD_FAILURE[f]).find((m) => m !== undefined);
  if (known) return { ...known, message: `Qattah Pay rejected the order: ${detail}.`, providerCodes: fields };
  return {
    code: 'provider_request_rejected',
    message: `Qattah Pay answered ${status}: ${detail}.`,
    providerCodes: fields,
  };
}

/**
 * Qattah's success callback (providers.md §3.7): a bare `GET {callback_url}?order_id=...`,
 * unsigned and without a body. It can only be a hint naming an order, which Bawaba then looks
 * up with its token; anything else did not come from Qattah.
 */
export function parseQattahCallback(n: InboundNotification): NotificationOutcome {
  if ((n.method ?? 'POST') !== 'GET') return { kind: 'unverified', reason: 'Qattah calls back with a GET only' };
  if (n.rawBody.trim() !== '') return { kind: 'unverified', reason: "Qattah's callback has no body" };
  const id = n.query?.order_id;
  if (id === undefined || !QATTAH_ORDER_ID.test(id)) {
    return { kind: 'unverified', reason: 'the callback names no Qattah order (order_id)' };
  }
  return { kind: 'hint', eventType: 'order.paid', providerPaymentId: id };
}

import type { ProviderFailure, ProviderPaymentSnapshot, ProviderPaymentStatus } from '../../core/connector-contract.ts';
import { formatMajor, parseMajor } from '../../core/money.ts';
import { isObject } from '../http.ts';

/** Akurateco payment statuses (providers.md §4.4) onto Bawaba's (§7.1). */
export const AKURATECO_STATUS_MAP: Readonly<Record<string, ProviderPaymentStatus>> = {
  prepare: 'pending',
  redirect: 'pending',
  '3ds': 'pending',
  pending: 'authorized',
  settled: 'captured',
  decline: 'failed',
  refund: 'refunded',
  void: 'canceled',
  reversal: 'refunded',
  chargeback: 'disputed',
};

/** The `order` of a session: our payment id as its number, the amount as a decimal string. */
export function sessionOrder(paymentId: string, money: { amount: number; currency: string }, description: string) {
  return {
    number: paymentId,
    amount: formatMajor(money),
    currency: money.currency,
    description: description.slice(0, 1024),
  };
}

/** A refund as the status answer's transaction history lists it. */
export interface RefundTransaction {
  readonly status: 'success' | 'fail' | 'waiting';
  readonly amount: number;
}

/** A status answer: the payment, its platform id, and its refunds when the history is on. */
export type StatusAnswer = ProviderPaymentSnapshot & {
  readonly publicId: string;
  /** Refunds oldest first; null when the platform's answer carries no transaction history. */
  readonly refunds: readonly RefundTransaction[] | null;
};

/**
 * The optional transaction history (`transactions: [{type, status, amount, date}]`): only its
 * refunds matter here. A history that cannot be read is treated as absent, never guessed at.
 */
function refundHistory(body: Record<string, unknown>, currency: string): RefundTransaction[] | null {
  if (!Array.isArray(body.transactions)) return null;
  const refunds: RefundTransaction[] = [];
  for (const t of body.transactions) {
    if (!isObject(t) || typeof t.type !== 'string' || t.type.toLowerCase() !== 'refund') continue;
    const status = typeof t.status === 'string' ? t.status.toLowerCase() : '';
    if ((status !== 'success' && status !== 'fail' && status !== 'waiting') || typeof t.amount !== 'string') {
      return null;
    }
    try {
      refunds.push({ status, amount: parseMajor(t.amount, currency).amount });
    } catch {
      return null;
    }
  }
  return refunds;
}

/**
 * Reads a status answer (the seed's shape) into a snapshot. The provider knows the payment by
 * our order number; its own public payment id is what refunds and voids need.
 */
export function parseStatus(body: unknown): StatusAnswer | undefined {
  if (!isObject(body) || typeof body.payment_id !== 'string' || typeof body.status !== 'string') return undefined;
  const mapped = AKURATECO_STATUS_MAP[body.status.toLowerCase()];
  const order = isObject(body.order) ? body.order : undefined;
  if (mapped === undefined || !order || typeof order.number !== 'string') return undefined;
  let money: ProviderPaymentSnapshot['money'] = null;
  if (typeof order.amount === 'string' && typeof order.currency === 'string') {
    try {
      money = parseMajor(order.amount, order.currency);
    } catch {
      return undefined;
    }
  }
  return {
    providerPaymentId: order.number,
    publicId: body.payment_id,
    refunds: typeof order.currency === 'string' ? refundHistory(body, order.currency) : null,
    status: mapped,
    providerStatus: body.status,
    money,
    redirectUrl: null,
    failureMessage: typeof body.reason === 'string' ? body.reason : null,
  };
}

/** Akurateco's documented "Payment not found." error code (its SDK wiki, "Errors"). */
export const PAYMENT_NOT_FOUND_CODE = '208001';

/**
 * Whether an error answer means the platform does not know the payment: an HTTP 404, or the
 * documented code 208001 at the top of the body or in its `errors`. Never by message text.
 */
export function isNotFound(status: number, body: unknown): boolean {
  if (status === 404) return true;
  if (status < 400 || !isObject(body)) return false;
  const codes = [
    body.error_code,
    ...(Array.isArray(body.errors) ? body.errors : []).map((e) => (isObject(e) ? e.error_code : undefined)),
  ];
  return codes.some((c) => c !== undefined && c !== null && String(c) === PAYMENT_NOT_FOUND_CODE);
}

/**
 * Whether a void answer says the payment was voided. The documents show three shapes: TESS's
 * reference `status: "VOID"`, TESS's "void successful" example `status: "SUCCESS"`, and
 * Akurateco's generic `status: "Success", payment_status: "void"`. Any other word (`SETTLED`:
 * the platform kept the payment) is a refusal.
 */
export function voidSucceeded(body: Record<string, unknown>): boolean {
  const word = typeof body.status === 'string' ? body.status.toLowerCase() : '';
  if (word === 'void') return true;
  if (word !== 'success') return false;
  // `payment_status`, when present, must say void; TESS's example carries none.
  return body.payment_status === undefined || String(body.payment_status).toLowerCase() === 'void';
}

/** The error body `{error_code, error_message, errors: [...]}` (providers.md §4.2). */
export function translateAkuratecoError(status: number, body: unknown): ProviderFailure {
  const code = isObject(body) && body.error_code !== undefined ? String(body.error_code) : String(status);
  const message = isObject(body) && typeof body.error_message === 'string' ? body.error_message : `HTTP ${status}`;
  if (status === 401) {
    return {
      code: 'provider_authentication_failed',
      message: `The payment platform refused the merchant key or hash: ${message}.`,
      providerCodes: [code],
    };
  }
  return {
    code: 'provider_request_rejected',
    message: `The payment platform answered ${status}: ${message}.`,
    providerCodes: [code],
  };
}

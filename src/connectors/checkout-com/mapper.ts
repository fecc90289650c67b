import type {
  ProviderFailure,
  ProviderPaymentRequest,
  ProviderPaymentSnapshot,
  ProviderPaymentStatus,
} from '../../core/connector-contract.ts';
import { isObject } from '../http.ts';

/**
 * Checkout.com payment statuses (providers.md §1.6) onto Bawaba's. `Pending` is `pending`:
 * whether that means "waiting for the customer" or "customer done, capture pending" depends on
 * whether the customer came back, which only the caller knows.
 */
export const CHECKOUT_STATUS_MAP: Readonly<Record<string, ProviderPaymentStatus>> = {
  Pending: 'pending',
  Authorized: 'authorized',
  'Card Verified': 'authorized',
  Captured: 'captured',
  'Partially Captured': 'captured',
  Paid: 'captured',
  Declined: 'failed',
  // A failed QPay payment may also read `Canceled`: see {@link cancellationOutcome}.
  Canceled: 'canceled',
  // QPay payments cannot be voided by the merchant (§1.7): Checkout voids the ones nobody
  // completed ("we will automatically void it and send a payment_expired webhook", CKO-1).
  Voided: 'expired',
  Expired: 'expired',
  Refunded: 'refunded',
  'Partially Refunded': 'partially_refunded',
  Chargeback: 'disputed',
  'Retry Scheduled': 'pending',
};

/** QPay takes up to 9 digits of minor units (providers.md §1.3). */
export const MAX_AMOUNT_MINOR = 999_999_999;

/** The `POST /payments` body for a QPay payment (providers.md §1.3). */
export function buildCreateBody(
  req: ProviderPaymentRequest,
  settings: Readonly<Record<string, string>>,
): Record<string, unknown> {
  const source: Record<string, unknown> = {
    type: 'qpay',
    description: qpayDescription(req),
    language: req.locale,
    quantity: 1,
  };
  if (req.customer?.nationalId) source.national_id = req.customer.nationalId;
  const body: Record<string, unknown> = {
    amount: req.money.amount,
    currency: req.money.currency,
    source,
    reference: req.paymentId,
    success_url: req.returnUrl,
    failure_url: req.returnUrl,
    metadata: { bawaba_payment_id: req.paymentId },
  };
  const customer: Record<string, string> = {};
  if (req.customer?.email) customer.email = req.customer.email;
  if (req.customer?.name) customer.name = req.customer.name;
  if (Object.keys(customer).length > 0) body.customer = customer;
  if (settings.processing_channel_id) body.processing_channel_id = settings.processing_channel_id;
  return body;
}

/** QPay wants a plain alphanumeric description (providers.md §1.3, CKO-3). */
function qpayDescription(req: ProviderPaymentRequest): string {
  const text = (req.description ?? req.reference ?? 'Payment').replace(/[^A-Za-z0-9 ]+/g, ' ');
  const clean = text.replace(/\s+/g, ' ').trim().slice(0, 100);
  return clean.length > 0 ? clean : 'Payment';
}

/**
 * Reads a payment body (create 202 or GET 200) into a snapshot; `undefined` when it lacks what
 * a Checkout.com payment always has (then the answer is garbage, not a decision).
 */
export function parsePayment(body: unknown): ProviderPaymentSnapshot | undefined {
  if (!isObject(body)) return undefined;
  const { id, status } = body;
  if (typeof id !== 'string' || !id.startsWith('pay_') || typeof status !== 'string') return undefined;
  const mapped = CHECKOUT_STATUS_MAP[status];
  if (mapped === undefined) return undefined;
  const links = isObject(body._links) ? body._links : {};
  const redirect = isObject(links.redirect) && typeof links.redirect.href === 'string' ? links.redirect.href : null;
  const money =
    typeof body.amount === 'number' && Number.isSafeInteger(body.amount) && typeof body.currency === 'string'
      ? { amount: body.amount, currency: body.currency }
      : null;
  const source = isObject(body.source) ? body.source : {};
  const failureMessage = typeof source.status_message === 'string' ? source.status_message : null;
  return {
    providerPaymentId: id,
    status: mapped,
    providerStatus: status,
    money,
    redirectUrl: redirect,
    failureMessage,
  };
}

/** Checkout.com's error body `{request_id, error_type, error_codes}` (providers.md §1.10). */
export interface CheckoutErrorBody {
  readonly requestId: string | null;
  readonly errorType: string | null;
  readonly errorCodes: readonly string[];
}

/** Reads an error body; tolerant of the empty bodies Checkout.com sends with 401 and 404. */
export function parseErrorBody(body: unknown): CheckoutErrorBody {
  if (!isObject(body)) return { requestId: null, errorType: null, errorCodes: [] };
  const codes = Array.isArray(body.error_codes) ? body.error_codes.filter((c) => typeof c === 'string') : [];
  return {
    requestId: typeof body.request_id === 'string' ? body.request_id : null,
    errorType: typeof body.error_type === 'string' ? body.error_type : null,
    errorCodes: codes,
  };
}

const PARAM_OF_CODE: Readonly<Record<string, Pick<ProviderFailure, 'code' | 'param'>>> = {
  amount_required: { code: 'amount_invalid', param: 'amount' },
  amount_invalid: { code: 'amount_invalid', param: 'amount' },
  currency_required: { code: 'currency_not_supported', param: 'currency' },
  currency_invalid: { code: 'currency_not_supported', param: 'currency' },
  currency_not_supported: { code: 'currency_not_supported', param: 'currency' },
  national_id_invalid: { code: 'parameter_invalid', param: 'customer.national_id' },
  reference_invalid: { code: 'parameter_invalid', param: 'reference' },
  success_url_invalid: { code: 'parameter_invalid', param: 'return_url' },
  failure_url_invalid: { code: 'parameter_invalid', param: 'return_url' },
};

/**
 * Translates a definitive 4xx from Checkout.com into Bawaba's terms. Codes that name a merchant
 * field become a validation error on that field; anything else is the provider refusing us.
 */
export function translateError(status: number, err: CheckoutErrorBody): ProviderFailure {
  const providerCodes = err.errorCodes;
  if (status === 401) {
    return {
      code: 'provider_authentication_failed',
      message: 'Checkout.com refused the secret key (401).',
      providerCodes,
    };
  }
  const known = providerCodes.map((c) => PARAM_OF_CODE[c]).find((m) => m !== undefined);
  const list = providerCodes.length > 0 ? providerCodes.join(', ') : 'no error codes';
  if (known) {
    return { ...known, message: `Checkout.com rejected the payment: ${list}.`, providerCodes };
  }
  return {
    code: 'provider_request_rejected',
    message: `Checkout.com answered ${status} (${err.errorType ?? 'error'}: ${list}).`,
    providerCodes,
  };
}

/** The refund body: an amount in minor units and our refund id as the reference. */
export function buildRefundBody(refundId: string, amount: number): Record<string, unknown> {
  return { amount, reference: refundId, metadata: { bawaba_refund_id: refundId } };
}

/**
 * Where a refund stands, from the payment's action list: a `Refund` action with the refund's
 * `action_id` is its outcome; none yet means QPay has not decided (it approves refunds by hand).
 */
export function refundStatusFromActions(
  body: unknown,
  actionId: string,
): { status: 'pending' | 'succeeded' | 'failed'; failureMessage: string | null } | undefined {
  if (!Array.isArray(body)) return undefined;
  const action = body.find((a) => isObject(a) && a.id === actionId && a.type === 'Refund');
  if (!isObject(action)) return { status: 'pending', failureMessage: null };
  if (action.approved === true) return { status: 'succeeded', failureMessage: null };
  if (action.approved === false) {
    const summary = typeof action.response_summary === 'string' ? action.response_summary : 'The refund was declined.';
    return { status: 'failed', failureMessage: summary };
  }
  return { status: 'pending', failureMessage: null };
}

/** The failure text QPay gives when its own action records none. */
const CANCEL_FAILURE = 'QPay reported the payment as canceled after it failed.';

/**
 * A `Canceled` QPay payment is either the customer's cancel or a failure Checkout.com reports
 * the same way ("when the customer has canceled the payment or the payment has failed", CKO-2).
 * Its actions tell them apart: a declined action (`approved: false`) means the payment failed
 * (`failed`, with the action's `response_summary`); none means the customer canceled. Garbage
 * in the list is not a declined action.
 */
export function cancellationOutcome(snapshot: ProviderPaymentSnapshot, actions: unknown[]): ProviderPaymentSnapshot {
  const declined = actions.find((a) => isObject(a) && a.approved === false);
  if (!isObject(declined)) return snapshot;
  const summary = typeof declined.response_summary === 'string' ? declined.response_summary : null;
  return { ...snapshot, status: 'failed', failureMessage: summary ?? snapshot.failureMessage ?? CANCEL_FAILURE };
}

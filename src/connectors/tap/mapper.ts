import type {
  ProviderFailure,
  ProviderPaymentRequest,
  ProviderPaymentSnapshot,
  ProviderPaymentStatus,
} from '../../core/connector-contract.ts';
import { fromMajorNumber, toMajorNumber } from '../../core/money.ts';
import { isObject } from '../http.ts';

/** Tap charge statuses (providers.md §2.3) onto Bawaba's (§7.1). */
export const TAP_STATUS_MAP: Readonly<Record<string, ProviderPaymentStatus>> = {
  INITIATED: 'pending',
  IN_PROGRESS: 'processing',
  UNKNOWN: 'pending',
  AUTHORIZED: 'authorized',
  CAPTURED: 'captured',
  DECLINED: 'failed',
  FAILED: 'failed',
  RESTRICTED: 'failed',
  ABANDONED: 'canceled',
  CANCELLED: 'canceled',
  VOID: 'canceled',
  TIMEDOUT: 'expired',
};

/**
 * Tap refund statuses (providers.md §2.4 and Tap's refunds page): the ones still on their way
 * stay pending; the refused ones fail the refund, which releases its amount.
 */
export const TAP_REFUND_STATUS: Readonly<Record<string, 'pending' | 'succeeded' | 'failed'>> = {
  PENDING: 'pending',
  IN_PROGRESS: 'pending',
  ACCEPTED: 'pending',
  UNKNOWN: 'pending',
  REFUNDED: 'succeeded',
  DECLINED: 'failed',
  FAILED: 'failed',
  CANCELLED: 'failed',
  RESTRICTED: 'failed',
  TIMEDOUT: 'failed',
};

/** Tap's response code for a charge whose payment window ran out (its response-code table). */
export const TAP_EXPIRED_CODE = '304';

/** Gulf calling codes, longest match first, to split an E.164 phone number as Tap wants it. */
const CALLING_CODES = ['974', '973', '971', '968', '966', '965', '962', '20', '44', '1'];

function phoneParts(phone: string | undefined): { country_code: number; number: number } | undefined {
  const digits = phone?.startsWith('+') ? phone.slice(1) : undefined;
  const code = digits ? CALLING_CODES.find((c) => digits.startsWith(c)) : undefined;
  if (!digits || !code || digits.length - code.length < 4) return undefined;
  return { country_code: Number(code), number: Number(digits.slice(code.length)) };
}

/** The `POST /v2/charges/` body for a QPay charge (providers.md §2.1, seed 001). */
export function buildChargeBody(req: ProviderPaymentRequest): Record<string, unknown> {
  const c = req.customer ?? {};
  const [first, ...rest] = (c.name ?? '').trim().split(/\s+/);
  const customer: Record<string, unknown> = { first_name: first || 'Customer' };
  if (rest.length > 0) customer.last_name = rest.join(' ');
  if (c.email) customer.email = c.email;
  const phone = phoneParts(c.phone);
  if (phone) customer.phone = phone;
  return {
    amount: toMajorNumber(req.money),
    currency: req.money.currency,
    customer_initiated: true,
    threeDSecure: true,
    save_card: false,
    description: req.description ?? req.reference ?? `Payment ${req.paymentId}`,
    metadata: { udf1: req.paymentId },
    // `idempotent`: a repeat within 24 h answers the first charge (Tap's idempotency page), so a
    // create whose answer was lost can be sent again.
    reference: {
      transaction: req.paymentId,
      ...(req.reference ? { order: req.reference } : {}),
      idempotent: req.idempotencyKey,
    },
    // The hosted QPay page in the payment's language.
    lang_code: req.locale,
    receipt: { email: false, sms: false },
    customer,
    source: { id: 'src_qa.qpay' },
    post: { url: req.notificationUrl },
    redirect: { url: req.returnUrl },
  };
}

/** Reads a charge into a snapshot; undefined when it is not a Tap charge (garbage, not a decision). */
export function parseCharge(body: unknown): ProviderPaymentSnapshot | undefined {
  if (!isObject(body)) return undefined;
  const { id, status, currency } = body;
  if (typeof id !== 'string' || !id.startsWith('chg_') || typeof status !== 'string') return undefined;
  const response = isObject(body.response) ? body.response : {};
  // An ABANDONED charge is the customer leaving (301), or the window running out (304): only
  // the code the table gives for expiry tells them apart, and without it the charge is canceled.
  const expired = status === 'ABANDONED' && String(response.code ?? '') === TAP_EXPIRED_CODE;
  const mapped = expired ? 'expired' : TAP_STATUS_MAP[status];
  if (mapped === undefined) return undefined;
  let money: ProviderPaymentSnapshot['money'] = null;
  if (typeof body.amount === 'number' && typeof currency === 'string') {
    try {
      money = fromMajorNumber(body.amount, currency);
    } catch {
      return undefined;
    }
  }
  const transaction = isObject(body.transaction) ? body.transaction : {};
  return {
    providerPaymentId: id,
    status: mapped,
    providerStatus: status,
    money,
    redirectUrl: status === 'INITIATED' && typeof transaction.url === 'string' ? transaction.url : null,
    failureMessage: mapped === 'failed' && typeof response.message === 'string' ? response.message : null,
  };
}

/** Tap's error body `{errors: [{code, description}]}` (providers.md §2.6); codes may be numbers. */
export function parseErrors(body: unknown): { code: string; description: string }[] {
  if (!isObject(body) || !Array.isArray(body.errors)) return [];
  return body.errors
    .filter(isObject)
    .map((e) => ({ code: String(e.code ?? ''), description: String(e.description ?? '') }));
}

const FIELD_OF_CODE: Readonly<Record<string, Pick<ProviderFailure, 'code' | 'param'>>> = {
  '1117': { code: 'amount_invalid', param: 'amount' },
  '1118': { code: 'currency_not_supported', param: 'currency' },
  '1119': { code: 'currency_not_supported', param: 'currency' },
  '1129': { code: 'parameter_invalid', param: 'customer' },
  '1135': { code: 'parameter_invalid', param: 'customer.phone' },
  '1138': { code: 'parameter_invalid', param: 'customer.email' },
};
const AUTH_CODES = new Set(['2104', '2105', '2106', '1101']);

/** Translates a definitive 4xx from Tap into Bawaba's terms. */
export function translateTapError(
  status: number,
  errors: readonly { code: string; description: string }[],
): ProviderFailure {
  const codes = errors.map((e) => e.code);
  const text = errors.map((e) => `${e.code} ${e.description}`).join('; ') || `HTTP ${status}`;
  if (status === 401 || codes.some((c) => AUTH_CODES.has(c))) {
    return {
      code: 'provider_authentication_failed',
      message: `Tap refused the secret key (${text}).`,
      providerCodes: codes,
    };
  }
  const known = codes.map((c) => FIELD_OF_CODE[c]).find((m) => m !== undefined);
  if (known) return { ...known, message: `Tap rejected the charge: ${text}.`, providerCodes: codes };
  return { code: 'provider_request_rejected', message: `Tap answered ${status}: ${text}.`, providerCodes: codes };
}

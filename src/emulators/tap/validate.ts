import { isHttpUrl } from '../kit/urls.ts';
import { type TapError, tapError } from './errors.ts';
import { isIsoCurrency, majorToMinor } from './money.ts';

export const QPAY_SOURCE = 'src_qa.qpay';
/** NAPS/QPay takes QAR only (providers.md §2.1). */
export const QPAY_CURRENCIES: readonly string[] = ['QAR'];

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: TapError[] };

export type CustomerInput = {
  id?: string;
  first_name?: string;
  middle_name?: string;
  last_name?: string;
  email?: string;
  /** Tap answers with strings whatever was sent (the seed sends numbers). */
  phone?: { country_code: string; number: string };
};

export type CreateChargeInput = {
  amount: number;
  currency: string;
  customerInitiated: boolean;
  threeDSecure: boolean;
  saveCard: boolean;
  description?: string;
  statementDescriptor?: string;
  metadata?: Record<string, unknown>;
  reference: { transaction?: string; order?: string; idempotent?: string };
  receipt: { email: boolean; sms: boolean };
  customer: CustomerInput;
  /** `lang_code`: the language of the hosted QPay page (`AR` or `EN`, either case). */
  langCode?: 'ar' | 'en';
  redirectUrl?: string;
  postUrl?: string;
};

export type RefundRequestInput = {
  chargeId: string;
  amount: number;
  currency: string;
  reason: string;
  description?: string;
  merchantReference?: string;
  /** `reference.idempotent`: a repeat within 24 h answers the first refund (Tap's idempotency page). */
  idempotent?: string;
  metadata?: Record<string, unknown>;
  postUrl?: string;
};

type Fields = Record<string, unknown>;

export function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const absent = (value: unknown): value is null | undefined => value === undefined || value === null;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const flag = (value: unknown, fallback: boolean): boolean => (typeof value === 'boolean' ? value : fallback);

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A string (or non-negative integer) of `min` to `max` decimal digits, as a string. */
function digits(value: unknown, min: number, max: number): string | undefined {
  const s = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof s !== 'string' || s.length < min || s.length > max) return undefined;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 48 || code > 57) return undefined;
  }
  return s;
}

function amountErrors(amount: unknown, currency: unknown): TapError[] {
  const parsed = majorToMinor(amount, typeof currency === 'string' ? currency : '');
  if (parsed.ok) return [];
  const why =
    parsed.reason === 'too_many_decimals' ? 'more decimals than the currency has' : 'not a positive number in range';
  return [tapError('1117', `Invalid amount: ${why}`)];
}

function currencyErrors(currency: unknown, accepted: readonly string[]): TapError[] {
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency) || !isIsoCurrency(currency)) {
    return [tapError('1118')];
  }
  return accepted.includes(currency) ? [] : [tapError('1119', `Currency ${currency} is not supported by QPay`)];
}

function sourceErrors(source: unknown): TapError[] {
  const id = isObject(source) ? source.id : undefined;
  if (absent(id) || id === '') return [tapError('1124')];
  return id === QPAY_SOURCE ? [] : [tapError('1125', `Invalid source id: this emulator serves ${QPAY_SOURCE}`)];
}

function readCustomer(customer: unknown): Validation<CustomerInput> {
  if (!isObject(customer)) return { ok: false, errors: [tapError('1129')] };
  const out: CustomerInput = {};
  const errors: TapError[] = [];
  const id = text(customer.id);
  if (id !== undefined) out.id = id;
  for (const name of ['first_name', 'middle_name', 'last_name'] as const) {
    const value = text(customer[name]);
    if (value !== undefined) out[name] = value;
  }
  if (!absent(customer.email)) {
    if (typeof customer.email === 'string' && EMAIL.test(customer.email)) out.email = customer.email;
    else errors.push(tapError('1138'));
  }
  if (!absent(customer.phone)) {
    const phone = isObject(customer.phone) ? customer.phone : {};
    const countryCode = digits(phone.country_code, 1, 4);
    const number = digits(phone.number, 4, 15);
    if (countryCode !== undefined && number !== undefined) out.phone = { country_code: countryCode, number };
    else errors.push(tapError('1135'));
  }
  if (errors.length > 0) return { ok: false, errors };
  // Without an id Tap needs something to create the customer from.
  const identified = out.id !== undefined || out.first_name !== undefined || out.email !== undefined || out.phone;
  return identified ? { ok: true, value: out } : { ok: false, errors: [tapError('1129')] };
}

function urlOf(container: unknown, name: string, errors: TapError[]): string | undefined {
  if (!isObject(container) || absent(container.url)) return undefined;
  if (isHttpUrl(container.url)) return container.url;
  errors.push(tapError('1103', `Invalid input: ${name}.url must be an absolute http(s) URL`));
  return undefined;
}

/** Validates a `POST /v2/charges` body for `src_qa.qpay`, reporting every error at once. */
export function validateCreateCharge(body: Fields): Validation<CreateChargeInput> {
  const errors = [
    ...amountErrors(body.amount, body.currency),
    ...currencyErrors(body.currency, QPAY_CURRENCIES),
    ...sourceErrors(body.source),
  ];
  const customer = readCustomer(body.customer);
  if (!customer.ok) errors.push(...customer.errors);
  const redirectUrl = urlOf(body.redirect, 'redirect', errors);
  const postUrl = urlOf(body.post, 'post', errors);
  if (!absent(body.metadata) && !isObject(body.metadata)) errors.push(tapError('1103', 'Invalid input: metadata'));
  if (errors.length > 0 || !customer.ok) return { ok: false, errors };
  const reference = isObject(body.reference) ? body.reference : {};
  const receipt = isObject(body.receipt) ? body.receipt : {};
  const currency = body.currency as string;
  const value: CreateChargeInput = {
    amount: (majorToMinor(body.amount, currency) as { minor: number }).minor,
    currency,
    customerInitiated: flag(body.customer_initiated, true),
    threeDSecure: flag(body.threeDSecure, true),
    saveCard: flag(body.save_card, false),
    reference: {
      ...(text(reference.transaction) !== undefined && { transaction: reference.transaction as string }),
      ...(text(reference.order) !== undefined && { order: reference.order as string }),
      ...(text(reference.idempotent) !== undefined && { idempotent: reference.idempotent as string }),
    },
    receipt: { email: flag(receipt.email, false), sms: flag(receipt.sms, false) },
    customer: customer.value,
  };
  if (text(body.description) !== undefined) value.description = body.description as string;
  if (text(body.statement_descriptor) !== undefined) value.statementDescriptor = body.statement_descriptor as string;
  const lang = typeof body.lang_code === 'string' ? body.lang_code.toLowerCase() : undefined;
  if (lang === 'ar' || lang === 'en') value.langCode = lang;
  if (isObject(body.metadata)) value.metadata = body.metadata;
  if (redirectUrl !== undefined) value.redirectUrl = redirectUrl;
  if (postUrl !== undefined) value.postUrl = postUrl;
  return { ok: true, value };
}

/** Validates a `POST /v2/refunds` body; whether it fits the charge is the state's business. */
export function validateRefund(body: Fields): Validation<RefundRequestInput> {
  const errors: TapError[] = [];
  const chargeId = body.charge_id;
  if (absent(chargeId) || chargeId === '') errors.push(tapError('1142'));
  else if (typeof chargeId !== 'string' || !chargeId.startsWith('chg_')) errors.push(tapError('1143'));
  errors.push(...amountErrors(body.amount, body.currency));
  if (typeof body.currency !== 'string' || !/^[A-Z]{3}$/.test(body.currency) || !isIsoCurrency(body.currency)) {
    errors.push(tapError('1118'));
  }
  if (text(body.reason) === undefined) errors.push(tapError('1103', 'Invalid input: reason is required'));
  const postUrl = urlOf(body.post, 'post', errors);
  if (!absent(body.metadata) && !isObject(body.metadata)) errors.push(tapError('1103', 'Invalid input: metadata'));
  if (errors.length > 0) return { ok: false, errors };
  const currency = body.currency as string;
  const reference = isObject(body.reference) ? body.reference : {};
  const value: RefundRequestInput = {
    chargeId: chargeId as string,
    amount: (majorToMinor(body.amount, currency) as { minor: number }).minor,
    currency,
    reason: body.reason as string,
  };
  if (text(body.description) !== undefined) value.description = body.description as string;
  if (text(reference.merchant) !== undefined) value.merchantReference = reference.merchant as string;
  if (text(reference.idempotent) !== undefined) value.idempotent = reference.idempotent as string;
  if (isObject(body.metadata)) value.metadata = body.metadata;
  if (postUrl !== undefined) value.postUrl = postUrl;
  return { ok: true, value };
}

import { ERROR_CODES, type ErrorItem, item } from './errors.ts';
import { parseAmount } from './money.ts';
import type { NewPayment } from './state.ts';

type Body = Record<string, unknown>;

export const DEFAULT_SESSION_EXPIRY_MINUTES = 60;
const URL_FIELDS = ['success_url', 'cancel_url', 'expiry_url', 'error_url'] as const;
const URL_TARGETS = ['_self', '_parent', '_top'];

export const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const required = (field: string): ErrorItem => item(ERROR_CODES.required, `${field}: This value is required`);
const invalid = (field: string, why: string): ErrorItem => item(ERROR_CODES.invalidValue, `${field}: ${why}`);
const tooLong = (field: string, max: number): ErrorItem =>
  item(ERROR_CODES.tooLong, `${field}: This value is too long, at most ${max} characters`);

function checkString(errors: ErrorItem[], field: string, value: unknown, max: number, need: boolean): boolean {
  if (value === undefined || value === null || value === '') {
    if (need) errors.push(required(field));
    return false;
  }
  if (typeof value !== 'string') {
    errors.push(invalid(field, 'This value must be a string'));
    return false;
  }
  if (value.length > max) {
    errors.push(tooLong(field, max));
    return false;
  }
  return true;
}

function checkUrl(errors: ErrorItem[], field: string, value: unknown, need: boolean): void {
  if (!checkString(errors, field, value, 1024, need)) return;
  try {
    const url = new URL(value as string);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('scheme');
  } catch {
    errors.push(invalid(field, 'This value is not a valid URL'));
  }
}

export type SessionRequest = NewPayment & { hash: string };
export type SessionCheck = { ok: true; request: SessionRequest } | { ok: false; errors: ErrorItem[] };

/** Field checks of `POST /api/v1/session` (providers.md §4.2); merchant and hash are checked after. */
export function validateSession(body: Body): SessionCheck {
  const errors: ErrorItem[] = [];
  checkString(errors, 'merchant_key', body.merchant_key, 255, true);
  if (checkString(errors, 'operation', body.operation, 32, true) && body.operation !== 'purchase') {
    errors.push(item(ERROR_CODES.unsupportedOperation, 'operation: Only purchase is supported by the emulator'));
  }
  for (const field of URL_FIELDS) checkUrl(errors, field, body[field], field === 'success_url');
  if (body.url_target !== undefined && !URL_TARGETS.includes(body.url_target as string)) {
    errors.push(invalid('url_target', `Must be one of ${URL_TARGETS.join(', ')}`));
  }
  if (
    body.methods !== undefined &&
    !(Array.isArray(body.methods) && body.methods.every((m) => typeof m === 'string'))
  ) {
    errors.push(invalid('methods', 'This value must be an array of strings'));
  }
  if (body.checkout_language !== undefined && typeof body.checkout_language !== 'string') {
    errors.push(invalid('checkout_language', 'This value must be a string'));
  }
  // Integrations send it as a number or a digit string (`"15"`); both are read.
  const rawExpiry = body.session_expiry ?? DEFAULT_SESSION_EXPIRY_MINUTES;
  const expiry = typeof rawExpiry === 'string' && /^\d{1,4}$/.test(rawExpiry.trim()) ? Number(rawExpiry) : rawExpiry;
  if (!Number.isSafeInteger(expiry) || (expiry as number) < 1 || (expiry as number) > 720) {
    errors.push(invalid('session_expiry', 'This value must be an integer from 1 to 720'));
  }
  let amount: number | null = null;
  const order = body.order;
  if (!isObject(order)) {
    errors.push(order === undefined ? required('order') : invalid('order', 'This value must be an object'));
  } else {
    checkString(errors, 'order.number', order.number, 255, true);
    checkString(errors, 'order.description', order.description, 1024, true);
    const currencyOk = checkString(errors, 'order.currency', order.currency, 3, true);
    if (currencyOk && !/^[A-Z]{3}$/.test(order.currency as string)) {
      errors.push(invalid('order.currency', 'This value must be a 3-letter ISO 4217 code'));
    }
    if (order.amount === undefined || order.amount === null || order.amount === '') {
      errors.push(required('order.amount'));
    } else if (currencyOk) {
      amount = parseAmount(order.amount, order.currency as string);
      if (amount === null || amount === 0) {
        errors.push(invalid('order.amount', 'Invalid format: a positive amount with the currency exponent, e.g. 3.01'));
      }
    }
  }
  const customer = body.customer;
  if (customer !== undefined && !isObject(customer)) errors.push(invalid('customer', 'This value must be an object'));
  if (isObject(customer)) {
    checkString(errors, 'customer.name', customer.name, 255, false);
    if (
      checkString(errors, 'customer.email', customer.email, 255, false) &&
      !/^[^@\s]+@[^@\s]+$/.test(customer.email as string)
    ) {
      errors.push(invalid('customer.email', 'This value is not a valid email address'));
    }
  }
  checkString(errors, 'hash', body.hash, 255, true);
  if (errors.length > 0 || !isObject(order) || amount === null) return { ok: false, errors };
  const urls: NewPayment['urls'] = { success: body.success_url as string };
  if (typeof body.cancel_url === 'string' && body.cancel_url !== '') urls.cancel = body.cancel_url;
  if (typeof body.expiry_url === 'string' && body.expiry_url !== '') urls.expiry = body.expiry_url;
  if (typeof body.error_url === 'string' && body.error_url !== '') urls.error = body.error_url;
  const customerOut: NewPayment['customer'] = {};
  if (isObject(customer) && typeof customer.name === 'string') customerOut.name = customer.name;
  if (isObject(customer) && typeof customer.email === 'string') customerOut.email = customer.email;
  return {
    ok: true,
    request: {
      merchantKey: body.merchant_key as string,
      order: {
        number: order.number as string,
        amount,
        currency: order.currency as string,
        description: order.description as string,
      },
      customer: customerOut,
      urls,
      ...(typeof body.checkout_language === 'string' && { language: body.checkout_language }),
      expiryMinutes: expiry as number,
      hash: body.hash as string,
    },
  };
}

/** `merchant_key` and `hash` present as strings, plus the listed id fields (one of them for `oneOf`). */
export function validateOperation(body: Body, fields: readonly string[], oneOf = false): ErrorItem[] {
  const errors: ErrorItem[] = [];
  checkString(errors, 'merchant_key', body.merchant_key, 255, true);
  if (oneOf) {
    const present = fields.filter((f) => body[f] !== undefined);
    if (present.length === 0) errors.push(required(fields.join(' or ')));
    for (const f of present) checkString(errors, f, body[f], 255, true);
  } else {
    for (const f of fields) checkString(errors, f, body[f], 255, true);
  }
  checkString(errors, 'hash', body.hash, 255, true);
  return errors;
}

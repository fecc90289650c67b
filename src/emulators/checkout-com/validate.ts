import { isHttpUrl } from '../kit/urls.ts';
import type { RefundInput } from './refunds.ts';
import type { CreatePaymentInput, Settings } from './state.ts';

export type Validation<T> = { ok: true; value: T } | { ok: false; codes: string[] };

const MAX_AMOUNT = 999_999_999;
const MAX_REFERENCE_LENGTH = 50;
const CUSTOMER_ID = /^cus_[a-z2-7]{26}$/;

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// JSON null on an optional field is treated like an absent field.
const absent = (value: unknown): value is null | undefined => value === undefined || value === null;

function amountCodes(amount: unknown): string[] {
  if (absent(amount)) return ['amount_required'];
  const valid = typeof amount === 'number' && Number.isInteger(amount) && amount > 0 && amount <= MAX_AMOUNT;
  return valid ? [] : ['amount_invalid'];
}

function currencyCodes(currency: unknown): string[] {
  if (absent(currency)) return ['currency_required'];
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) return ['currency_invalid'];
  return currency === 'QAR' ? [] : ['currency_not_supported'];
}

function isValidQuantity(quantity: unknown): boolean {
  if (typeof quantity === 'number') return Number.isSafeInteger(quantity) && quantity >= 1;
  return typeof quantity === 'string' && /^0*[1-9]\d{0,8}$/.test(quantity);
}

function sourceCodes(source: unknown): string[] {
  if (absent(source)) return ['payment_source_required'];
  if (!isObject(source)) return ['payment_source_required'];
  if (absent(source.type) || source.type === '') return ['payment_source_type_required'];
  if (source.type !== 'qpay') return ['payment_source_not_supported'];
  const codes: string[] = [];
  if (typeof source.description !== 'string' || source.description.trim() === '')
    codes.push('source_description_required');
  if (!absent(source.quantity) && !isValidQuantity(source.quantity)) codes.push('quantity_invalid');
  if (!absent(source.national_id) && (typeof source.national_id !== 'string' || source.national_id === '')) {
    codes.push('national_id_invalid');
  }
  return codes;
}

function optionalFieldCodes(body: Fields, settings: Settings): string[] {
  const codes: string[] = [];
  if (!absent(body.success_url) && !isHttpUrl(body.success_url)) codes.push('success_url_invalid');
  if (!absent(body.failure_url) && !isHttpUrl(body.failure_url)) codes.push('failure_url_invalid');
  const { reference } = body;
  if (!absent(reference) && (typeof reference !== 'string' || reference.length > MAX_REFERENCE_LENGTH)) {
    codes.push('reference_invalid');
  }
  if (!absent(body.metadata) && !isObject(body.metadata)) codes.push('metadata_invalid');
  const channel = body.processing_channel_id;
  if (absent(channel)) {
    if (settings.requireProcessingChannelId) codes.push('processing_channel_id_required');
  } else if (typeof channel !== 'string' || channel === '') {
    codes.push('processing_channel_id_invalid');
  }
  return codes;
}

function toInput(body: Fields): CreatePaymentInput {
  const source = body.source as Fields;
  const input: CreatePaymentInput = {
    amount: body.amount as number,
    currency: body.currency as string,
    description: source.description as string,
  };
  if (typeof source.language === 'string') input.language = source.language;
  if (!absent(source.quantity)) input.quantity = source.quantity as number | string;
  if (typeof source.national_id === 'string') input.nationalId = source.national_id;
  if (typeof body.reference === 'string') input.reference = body.reference;
  if (typeof body.success_url === 'string') input.successUrl = body.success_url;
  if (typeof body.failure_url === 'string') input.failureUrl = body.failure_url;
  if (isObject(body.metadata)) input.metadata = body.metadata;
  if (typeof body.processing_channel_id === 'string') input.processingChannelId = body.processing_channel_id;
  const customer = body.customer;
  if (isObject(customer) && typeof customer.id === 'string' && CUSTOMER_ID.test(customer.id))
    input.customerId = customer.id;
  return input;
}

/** Validates a `POST /payments` body, reporting every applicable error code at once. */
export function validateCreatePayment(body: unknown, settings: Settings): Validation<CreatePaymentInput> {
  if (!isObject(body)) return { ok: false, codes: ['request_body_malformed'] };
  const codes = [
    ...amountCodes(body.amount),
    ...currencyCodes(body.currency),
    ...sourceCodes(body.source),
    ...optionalFieldCodes(body, settings),
  ];
  return codes.length > 0 ? { ok: false, codes } : { ok: true, value: toInput(body) };
}

/**
 * Validates a `POST /payments/{id}/refunds` body (optional: undefined or null is an empty one).
 * Whether the amount fits the payment's balance is the state's business.
 */
export function validateRefund(body: unknown): Validation<RefundInput> {
  if (absent(body)) return { ok: true, value: {} };
  if (!isObject(body)) return { ok: false, codes: ['request_body_malformed'] };
  const { amount, reference, metadata } = body;
  const codes: string[] = [];
  if (!absent(amount) && !(typeof amount === 'number' && Number.isSafeInteger(amount) && amount > 0)) {
    codes.push('amount_invalid');
  }
  if (!absent(reference) && (typeof reference !== 'string' || reference.length > MAX_REFERENCE_LENGTH)) {
    codes.push('reference_invalid');
  }
  if (!absent(metadata) && !isObject(metadata)) codes.push('metadata_invalid');
  if (codes.length > 0) return { ok: false, codes };
  const input: RefundInput = {};
  if (typeof amount === 'number') input.amount = amount;
  if (typeof reference === 'string') input.reference = reference;
  if (isObject(metadata)) input.metadata = metadata;
  return { ok: true, value: input };
}

/** The OTP the emulator's QPay page asks for: exactly 6 digits. */
export const otpValid = (otp: string): boolean => /^\d{6}$/.test(otp);

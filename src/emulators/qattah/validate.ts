import { isHttpUrl } from '../kit/urls.ts';
import { parseSarNumber } from './money.ts';
import type { Lang, NewOrder } from './state.ts';

/** Laravel-style field errors: `{field: [message, ...]}`. */
export type FieldErrors = Record<string, string[]>;

export type CreateInput = Omit<NewOrder, 'merchantId'>;
export type ParsedCreate = { ok: true; input: CreateInput } | { ok: false; errors: FieldErrors };

const STRING_FIELDS = [
  'reference',
  'callback_url',
  'success_url',
  'failure_url',
  'theme',
  'lang',
  'currency',
  'description',
  'emailAddress',
  'mobileNumber',
  'platform',
  'version',
] as const;

const URL_FIELDS = ['callback_url', 'success_url', 'failure_url'] as const;

/** Empty strings and null count as absent (the docs: "empty → Qattah success screen"). */
function optional(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** Validates the create-order body (providers.md §3.2). */
export function parseCreateOrder(body: unknown): ParsedCreate {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: { amount: ['The amount field is required.'] } };
  }
  const b = body as Record<string, unknown>;
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => {
    errors[field] = [...(errors[field] ?? []), message];
  };
  let amountMinor = 0;
  if (b.amount === undefined || b.amount === null) add('amount', 'The amount field is required.');
  else {
    const parsed = parseSarNumber(b.amount);
    if (parsed.ok) amountMinor = parsed.minor;
    else add('amount', `The amount ${parsed.error}.`);
  }
  for (const field of STRING_FIELDS) {
    const value = b[field];
    if (value !== undefined && value !== null && typeof value !== 'string')
      add(field, `The ${field} must be a string.`);
  }
  const currency = optional(b, 'currency');
  if (currency !== null && currency !== 'SAR')
    add('currency', "The selected currency is invalid. Only 'SAR' is supported.");
  const lang = optional(b, 'lang') ?? 'ar';
  if (lang !== 'ar' && lang !== 'en') add('lang', 'The selected lang is invalid (ar or en).');
  const theme = optional(b, 'theme') ?? 'light';
  if (theme !== 'light' && theme !== 'dark') add('theme', 'The selected theme is invalid (dark or light).');
  for (const field of URL_FIELDS) {
    const value = optional(b, field);
    if (value !== null && !isHttpUrl(value)) add(field, `The ${field} must be a valid URL.`);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: {
      amountMinor,
      reference: optional(b, 'reference'),
      callbackUrl: optional(b, 'callback_url'),
      successUrl: optional(b, 'success_url'),
      failureUrl: optional(b, 'failure_url'),
      lang: lang as Lang,
      theme,
      description: optional(b, 'description'),
      emailAddress: optional(b, 'emailAddress'),
      mobileNumber: optional(b, 'mobileNumber'),
    },
  };
}

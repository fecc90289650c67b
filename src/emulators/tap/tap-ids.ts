import { DIGITS, pooledRandomBytes, randomString } from '../kit/ids.ts';

export const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * Tap's id layout, read off the seed (`chg_TS07A0320241133g5RO1906000`, created 2024-06-19
 * 11:33:03.000 UTC): "TS0", one digit, "A", seconds, year, hours+minutes, 4 random
 * alphanumerics, day+month, milliseconds. The same layout serves `activity_`, `tck_`, `cus_`, `re_`.
 */
export function tapId(prefix: string, at: number): string {
  const d = new Date(at);
  // Joined in one go: ids are kept for good, and one flat string is cheaper to keep than pieces.
  return [
    prefix,
    'TS0',
    randomString(1, '123456789'),
    'A',
    two(d.getUTCSeconds()),
    d.getUTCFullYear(),
    two(d.getUTCHours()),
    two(d.getUTCMinutes()),
    randomString(4, MIXED_ALNUM),
    two(d.getUTCDate()),
    two(d.getUTCMonth() + 1),
    String(d.getUTCMilliseconds()).padStart(3, '0'),
  ].join('');
}

export const TAP_ID = /^[a-z]+_TS0[1-9]A\d{2}\d{4}\d{4}[A-Za-z0-9]{4}\d{4}\d{3}$/;

/** `reference.payment` (19 digits in the seed) and `receipt.id` (18 digits). */
export const paymentReference = (): string => randomString(19, DIGITS);
export const receiptId = (): string => randomString(18, DIGITS);
/** `reference.gateway`: the acquirer's retrieval reference, 12 digits like an ISO 8583 RRN. */
export const gatewayReference = (): string => randomString(12, DIGITS);

/** The opaque `chg=` token of the hosted page URL: base64 like the seed's, URL-encoded by the caller. */
export const pageToken = (): string => pooledRandomBytes(32).toString('base64');

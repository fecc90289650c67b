import { createHash } from 'node:crypto';

/**
 * PHP `strtoupper` on the UTF-8 bytes: only ASCII a–z change, every other byte (Arabic text,
 * accented letters) stays as it is. JS `toUpperCase()` would also change non-ASCII letters.
 */
export function phpStrToUpper(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte >= 0x61 && byte <= 0x7a) bytes[i] = byte - 0x20;
  }
  return bytes;
}

/** `sha1(md5(strtoupper(concat)))`, lowercase hex; SHA-1 runs over the 32-character MD5 hex text (providers.md §4.3). */
export function checkoutHash(parts: readonly string[], password: string): string {
  const md5 = createHash('md5')
    .update(phpStrToUpper(parts.join('') + password))
    .digest('hex');
  return createHash('sha1').update(md5, 'utf8').digest('hex');
}

export type SessionHashFields = { number: string; amount: string; currency: string; description: string };

export const sessionHash = (order: SessionHashFields, password: string): string =>
  checkoutHash([order.number, order.amount, order.currency, order.description], password);

/** Status by payment_id (or order_id) and void. */
export const paymentIdHash = (id: string, password: string): string => checkoutHash([id], password);

/** A full refund (no amount) leaves the amount out of the concatenation. */
export const refundHash = (paymentId: string, amount: string | undefined, password: string): string =>
  checkoutHash(amount === undefined ? [paymentId] : [paymentId, amount], password);

export type CallbackHashFields = {
  id: string;
  order_number: string;
  order_amount: string;
  order_currency: string;
  order_description: string;
};

export const callbackHash = (f: CallbackHashFields, password: string): string =>
  checkoutHash([f.id, f.order_number, f.order_amount, f.order_currency, f.order_description], password);

/** Case-insensitive, as integrators send upper- or lowercase hex. */
export function hashMatches(received: unknown, expected: string): boolean {
  return typeof received === 'string' && received.toLowerCase() === expected.toLowerCase();
}

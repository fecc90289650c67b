import { createHash } from 'node:crypto';

/**
 * PHP's `strtoupper`: only ASCII a–z change; every other byte (Arabic text included) is kept,
 * so both sides hash the same bytes (providers.md §4.3).
 */
export function phpStrtoupper(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b >= 0x61 && b <= 0x7a) bytes[i] = b - 0x20;
  }
  return bytes;
}

/** `sha1(md5(strtoupper(concat)))`, lowercase hex, SHA-1 over the MD5's hex text (PHP semantics). */
export function akuratecoHash(...parts: readonly string[]): string {
  const md5 = createHash('md5')
    .update(phpStrtoupper(parts.join('')))
    .digest('hex');
  return createHash('sha1').update(md5).digest('hex');
}

/** Session: order number + amount + currency + description + password. */
export const sessionHash = (
  o: { number: string; amount: string; currency: string; description: string },
  password: string,
) => akuratecoHash(o.number, o.amount, o.currency, o.description, password);

/** Status and void: payment id (or order id) + password. */
export const idHash = (id: string, password: string) => akuratecoHash(id, password);

/** Refund: payment id + amount (omitted for a full refund) + password. */
export const refundHash = (paymentId: string, amount: string | undefined, password: string) =>
  akuratecoHash(paymentId, amount ?? '', password);

/** Callback: id + order number + amount + currency + description + password. */
export const callbackHash = (
  c: { id: string; order_number: string; order_amount: string; order_currency: string; order_description: string },
  password: string,
) => akuratecoHash(c.id, c.order_number, c.order_amount, c.order_currency, c.order_description, password);

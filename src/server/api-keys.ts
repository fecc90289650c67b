import { createHash, randomBytes } from 'node:crypto';
import type { Mode } from '../core/payment/payment.ts';

const KEY_FORMAT = /^sk_(test|live)_[0-9A-Za-z]{32}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new secret API key, `sk_test_` or `sk_live_` followed by 32 base62 characters. */
export function generateApiKey(mode: Mode): string {
  const bytes = randomBytes(64);
  let body = '';
  for (const b of bytes) {
    if (b < 248) body += BASE62[b % 62]; // 248 = 4 × 62: no modulo bias
    if (body.length === 32) break;
  }
  if (body.length < 32) return generateApiKey(mode);
  return `sk_${mode}_${body}`;
}

/** The mode a key claims by its shape, or undefined when it is not shaped like a key. */
export function apiKeyMode(secret: string): Mode | undefined {
  const m = KEY_FORMAT.exec(secret);
  return m ? (m[1] as Mode) : undefined;
}

/** SHA-256 hex digest: what is stored instead of the key. */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** The part of a key that is safe to show. */
export function displayPrefix(secret: string): string {
  return `${secret.slice(0, 12)}…`;
}

import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { IdGenerator } from '../core/ids.ts';
import type { Mode } from '../core/payment/payment.ts';
import type { ApiKeyRecord } from '../core/repositories.ts';

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

/** Where a key can stand. */
export const API_KEY_STATUSES = ['active', 'revoked', 'expired'] as const;

/** Where a key stands at `now`. */
export type ApiKeyStatus = (typeof API_KEY_STATUSES)[number];

/** Revoked wins over expired: a key revoked before it expired was revoked. */
export function apiKeyStatus(key: Pick<ApiKeyRecord, 'revokedAt' | 'expiresAt'>, now: number): ApiKeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

/** A new key: the record to store, the hash to store it by, and the secret to show once. */
export function newApiKey(
  deps: { ids: IdGenerator; clock: Clock },
  accountId: string,
  mode: Mode,
  options: { expiresAt?: number | null; description?: string | null } = {},
): { record: ApiKeyRecord; secret: string; secretHash: string } {
  const secret = generateApiKey(mode);
  return {
    record: {
      id: deps.ids.next('key'),
      accountId,
      mode,
      displayPrefix: displayPrefix(secret),
      description: options.description ?? null,
      createdAt: deps.clock.now(),
      expiresAt: options.expiresAt ?? null,
      lastUsedAt: null,
      revokedAt: null,
    },
    secret,
    secretHash: hashApiKey(secret),
  };
}

import { timingSafeEqual } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '../core/clock.ts';
import { BawabaError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { AccountRepo, ApiKeyRecord, Principal } from '../core/repositories.ts';
import { apiKeyMode, apiKeyStatus, hashApiKey } from './api-keys.ts';

/** How long a key lookup is reused: a key revoked on another node is refused within this. */
export const API_KEY_CACHE_TTL_MS = 1000;
/** `last_used_at` is written at most once per this interval and key. */
export const API_KEY_TOUCH_INTERVAL_MS = 60_000;
const MAX_ENTRIES = 10_000;

type StoredKey = ApiKeyRecord & { readonly secretHash: string };

/** Turns a bearer secret into the caller it authenticates, on every request. */
export interface ApiKeyAuthenticator {
  /** The principal of an active key; a 401 error (`api_key_invalid`, `_revoked`, `_expired`) otherwise. */
  authenticate(secret: string): Promise<Principal>;
  /** Drops every cached lookup (after a revocation on this node, which then applies at once). */
  forget(): void;
}

/** Options of {@link createApiKeyAuthenticator}; the last three are for tests. */
export interface ApiKeyAuthOptions {
  readonly accounts: AccountRepo;
  /** Judges expiry and stamps `last_used_at`. */
  readonly clock: Clock;
  readonly log: Pick<Logger, 'warn'>;
  readonly cacheTtlMs?: number;
  readonly touchIntervalMs?: number;
  /** A monotonic time in milliseconds that ages cache entries. */
  readonly monotonicNow?: () => number;
}

/**
 * Key lookups are on every request's path, so each is reused for at most `cacheTtlMs` (1 s) by
 * this process, concurrent lookups of one key share one query, and unknown secrets are cached
 * too (a flood of made-up keys costs one query per key per second). The decision is made per
 * request from the cached row and the clock, so an expiry applies to the millisecond.
 * `last_used_at` is remembered in memory and written at most once per `touchIntervalMs` with a
 * guarded UPDATE, outside the request (a failed write is logged, never answered).
 */
export function createApiKeyAuthenticator(options: ApiKeyAuthOptions): ApiKeyAuthenticator {
  const { accounts, clock, log } = options;
  const ttl = options.cacheTtlMs ?? API_KEY_CACHE_TTL_MS;
  const interval = options.touchIntervalMs ?? API_KEY_TOUCH_INTERVAL_MS;
  const monotonic = options.monotonicNow ?? (() => performance.now());
  const lookups = new Map<string, { readonly at: number; readonly key: Promise<StoredKey | undefined> }>();
  const lastUsed = new Map<string, number>();

  function lookup(hash: string): Promise<StoredKey | undefined> {
    const now = monotonic();
    const cached = lookups.get(hash);
    if (cached && now - cached.at < ttl) return cached.key;
    const entry = { at: now, key: accounts.findApiKeyByHash(hash) };
    lookups.delete(hash);
    remember(lookups, hash, entry);
    entry.key.catch(() => {
      if (lookups.get(hash) === entry) lookups.delete(hash);
    });
    return entry.key;
  }

  function touch(key: ApiKeyRecord, now: number): void {
    const known = Math.max(
      lastUsed.get(key.id) ?? Number.NEGATIVE_INFINITY,
      key.lastUsedAt ?? Number.NEGATIVE_INFINITY,
    );
    if (now - known < interval) return;
    lastUsed.delete(key.id);
    remember(lastUsed, key.id, now);
    accounts.touchApiKey(key.id, now, now - interval).catch((err: unknown) => {
      log.warn({ err, api_key_id: key.id }, 'recording when an API key was used failed');
    });
  }

  return {
    async authenticate(secret) {
      const mode = apiKeyMode(secret);
      if (!mode) throw new BawabaError('api_key_invalid');
      const hash = hashApiKey(secret);
      const key = await lookup(hash);
      if (!key || !timingSafeEqual(Buffer.from(key.secretHash, 'hex'), Buffer.from(hash, 'hex'))) {
        throw new BawabaError('api_key_invalid');
      }
      const now = clock.now();
      const status = apiKeyStatus(key, now);
      if (status === 'revoked') throw new BawabaError('api_key_revoked');
      if (status === 'expired') {
        throw new BawabaError(
          'api_key_expired',
          `The API key expired at ${new Date(key.expiresAt ?? now).toISOString()}.`,
        );
      }
      touch(key, now);
      return { accountId: key.accountId, mode: key.mode, apiKeyId: key.id };
    },
    forget() {
      lookups.clear();
    },
  };
}

/** Sets `key` last in insertion order, dropping the oldest entry past the bound. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_ENTRIES) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}

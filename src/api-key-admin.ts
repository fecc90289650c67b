import type { Clock } from './core/clock.ts';
import type { IdGenerator } from './core/ids.ts';
import type { Mode } from './core/payment/payment.ts';
import type { AccountRepo, ApiKeyRecord } from './core/repositories.ts';
import { parseDuration, parseInstant } from './server/api-key-expiry.ts';
import { newApiKey } from './server/api-keys.ts';
import { apiKeyView } from './server/routes/api-keys.ts';

type AdminDeps = { accounts: AccountRepo; ids: IdGenerator; clock: Clock };

/**
 * When a key asked for with `--expires-in` (`90d`, `12h`, …) or `--expires-at` (ISO 8601 or Unix
 * seconds) expires, in epoch milliseconds; null: never. Throws an Error worded for the operator.
 */
export function expiryOf(options: { expiresIn?: string; expiresAt?: string }, now: number): number | null {
  if (options.expiresIn !== undefined && options.expiresAt !== undefined) {
    throw new Error('give --expires-in or --expires-at, not both');
  }
  if (options.expiresIn !== undefined) {
    const ms = parseDuration(options.expiresIn);
    if (ms === undefined) throw new Error('--expires-in must be a number and a unit: 45s, 30m, 12h, 90d or 2w');
    return now + ms;
  }
  if (options.expiresAt !== undefined) {
    const at = parseInstant(options.expiresAt);
    if (at === undefined)
      throw new Error('--expires-at must be an ISO 8601 date-time (2027-01-31T00:00:00Z) or Unix seconds');
    if (at <= now) throw new Error('--expires-at must be in the future');
    return at;
  }
  return null;
}

/** Creates a key; answers it with its secret, which is shown once and stored only as a hash. */
export async function issueApiKey(
  deps: AdminDeps,
  accountId: string,
  mode: Mode,
  options: { expiresAt?: number | null; description?: string | null } = {},
): Promise<{ key: ApiKeyRecord; secret: string }> {
  const created = newApiKey(deps, accountId, mode, options);
  await deps.accounts.createApiKey(created.record, created.secretHash);
  return { key: created.record, secret: created.secret };
}

/** Creates an account with one API key; returns the key's secret (shown once). */
export async function createAccountWithKey(
  deps: AdminDeps,
  name: string,
  mode: Mode,
): Promise<{ accountId: string; secret: string }> {
  const accountId = deps.ids.next('acct');
  await deps.accounts.createAccount({ id: accountId, name, createdAt: deps.clock.now() });
  const { secret } = await issueApiKey(deps, accountId, mode);
  return { accountId, secret };
}

/** Every key, of one account and mode when given, newest first. */
export async function allApiKeys(accounts: AccountRepo, filter: { accountId?: string; mode?: Mode } = {}) {
  const keys: ApiKeyRecord[] = [];
  for (;;) {
    const last = keys.at(-1);
    const page = await accounts.listApiKeys({ ...filter, limit: 100, ...(last ? { startingAfter: last.id } : {}) });
    keys.push(...page.data);
    if (!page.hasMore) return keys;
  }
}

/** A key as `--json` prints it: the API's view of it, and its account. */
export function apiKeyJson(key: ApiKeyRecord, now: number, secret?: string) {
  return { account_id: key.accountId, ...apiKeyView(key, now, secret) };
}

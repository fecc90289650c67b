import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createManualClock } from '../core/clock.ts';
import { BawabaError } from '../core/errors.ts';
import type { AccountRepo, ApiKeyRecord } from '../core/repositories.ts';
import { createApiKeyAuthenticator } from './api-key-auth.ts';
import { generateApiKey, hashApiKey } from './api-keys.ts';

const T0 = Date.UTC(2026, 0, 1);

/** An in-memory key store that counts lookups and `last_used_at` writes. */
function fakeAccounts() {
  const keys = new Map<string, ApiKeyRecord & { secretHash: string }>();
  const counts = { lookups: 0, touches: 0 };
  const repo = {
    async findApiKeyByHash(hash: string) {
      counts.lookups++;
      const key = keys.get(hash);
      return key ? { ...key } : undefined;
    },
    async touchApiKey(id: string, at: number, notBefore: number) {
      for (const [hash, key] of keys) {
        if (key.id !== id || (key.lastUsedAt !== null && key.lastUsedAt > notBefore)) continue;
        keys.set(hash, { ...key, lastUsedAt: at });
        counts.touches++;
        return true;
      }
      return false;
    },
  } as unknown as AccountRepo;
  function add(overrides: Partial<ApiKeyRecord> = {}): string {
    const secret = generateApiKey('test');
    keys.set(hashApiKey(secret), {
      id: `key_${keys.size + 1}`,
      accountId: 'acct_1',
      mode: 'test',
      displayPrefix: secret.slice(0, 12),
      description: null,
      createdAt: T0,
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      ...overrides,
      secretHash: hashApiKey(secret),
    });
    return secret;
  }
  function update(secret: string, change: Partial<ApiKeyRecord>): void {
    const hash = hashApiKey(secret);
    const key = keys.get(hash);
    if (key) keys.set(hash, { ...key, ...change });
  }
  return { repo, counts, add, update, get: (secret: string) => keys.get(hashApiKey(secret)) };
}

function setup() {
  const clock = createManualClock(T0);
  let mono = 0;
  const accounts = fakeAccounts();
  const warnings: unknown[] = [];
  const auth = createApiKeyAuthenticator({
    accounts: accounts.repo,
    clock,
    log: { warn: (obj) => warnings.push(obj) },
    monotonicNow: () => mono,
  });
  return { clock, accounts, auth, warnings, pass: (ms: number) => (mono += ms) };
}

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof BawabaError, String(err));
    return err.code;
  }
};

describe('API key authenticator', () => {
  it('answers the principal of an active key', async () => {
    const { accounts, auth } = setup();
    const secret = accounts.add();
    assert.deepEqual(await auth.authenticate(secret), { accountId: 'acct_1', mode: 'test', apiKeyId: 'key_1' });
  });

  it('says why a key is refused: malformed or unknown, revoked, expired', async () => {
    const { accounts, auth, clock } = setup();
    assert.equal(await codeOf(auth.authenticate('sk_test_short')), 'api_key_invalid');
    assert.equal(await codeOf(auth.authenticate(generateApiKey('test'))), 'api_key_invalid');
    assert.equal(await codeOf(auth.authenticate(accounts.add({ revokedAt: T0 - 1 }))), 'api_key_revoked');
    const expiring = accounts.add({ expiresAt: T0 + 1000 });
    assert.equal(await codeOf(auth.authenticate(expiring)), 'ok');
    clock.advance(1000);
    // Expiry is judged per request, even from a cached lookup.
    assert.equal(await codeOf(auth.authenticate(expiring)), 'api_key_expired');
  });

  it('reuses a lookup for less than a second, so a revocation elsewhere applies within one', async () => {
    const { accounts, auth, pass } = setup();
    const secret = accounts.add();
    await Promise.all([auth.authenticate(secret), auth.authenticate(secret), auth.authenticate(secret)]);
    assert.equal(accounts.counts.lookups, 1, 'concurrent lookups share one query');
    accounts.update(secret, { revokedAt: T0 });
    pass(999);
    assert.equal(await codeOf(auth.authenticate(secret)), 'ok');
    pass(1);
    assert.equal(await codeOf(auth.authenticate(secret)), 'api_key_revoked');
    assert.equal(accounts.counts.lookups, 2);
  });

  it('forgets every lookup at once when told (a revocation on this node)', async () => {
    const { accounts, auth } = setup();
    const secret = accounts.add();
    await auth.authenticate(secret);
    accounts.update(secret, { revokedAt: T0 });
    auth.forget();
    assert.equal(await codeOf(auth.authenticate(secret)), 'api_key_revoked');
  });

  it('caches unknown keys too', async () => {
    const { accounts, auth } = setup();
    const unknown = generateApiKey('test');
    await codeOf(auth.authenticate(unknown));
    await codeOf(auth.authenticate(unknown));
    assert.equal(accounts.counts.lookups, 1);
  });

  it('writes last_used_at at most once a minute per key', async () => {
    const { accounts, auth, clock, pass } = setup();
    const secret = accounts.add();
    for (let i = 0; i < 5; i++) await auth.authenticate(secret);
    assert.equal(accounts.counts.touches, 1);
    assert.equal(accounts.get(secret)?.lastUsedAt, T0);
    clock.advance(59_999);
    pass(5000);
    for (let i = 0; i < 5; i++) await auth.authenticate(secret);
    assert.equal(accounts.counts.touches, 1);
    clock.advance(1);
    for (let i = 0; i < 5; i++) await auth.authenticate(secret);
    assert.equal(accounts.counts.touches, 2);
    assert.equal(accounts.get(secret)?.lastUsedAt, T0 + 60_000);
  });

  it('starts from the stored last_used_at (another node wrote it lately)', async () => {
    const { accounts, auth } = setup();
    const secret = accounts.add({ lastUsedAt: T0 - 30_000 });
    await auth.authenticate(secret);
    assert.equal(accounts.counts.touches, 0);
  });

  it('logs a failed last_used_at write and still authenticates', async () => {
    const { accounts, auth, warnings } = setup();
    const secret = accounts.add();
    (accounts.repo as { touchApiKey: unknown }).touchApiKey = async () => {
      throw new Error('database is locked');
    };
    assert.equal(await codeOf(auth.authenticate(secret)), 'ok');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(warnings.length, 1);
  });
});

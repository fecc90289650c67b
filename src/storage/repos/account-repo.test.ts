import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import { systemClock } from '../../core/clock.ts';
import { createIdGenerator } from '../../core/ids.ts';
import type { ApiKeyRecord } from '../../core/repositories.ts';
import { createSecretBox } from '../secret-box.ts';
import { createRepos } from './index.ts';

const T0 = Date.UTC(2026, 0, 1);

function apiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'key_1',
    accountId: 'acct_1',
    mode: 'test',
    displayPrefix: 'sk_test_4f',
    description: null,
    createdAt: T0,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...overrides,
  };
}

forEachDatabase((kind) => {
  describe('AccountRepo', () => {
    const run = (fn: (repos: ReturnType<typeof createRepos>) => Promise<void>) =>
      withDatabase(kind, (database) =>
        fn(createRepos(database, createSecretBox(randomBytes(32)), createIdGenerator(systemClock))),
      );

    it('creates, gets and lists accounts with numeric times', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_2', name: 'Second', createdAt: T0 + 1 });
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        assert.deepEqual(await accounts.getAccount('acct_1'), { id: 'acct_1', name: 'First', createdAt: T0 });
        assert.equal(typeof (await accounts.getAccount('acct_1'))?.createdAt, 'number');
        assert.equal(await accounts.getAccount('acct_missing'), undefined);
        assert.deepEqual(
          (await accounts.listAccounts()).map((a) => a.id),
          ['acct_1', 'acct_2'],
        );
      }));

    it('refuses a duplicate account id', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await assert.rejects(accounts.createAccount({ id: 'acct_1', name: 'Again', createdAt: T0 }));
      }));

    it('finds a live key by its hash, with the hash', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createApiKey(apiKey({ mode: 'live' }), 'hash_live');
        assert.deepEqual(await accounts.findApiKeyByHash('hash_live'), {
          ...apiKey({ mode: 'live' }),
          secretHash: 'hash_live',
        });
        assert.equal(await accounts.findApiKeyByHash('hash_other'), undefined);
      }));

    it('finds revoked and expired keys too, with their state and every time as a number', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        const revoked = apiKey({ revokedAt: T0 + 5, expiresAt: T0 + 99, lastUsedAt: T0 + 3, description: 'ci' });
        await accounts.createApiKey(revoked, 'hash_revoked');
        assert.deepEqual(await accounts.findApiKeyByHash('hash_revoked'), { ...revoked, secretHash: 'hash_revoked' });
        assert.equal(typeof (await accounts.findApiKeyByHash('hash_revoked'))?.expiresAt, 'number');
      }));

    it('gets a key by id, only in its own account and mode when an owner is given', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createApiKey(apiKey(), 'h1');
        assert.equal((await accounts.getApiKey('key_1'))?.id, 'key_1');
        assert.equal((await accounts.getApiKey('key_1', { accountId: 'acct_1', mode: 'test' }))?.id, 'key_1');
        assert.equal(await accounts.getApiKey('key_1', { accountId: 'acct_2', mode: 'test' }), undefined);
        assert.equal(await accounts.getApiKey('key_1', { accountId: 'acct_1', mode: 'live' }), undefined);
        assert.equal(await accounts.getApiKey('key_2'), undefined);
      }));

    it("lists one account's keys in one mode, newest first, in pages", () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createAccount({ id: 'acct_2', name: 'Second', createdAt: T0 });
        for (const n of [1, 2, 3]) await accounts.createApiKey(apiKey({ id: `key_${n}` }), `h${n}`);
        await accounts.createApiKey(apiKey({ id: 'key_4', mode: 'live' }), 'h4');
        await accounts.createApiKey(apiKey({ id: 'key_5', accountId: 'acct_2' }), 'h5');
        const first = await accounts.listApiKeys({ accountId: 'acct_1', mode: 'test', limit: 2 });
        assert.deepEqual(
          first.data.map((k) => k.id),
          ['key_3', 'key_2'],
        );
        assert.equal(first.hasMore, true);
        const next = await accounts.listApiKeys({
          accountId: 'acct_1',
          mode: 'test',
          limit: 2,
          startingAfter: 'key_2',
        });
        assert.deepEqual(
          next.data.map((k) => k.id),
          ['key_1'],
        );
        assert.equal(next.hasMore, false);
        const back = await accounts.listApiKeys({ accountId: 'acct_1', mode: 'test', limit: 1, endingBefore: 'key_1' });
        assert.deepEqual(
          back.data.map((k) => k.id),
          ['key_2'],
        );
        const all = await accounts.listApiKeys({ limit: 10 });
        assert.deepEqual(
          all.data.map((k) => k.id),
          ['key_5', 'key_4', 'key_3', 'key_2', 'key_1'],
        );
      }));

    it('revokes a key once: a second revocation keeps the first time', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createApiKey(apiKey({ id: 'key_1' }), 'h1');
        await accounts.createApiKey(apiKey({ id: 'key_2' }), 'h2');
        const owner = { accountId: 'acct_1', mode: 'test' } as const;
        const first = await accounts.revokeApiKey({ id: 'key_1', now: T0 + 10, owner, keepOneActive: true });
        assert.equal(first.kind, 'revoked');
        assert.equal(first.kind === 'revoked' && first.key.revokedAt, T0 + 10);
        const again = await accounts.revokeApiKey({ id: 'key_1', now: T0 + 20, owner, keepOneActive: true });
        assert.equal(again.kind === 'revoked' && again.key.revokedAt, T0 + 10);
        assert.equal((await accounts.findApiKeyByHash('h1'))?.revokedAt, T0 + 10);
      }));

    it('refuses to revoke the last active key of an account and mode unless told to', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createApiKey(apiKey({ id: 'key_1' }), 'h1');
        // Another mode, a revoked key and an expired key do not count as active.
        await accounts.createApiKey(apiKey({ id: 'key_2', mode: 'live' }), 'h2');
        await accounts.createApiKey(apiKey({ id: 'key_3', revokedAt: T0 + 1 }), 'h3');
        await accounts.createApiKey(apiKey({ id: 'key_4', expiresAt: T0 + 50 }), 'h4');
        const owner = { accountId: 'acct_1', mode: 'test' } as const;
        const refused = await accounts.revokeApiKey({ id: 'key_1', now: T0 + 100, owner, keepOneActive: true });
        assert.equal(refused.kind, 'last_active');
        assert.equal((await accounts.getApiKey('key_1'))?.revokedAt, null);
        // Before key_4 expired, it counted.
        const early = await accounts.revokeApiKey({ id: 'key_1', now: T0 + 10, owner, keepOneActive: true });
        assert.equal(early.kind, 'revoked');
        // An expired key is not active: revoking it is never refused.
        const expired = await accounts.revokeApiKey({ id: 'key_4', now: T0 + 100, owner, keepOneActive: true });
        assert.equal(expired.kind, 'revoked');
        // An operator may revoke the last one.
        const forced = await accounts.revokeApiKey({ id: 'key_2', now: T0 + 100, keepOneActive: false });
        assert.equal(forced.kind, 'revoked');
      }));

    it("does not revoke another account's or mode's key when an owner is given", () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createApiKey(apiKey({ id: 'key_1' }), 'h1');
        for (const owner of [
          { accountId: 'acct_2', mode: 'test' },
          { accountId: 'acct_1', mode: 'live' },
        ] as const) {
          const result = await accounts.revokeApiKey({ id: 'key_1', now: T0, owner, keepOneActive: false });
          assert.equal(result.kind, 'not_found');
        }
        assert.equal((await accounts.revokeApiKey({ id: 'key_9', now: T0, keepOneActive: false })).kind, 'not_found');
        assert.equal((await accounts.getApiKey('key_1'))?.revokedAt, null);
      }));

    it('touches last_used_at only when the stored time is not later than the guard', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createApiKey(apiKey(), 'h1');
        assert.equal(await accounts.touchApiKey('key_1', T0 + 60_000, T0), true);
        // Another node, 30 s later, with an older idea of the key: the guard stops it.
        assert.equal(await accounts.touchApiKey('key_1', T0 + 90_000, T0 + 30_000), false);
        assert.equal((await accounts.getApiKey('key_1'))?.lastUsedAt, T0 + 60_000);
        assert.equal(await accounts.touchApiKey('key_1', T0 + 120_000, T0 + 60_000), true);
        assert.equal((await accounts.getApiKey('key_1'))?.lastUsedAt, T0 + 120_000);
        assert.equal(await accounts.touchApiKey('key_9', T0, T0), false);
      }));

    it('refuses a key for an unknown account and a duplicate secret hash', () =>
      run(async ({ accounts }) => {
        await assert.rejects(accounts.createApiKey(apiKey({ accountId: 'acct_missing' }), 'h1'));
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createApiKey(apiKey(), 'h1');
        await assert.rejects(accounts.createApiKey(apiKey({ id: 'key_2' }), 'h1'));
      }));
  });
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import { systemClock } from '../../core/clock.ts';
import { createIdGenerator } from '../../core/ids.ts';
import type { ApiKeyRecord } from '../../core/ports.ts';
import { createSecretBox } from '../secret-box.ts';
import { createRepos } from './index.ts';

const T0 = Date.UTC(2026, 0, 1);

function apiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    id: 'key_1',
    accountId: 'acct_1',
    mode: 'test',
    displayPrefix: 'sk_test_4f',
    createdAt: T0,
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

    it('does not find a revoked key', () =>
      run(async ({ accounts }) => {
        await accounts.createAccount({ id: 'acct_1', name: 'First', createdAt: T0 });
        await accounts.createApiKey(apiKey({ revokedAt: T0 + 5 }), 'hash_revoked');
        assert.equal(await accounts.findApiKeyByHash('hash_revoked'), undefined);
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

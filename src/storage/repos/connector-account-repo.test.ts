import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import { systemClock } from '../../core/clock.ts';
import type { ConnectorAccount } from '../../core/connector-contract.ts';
import { createIdGenerator } from '../../core/ids.ts';
import type { Database } from '../db.ts';
import { createSecretBox } from '../secret-box.ts';
import { createRepos } from './index.ts';

const T0 = Date.UTC(2026, 0, 1);

function connectorAccount(overrides: Partial<ConnectorAccount> = {}): ConnectorAccount {
  return {
    id: 'ca_1',
    accountId: 'acct_1',
    mode: 'test',
    connector: 'checkout_com',
    credentials: { secret_key: 'sk_sbox_abcdefghijklmnopqrstuvwxyz2', webhook_signature_key: 'whsk_plaintext' },
    settings: { base_url: 'http://127.0.0.1:4010', processing_channel_id: 'pc_1' },
    priority: 10,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

forEachDatabase((kind) => {
  describe('ConnectorAccountRepo', () => {
    const run = (fn: (repos: ReturnType<typeof createRepos>, database: Database) => Promise<void>) =>
      withDatabase(kind, async (database) => {
        const repos = createRepos(database, createSecretBox(randomBytes(32)), createIdGenerator(systemClock));
        await repos.accounts.createAccount({ id: 'acct_1', name: 'M', createdAt: T0 });
        await repos.accounts.createAccount({ id: 'acct_2', name: 'N', createdAt: T0 });
        await fn(repos, database);
      });

    it('round-trips an account, credentials decrypted, numbers as numbers', () =>
      run(async ({ connectorAccounts }) => {
        const stored = await connectorAccounts.upsert(connectorAccount());
        assert.deepEqual(stored, connectorAccount());
        assert.deepEqual(await connectorAccounts.get('ca_1'), connectorAccount());
        assert.deepEqual(await connectorAccounts.find('acct_1', 'test', 'checkout_com'), connectorAccount());
        assert.equal(typeof stored.createdAt, 'number');
        assert.equal(typeof stored.priority, 'number');
      }));

    it('stores credentials sealed: no secret in the raw row', () =>
      run(async ({ connectorAccounts }, { db }) => {
        await connectorAccounts.upsert(connectorAccount());
        const raw = await db.selectFrom('connector_accounts').selectAll().executeTakeFirstOrThrow();
        assert.match(raw.credentials_sealed, /^v1\./);
        for (const secret of ['sk_sbox_abcdefghijklmnopqrstuvwxyz2', 'whsk_plaintext', 'secret_key']) {
          assert.ok(!JSON.stringify(raw).includes(secret), secret);
        }
      }));

    it('cannot read credentials with another key', () =>
      withDatabase(kind, async (database) => {
        const writer = createRepos(database, createSecretBox(randomBytes(32)), createIdGenerator(systemClock));
        await writer.accounts.createAccount({ id: 'acct_1', name: 'M', createdAt: T0 });
        await writer.connectorAccounts.upsert(connectorAccount());
        const reader = createRepos(database, createSecretBox(randomBytes(32)), createIdGenerator(systemClock));
        await assert.rejects(reader.connectorAccounts.get('ca_1'), /sealed under another key/);
      }));

    it('upsert replaces the configuration but keeps the stored id and created_at', () =>
      run(async ({ connectorAccounts }) => {
        await connectorAccounts.upsert(connectorAccount());
        const replacement = connectorAccount({
          id: 'ca_new',
          credentials: { secret_key: 'sk_sbox_rotated' },
          settings: {},
          priority: 1,
          createdAt: T0 + 50,
          updatedAt: T0 + 60,
        });
        const stored = await connectorAccounts.upsert(replacement);
        assert.deepEqual(stored, { ...replacement, id: 'ca_1', createdAt: T0 });
        assert.deepEqual(await connectorAccounts.get('ca_1'), stored);
        assert.equal(await connectorAccounts.get('ca_new'), undefined);
        assert.equal((await connectorAccounts.list('acct_1', 'test')).length, 1);
      }));

    it('scopes find and list by account and mode; lists by priority', () =>
      run(async ({ connectorAccounts }) => {
        await connectorAccounts.upsert(connectorAccount({ id: 'ca_1', connector: 'checkout_com', priority: 20 }));
        await connectorAccounts.upsert(connectorAccount({ id: 'ca_2', connector: 'tap', priority: 10 }));
        await connectorAccounts.upsert(connectorAccount({ id: 'ca_3', connector: 'tap', mode: 'live' }));
        await connectorAccounts.upsert(connectorAccount({ id: 'ca_4', connector: 'tap', accountId: 'acct_2' }));
        assert.deepEqual(
          (await connectorAccounts.list('acct_1', 'test')).map((a) => a.id),
          ['ca_2', 'ca_1'],
        );
        assert.deepEqual(
          (await connectorAccounts.list('acct_1', 'live')).map((a) => a.id),
          ['ca_3'],
        );
        assert.equal((await connectorAccounts.find('acct_2', 'test', 'tap'))?.id, 'ca_4');
        assert.equal(await connectorAccounts.find('acct_2', 'test', 'checkout_com'), undefined);
        assert.equal(await connectorAccounts.find('acct_2', 'live', 'tap'), undefined);
      }));

    it('removes one configuration and says whether it existed', () =>
      run(async ({ connectorAccounts }) => {
        await connectorAccounts.upsert(connectorAccount());
        await connectorAccounts.upsert(connectorAccount({ id: 'ca_2', mode: 'live' }));
        assert.equal(await connectorAccounts.remove('acct_1', 'test', 'checkout_com'), true);
        assert.equal(await connectorAccounts.remove('acct_1', 'test', 'checkout_com'), false);
        assert.equal(await connectorAccounts.get('ca_1'), undefined);
        assert.equal((await connectorAccounts.get('ca_2'))?.mode, 'live');
      }));
  });
});

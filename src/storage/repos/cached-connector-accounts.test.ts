import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectorAccount } from '../../core/connector-contract.ts';
import type { ConnectorAccountRepo } from '../../core/repositories.ts';
import { cachedConnectorAccounts } from './cached-connector-accounts.ts';

const account = (priority: number): ConnectorAccount => ({
  id: 'ca_1',
  accountId: 'acct_1',
  mode: 'test',
  connector: 'checkout_com',
  credentials: { secret_key: 'sk' },
  settings: {},
  priority,
  createdAt: 0,
  updatedAt: 0,
});

test('reads are reused for under a second; a change here drops them at once, one elsewhere is seen after', async () => {
  let stored = account(100);
  let reads = 0;
  const repo: ConnectorAccountRepo = {
    get: async () => {
      reads++;
      return stored;
    },
    list: async () => {
      reads++;
      return [stored];
    },
    find: async () => stored,
    upsert: async (a) => (stored = a),
    remove: async () => true,
  };
  let clock = 0;
  const cached = cachedConnectorAccounts(repo, () => clock, 1_000);
  assert.equal((await cached.get('ca_1'))?.priority, 100);
  assert.equal((await cached.list('acct_1', 'test'))[0]?.priority, 100);
  await cached.get('ca_1');
  await cached.list('acct_1', 'test');
  assert.equal(reads, 2, 'the second reads came from the cache');
  await cached.upsert(account(200));
  assert.equal((await cached.get('ca_1'))?.priority, 200, 'this node’s change is seen at once');
  stored = account(300); // changed by another node
  clock += 500;
  assert.equal((await cached.get('ca_1'))?.priority, 200);
  clock += 600;
  assert.equal((await cached.get('ca_1'))?.priority, 300, 'another node’s change is seen within a second');
});

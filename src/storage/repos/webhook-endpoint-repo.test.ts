import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import type { WebhookEndpoint, WebhookEndpointRepo } from '../../core/event-ports.ts';
import type { Database } from '../db.ts';
import { createSecretBox } from '../secret-box.ts';
import { createAccountRepo } from './account-repo.ts';
import { createWebhookEndpointRepo } from './webhook-endpoint-repo.ts';

const T0 = Date.UTC(2026, 0, 1);
const SECRET = 'whsec_0123456789abcdefghijklmnopqrstuv';
const OLD_SECRET = 'whsec_previousprevioussecretvalue000';

function endpoint(overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id: 'we_1',
    accountId: 'acct_1',
    mode: 'test',
    url: 'https://merchant.test/hooks',
    enabledEvents: ['payment.captured', 'payment.failed'],
    status: 'enabled',
    disabledReason: null,
    description: 'Orders service',
    secret: SECRET,
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

forEachDatabase((kind) => {
  const run = (fn: (endpoints: WebhookEndpointRepo, database: Database) => Promise<void>) =>
    withDatabase(kind, async (database) => {
      const accounts = createAccountRepo(database);
      await accounts.createAccount({ id: 'acct_1', name: 'M', createdAt: T0 });
      await accounts.createAccount({ id: 'acct_2', name: 'N', createdAt: T0 });
      await fn(createWebhookEndpointRepo(database.db, createSecretBox(randomBytes(32))), database);
    });

  describe('WebhookEndpointRepo', () => {
    it('round-trips an endpoint, secrets decrypted, times as numbers', () =>
      run(async (endpoints) => {
        const rotated = endpoint({
          id: 'we_2',
          previousSecret: OLD_SECRET,
          previousSecretExpiresAt: T0 + 86_400_000,
          description: null,
          enabledEvents: ['*'],
        });
        await endpoints.create(endpoint());
        await endpoints.create(rotated);
        assert.deepEqual(await endpoints.getById('we_1'), endpoint());
        assert.deepEqual(await endpoints.get('acct_1', 'test', 'we_2'), rotated);
        assert.equal(typeof (await endpoints.getById('we_2'))?.previousSecretExpiresAt, 'number');
      }));

    it('stores both secrets sealed: neither is in the raw row', () =>
      run(async (endpoints, { db }) => {
        await endpoints.create(endpoint({ previousSecret: OLD_SECRET, previousSecretExpiresAt: T0 + 1 }));
        const raw = await db.selectFrom('webhook_endpoints').selectAll().executeTakeFirstOrThrow();
        assert.match(raw.secret_sealed, /^v1\./);
        assert.match(raw.previous_secret_sealed ?? '', /^v1\./);
        for (const secret of [SECRET, OLD_SECRET]) assert.ok(!JSON.stringify(raw).includes(secret));
      }));

    it('refuses an endpoint of an unknown account', () =>
      run(async (endpoints) => {
        await assert.rejects(endpoints.create(endpoint({ accountId: 'acct_missing' })));
      }));

    it('get is scoped to account and mode; list is too, oldest first', () =>
      run(async (endpoints) => {
        await endpoints.create(endpoint({ id: 'we_b', createdAt: T0 + 2 }));
        await endpoints.create(endpoint({ id: 'we_a', createdAt: T0 + 5 }));
        await endpoints.create(endpoint({ id: 'we_c', mode: 'live' }));
        await endpoints.create(endpoint({ id: 'we_d', accountId: 'acct_2' }));
        assert.equal(await endpoints.get('acct_2', 'test', 'we_a'), undefined);
        assert.equal(await endpoints.get('acct_1', 'live', 'we_a'), undefined);
        assert.equal(await endpoints.getById('we_missing'), undefined);
        assert.deepEqual(
          (await endpoints.list('acct_1', 'test')).map((e) => e.id),
          ['we_b', 'we_a'],
        );
        assert.deepEqual(
          (await endpoints.list('acct_1', 'live')).map((e) => e.id),
          ['we_c'],
        );
        assert.deepEqual(await endpoints.list('acct_9', 'test'), []);
      }));

    it('update replaces everything but the account, mode and creation time', () =>
      run(async (endpoints) => {
        await endpoints.create(endpoint());
        const next = endpoint({
          url: 'https://merchant.test/v2/hooks',
          enabledEvents: ['*'],
          status: 'disabled',
          disabledReason: 'failing for 3 days',
          description: null,
          secret: 'whsec_new',
          previousSecret: SECRET,
          previousSecretExpiresAt: T0 + 60_000,
          updatedAt: T0 + 10,
        });
        await endpoints.update({ ...next, createdAt: T0 + 99 });
        assert.deepEqual(await endpoints.getById('we_1'), next);
        await endpoints.update({ ...next, accountId: 'acct_2', url: 'https://elsewhere.test' });
        assert.equal((await endpoints.getById('we_1'))?.url, 'https://merchant.test/v2/hooks');
        await endpoints.update(endpoint({ id: 'we_missing' }));
        assert.equal(await endpoints.getById('we_missing'), undefined);
      }));

    it('removes an endpoint of the right account and mode, saying whether it existed', () =>
      run(async (endpoints) => {
        await endpoints.create(endpoint());
        assert.equal(await endpoints.remove('acct_2', 'test', 'we_1'), false);
        assert.equal(await endpoints.remove('acct_1', 'live', 'we_1'), false);
        assert.equal(await endpoints.remove('acct_1', 'test', 'we_1'), true);
        assert.equal(await endpoints.remove('acct_1', 'test', 'we_1'), false);
        assert.equal(await endpoints.getById('we_1'), undefined);
      }));
  });
});

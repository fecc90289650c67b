import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import type { ProviderNotification, ProviderNotificationRepo } from '../../core/event-ports.ts';
import type { Database } from '../db.ts';
import { createProviderNotificationRepo } from './provider-notification-repo.ts';

const T0 = Date.UTC(2026, 0, 1);

function notification(
  overrides: Partial<ProviderNotification> & Pick<ProviderNotification, 'id'>,
): ProviderNotification {
  return {
    connector: 'checkout_com',
    connectorAccountId: 'ca_1',
    providerEventId: 'evt_provider_1',
    eventType: 'payment_captured',
    verified: true,
    verificationError: null,
    headers: { 'cko-signature': 'abc123', 'content-type': 'application/json' },
    body: '{"id":"evt_provider_1","type":"payment_captured","data":{"id":"pay_x"}}',
    receivedAt: T0,
    ...overrides,
  };
}

forEachDatabase((kind) => {
  const run = (fn: (notifications: ProviderNotificationRepo, database: Database) => Promise<void>) =>
    withDatabase(kind, (database) => fn(createProviderNotificationRepo(database.db), database));

  describe('ProviderNotificationRepo', () => {
    it('round-trips verified and unverified notifications', () =>
      run(async (notifications) => {
        const verified = notification({ id: 'ntf_1' });
        const unverified = notification({
          id: 'ntf_2',
          providerEventId: null,
          eventType: null,
          verified: false,
          verificationError: 'signature mismatch',
          headers: {},
          body: 'not json',
          receivedAt: 4_102_444_800_000,
        });
        assert.deepEqual(await notifications.insert(verified), { duplicateOf: null });
        assert.deepEqual(await notifications.insert(unverified), { duplicateOf: null });
        assert.deepEqual(await notifications.get('ntf_1'), verified);
        assert.deepEqual(await notifications.get('ntf_2'), unverified);
        assert.equal(await notifications.get('ntf_missing'), undefined);
      }));

    it('purges what is past its retention, unverified requests sooner than verified news', () =>
      run(async (notifications) => {
        const DAY = 24 * 60 * 60_000;
        const unverified = { providerEventId: null, eventType: null, verified: false, verificationError: 'bad' };
        await notifications.insert(notification({ id: 'ntf_old_v', providerEventId: 'e1', receivedAt: T0 }));
        await notifications.insert(notification({ id: 'ntf_new_v', providerEventId: 'e2', receivedAt: T0 + 80 * DAY }));
        await notifications.insert(notification({ id: 'ntf_old_u', ...unverified, receivedAt: T0 + 80 * DAY }));
        await notifications.insert(notification({ id: 'ntf_new_u', ...unverified, receivedAt: T0 + 89 * DAY }));
        const now = T0 + 91 * DAY;
        assert.equal(await notifications.purgeReceivedBefore(now - 90 * DAY, now - 7 * DAY), 2);
        assert.equal(await notifications.get('ntf_old_v'), undefined);
        assert.equal(await notifications.get('ntf_old_u'), undefined);
        assert.ok(await notifications.get('ntf_new_v'));
        assert.ok(await notifications.get('ntf_new_u'));
      }));

    it('points a verified repeat at the first verified notification of its event', () =>
      run(async (notifications, { db }) => {
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_1' })), { duplicateOf: null });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_2' })), { duplicateOf: 'ntf_1' });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_3' })), { duplicateOf: 'ntf_1' });
        const rows = await db
          .selectFrom('provider_notifications')
          .select(['id', 'duplicate_of'])
          .orderBy('id')
          .execute();
        assert.deepEqual(rows, [
          { id: 'ntf_1', duplicate_of: null },
          { id: 'ntf_2', duplicate_of: 'ntf_1' },
          { id: 'ntf_3', duplicate_of: 'ntf_1' },
        ]);
      }));

    it('counts only verified notifications of the same connector account and event', () =>
      run(async (notifications) => {
        const forged = { verified: false, verificationError: 'bad signature' } as const;
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_1', ...forged })), { duplicateOf: null });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_2' })), { duplicateOf: null });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_3', ...forged })), { duplicateOf: null });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_4', connectorAccountId: 'ca_2' })), {
          duplicateOf: null,
        });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_5', providerEventId: 'evt_provider_2' })), {
          duplicateOf: null,
        });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_6', providerEventId: null })), {
          duplicateOf: null,
        });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_7', providerEventId: null })), {
          duplicateOf: null,
        });
        assert.deepEqual(await notifications.insert(notification({ id: 'ntf_8' })), { duplicateOf: 'ntf_2' });
      }));

    it('refuses a notification id twice', () =>
      run(async (notifications) => {
        await notifications.insert(notification({ id: 'ntf_1' }));
        await assert.rejects(notifications.insert(notification({ id: 'ntf_1', providerEventId: 'other' })));
        await assert.rejects(notifications.insert(notification({ id: 'ntf_1', verified: false })));
      }));

    it('marks a notification processed', () =>
      run(async (notifications, { db }) => {
        await notifications.insert(notification({ id: 'ntf_1' }));
        await notifications.markProcessed('ntf_1', 'applied', 'pay_1', T0 + 5);
        await notifications.markProcessed('ntf_missing', 'applied', null, T0 + 5);
        const raw = await db
          .selectFrom('provider_notifications')
          .select(['result', 'payment_id', 'processed_at'])
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          { ...raw, processed_at: Number(raw.processed_at) },
          {
            result: 'applied',
            payment_id: 'pay_1',
            processed_at: T0 + 5,
          },
        );
        await notifications.markProcessed('ntf_1', 'payment_not_found', null, T0 + 6);
        assert.equal(
          (await db.selectFrom('provider_notifications').select('payment_id').executeTakeFirstOrThrow()).payment_id,
          null,
        );
      }));

    it('gives exactly one of several concurrent verified duplicates duplicateOf null', async () => {
      const CONNECTIONS = 4;
      const ROUNDS = 10;
      const shared = await kind.openShared();
      const handles: Database[] = [];
      try {
        for (let i = 0; i < CONNECTIONS; i++) handles.push(await shared.open());
        const repos = handles.map((h) => createProviderNotificationRepo(h.db));
        for (let round = 0; round < ROUNDS; round++) {
          const results = await Promise.all(
            repos.map((repo, i) =>
              repo.insert(notification({ id: `ntf_${round}_${i}`, providerEventId: `evt_provider_${round}` })),
            ),
          );
          const firsts = results.filter((r) => r.duplicateOf === null);
          assert.equal(firsts.length, 1, `round ${round}: ${JSON.stringify(results)}`);
          const winner = `ntf_${round}_${results.indexOf(firsts[0] as (typeof results)[number])}`;
          assert.ok(results.every((r) => r.duplicateOf === null || r.duplicateOf === winner));
        }
      } finally {
        for (const h of handles) await h.close();
        await shared.dispose();
      }
    });
  });
});

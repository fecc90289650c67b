import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import { createManualClock } from '../../core/clock.ts';
import type { DomainEvent, NewJob, ProviderNotification, WebhookEndpoint } from '../../core/event-ports.ts';
import { createIdGenerator, isId } from '../../core/ids.ts';
import type { Payment } from '../../core/payment/payment.ts';
import type { Database } from '../db.ts';
import { createSecretBox } from '../secret-box.ts';
import { createRepos, type Repos } from './index.ts';
import { WEBHOOK_MAX_ATTEMPTS } from './outbox.ts';

const T0 = Date.UTC(2026, 0, 1);

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: 'pay_01',
    accountId: 'acct_1',
    mode: 'test',
    status: 'requires_action',
    amount: 1_500,
    currency: 'QAR',
    paymentMethod: 'qpay',
    connector: 'checkout_com',
    connectorAccountId: 'ca_1',
    providerPaymentId: 'pp_1',
    providerStatus: 'Pending',
    nextActionUrl: null,
    returnUrl: 'https://merchant.test/back',
    reference: null,
    description: null,
    customer: null,
    metadata: {},
    failureCode: null,
    failureMessage: null,
    expiresAt: null,
    amountRefunded: 0,
    amountRefundPending: 0,
    canceledBy: null,
    capturedAfterCancel: false,
    connectorAttempts: [],
    parts: [],
    capturedAt: null,
    createdAt: T0,
    updatedAt: T0,
    version: 0,
    ...overrides,
  };
}

function event(id: string, overrides: Partial<DomainEvent> = {}): DomainEvent {
  return {
    id,
    accountId: 'acct_1',
    mode: 'test',
    type: 'payment.captured',
    objectId: 'pay_01',
    data: { id: 'pay_01', status: 'captured', amount: 1_500, nested: { ok: true } },
    createdAt: T0 + 1_000,
    ...overrides,
  };
}

function endpoint(id: string, overrides: Partial<WebhookEndpoint> = {}): WebhookEndpoint {
  return {
    id,
    accountId: 'acct_1',
    mode: 'test',
    url: `https://merchant.test/hooks/${id}`,
    enabledEvents: ['*'],
    status: 'enabled',
    disabledReason: null,
    description: null,
    secret: `whsec_${id}`,
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function notification(id: string, overrides: Partial<ProviderNotification> = {}): ProviderNotification {
  return {
    id,
    connector: 'checkout_com',
    connectorAccountId: 'ca_1',
    providerEventId: 'E-1',
    eventType: 'payment_captured',
    verified: true,
    verificationError: null,
    headers: { 'content-type': 'application/json' },
    body: '{"id":"E-1"}',
    receivedAt: T0 + 1_500,
    ...overrides,
  };
}

function reconcile(id: string, runAt: number): NewJob {
  return {
    id,
    queue: 'reconcile_payment',
    payload: { payment_id: 'pay_01' },
    runAt,
    maxAttempts: 5,
    dedupeKey: 'reconcile:pay_01',
  };
}

forEachDatabase((kind) => {
  const run = (fn: (repos: Repos, database: Database) => Promise<void>) =>
    withDatabase(kind, async (database) => {
      const repos = createRepos(database, createSecretBox(randomBytes(32)), createIdGenerator(createManualClock(T0)));
      await repos.accounts.createAccount({ id: 'acct_1', name: 'M', createdAt: T0 });
      await repos.accounts.createAccount({ id: 'acct_2', name: 'N', createdAt: T0 });
      await fn(repos, database);
    });
  const count = async ({ db }: Database, table: 'events' | 'webhook_deliveries' | 'jobs') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  describe('PaymentRepo with an outbox', () => {
    it('insert stores the payment, its events and its jobs together', () =>
      run(async ({ payments, events }, database) => {
        const created = event('evt_1', { type: 'payment.created', createdAt: T0 });
        await payments.insert(payment(), { events: [created], jobs: [reconcile('job_r', T0 + 60_000)] });
        assert.equal((await payments.getById('pay_01'))?.id, 'pay_01');
        assert.deepEqual(await events.getById('evt_1'), created);
        const jobs = await database.db.selectFrom('jobs').selectAll().execute();
        assert.deepEqual(
          jobs.map((j) => [j.id, j.queue, Number(j.run_at), Number(j.created_at)]),
          [['job_r', 'reconcile_payment', T0 + 60_000, T0]],
        );
      }));

    it('insert writes nothing when part of its outbox fails', () =>
      run(async ({ payments }, database) => {
        await payments.insert(payment({ id: 'pay_00', providerPaymentId: null }), { events: [event('evt_1')] });
        await assert.rejects(
          payments.insert(payment(), { events: [event('evt_2'), event('evt_1')], jobs: [reconcile('job_r', T0)] }),
        );
        assert.equal(await payments.getById('pay_01'), undefined);
        assert.equal(await count(database, 'events'), 1);
        assert.equal(await count(database, 'jobs'), 0);
      }));

    it('update with a stale version writes no event, delivery or job', () =>
      run(async ({ payments, webhookEndpoints }, database) => {
        await webhookEndpoints.create(endpoint('we_1'));
        await payments.insert(payment());
        assert.equal(await payments.update(payment({ status: 'processing' }), 0), true);
        const stale = await payments.update(payment({ status: 'captured' }), 0, {
          events: [event('evt_1')],
          jobs: [reconcile('job_r', T0)],
        });
        assert.equal(stale, false);
        assert.equal((await payments.getById('pay_01'))?.status, 'processing');
        for (const table of ['events', 'webhook_deliveries', 'jobs'] as const) {
          assert.equal(await count(database, table), 0, table);
        }
        // The same outbox with the right version goes in whole.
        assert.equal(
          await payments.update(payment({ status: 'captured' }), 1, {
            events: [event('evt_1')],
            jobs: [reconcile('job_r', T0)],
          }),
          true,
        );
        assert.deepEqual(
          [await count(database, 'events'), await count(database, 'webhook_deliveries'), await count(database, 'jobs')],
          [1, 1, 2],
        );
      }));

    it('stores the notification that brought a change with it, or not at all when the change loses', () =>
      run(async ({ payments, notifications }, database) => {
        const stored = () =>
          database.db
            .selectFrom('provider_notifications')
            .select(['id', 'result', 'payment_id', 'processed_at', 'duplicate_of'])
            .orderBy('id')
            .execute();
        await payments.insert(payment());
        assert.equal(await payments.update(payment({ status: 'processing' }), 0), true);
        const processed = { result: 'applied', paymentId: 'pay_01', at: T0 + 2_000 };
        const lost = await payments.update(payment({ status: 'captured' }), 0, {
          events: [event('evt_1')],
          notification: notification('ntf_1', { processed }),
        });
        assert.equal(lost, false);
        assert.equal(await notifications.get('ntf_1'), undefined);
        assert.equal(await notifications.firstOf('ca_1', 'E-1'), undefined);
        const won = await payments.update(payment({ status: 'captured' }), 1, {
          events: [event('evt_1')],
          notification: notification('ntf_1', { processed }),
        });
        assert.equal(won, true);
        assert.deepEqual(await notifications.get('ntf_1'), notification('ntf_1'));
        assert.equal(await notifications.firstOf('ca_1', 'E-1'), 'ntf_1');
        // A repeat of the same provider event, stored with a later change, is its duplicate.
        assert.equal(
          await payments.update(payment({ status: 'captured', providerStatus: 'Captured' }), 2, {
            notification: notification('ntf_2', { processed }),
          }),
          true,
        );
        assert.equal(await notifications.firstOf('ca_1', 'E-1'), 'ntf_1');
        assert.deepEqual(
          (await stored()).map((r) => [r.id, r.result, r.payment_id, Number(r.processed_at), r.duplicate_of]),
          [
            ['ntf_1', 'applied', 'pay_01', T0 + 2_000, null],
            ['ntf_2', 'applied', 'pay_01', T0 + 2_000, 'ntf_1'],
          ],
        );
      }));

    it('signals, after the commit, the earliest time a written job is due; nothing for a lost change', () =>
      withDatabase(kind, async (database) => {
        const heard: number[] = [];
        const repos = createRepos(
          database,
          createSecretBox(randomBytes(32)),
          createIdGenerator(createManualClock(T0)),
          (runAt) => heard.push(runAt),
        );
        await repos.accounts.createAccount({ id: 'acct_1', name: 'M', createdAt: T0 });
        await repos.webhookEndpoints.create(endpoint('we_1'));
        await repos.payments.insert(payment(), { jobs: [reconcile('job_r', T0 + 60_000)] });
        assert.deepEqual(heard, [T0 + 60_000]);
        assert.equal(
          await repos.payments.update(payment({ status: 'captured' }), 1, { events: [event('evt_1')] }),
          false,
        );
        assert.deepEqual(heard, [T0 + 60_000]);
        assert.equal(
          await repos.payments.update(payment({ status: 'captured' }), 0, { events: [event('evt_1')] }),
          true,
        );
        assert.deepEqual(heard, [T0 + 60_000, T0 + 1_000]);
        await repos.payments.update(payment({ status: 'captured', providerStatus: 'x' }), 1);
        assert.equal(heard.length, 2);
      }));

    it('fans an event out only to enabled endpoints of its account and mode subscribed to its type', () =>
      run(async ({ payments, webhookEndpoints, webhookDeliveries, jobs }) => {
        const endpoints = [
          endpoint('we_a', { enabledEvents: ['payment.failed', 'payment.captured'] }),
          endpoint('we_b', { enabledEvents: ['*'] }),
          endpoint('we_c', { enabledEvents: ['payment.failed'] }),
          endpoint('we_d', { status: 'disabled', disabledReason: 'too many failures' }),
          endpoint('we_e', { mode: 'live' }),
          endpoint('we_f', { accountId: 'acct_2' }),
          endpoint('we_g', { enabledEvents: [] }),
        ];
        for (const e of endpoints) await webhookEndpoints.create(e);
        await payments.insert(payment());
        const captured = event('evt_1');
        assert.equal(await payments.update(payment({ status: 'captured' }), 0, { events: [captured] }), true);

        const claimed = await jobs.claim('w1', captured.createdAt, 30_000, 100);
        assert.equal(claimed.length, 2);
        const deliveries = await Promise.all(claimed.map((j) => webhookDeliveries.get(j.payload.delivery_id ?? '')));
        assert.deepEqual(deliveries.map((d) => d?.endpointId).sort(), ['we_a', 'we_b']);
        for (const [index, job] of claimed.entries()) {
          const delivery = deliveries[index];
          assert.ok(delivery);
          assert.ok(isId(delivery.id, 'whd'), delivery.id);
          assert.ok(isId(job.id, 'job'), job.id);
          assert.deepEqual(delivery, {
            id: delivery.id,
            endpointId: delivery.endpointId,
            eventId: 'evt_1',
            accountId: 'acct_1',
            mode: 'test',
            status: 'pending',
            attempts: 0,
            nextAttemptAt: captured.createdAt,
            lastStatusCode: null,
            createdAt: captured.createdAt,
            updatedAt: captured.createdAt,
          });
          assert.deepEqual(
            [job.queue, job.payload, job.runAt, job.maxAttempts, job.groupKey, job.dedupeKey, job.createdAt],
            [
              'deliver_webhook',
              { delivery_id: delivery.id },
              captured.createdAt,
              WEBHOOK_MAX_ATTEMPTS,
              delivery.endpointId,
              undefined,
              captured.createdAt,
            ],
          );
        }
      }));

    it('fans several events of one outbox out by type', () =>
      run(async ({ payments, webhookEndpoints, webhookDeliveries }, database) => {
        await webhookEndpoints.create(endpoint('we_a', { enabledEvents: ['payment.created'] }));
        await webhookEndpoints.create(endpoint('we_b', { enabledEvents: ['payment.created', 'payment.captured'] }));
        await payments.insert(payment(), {
          events: [
            event('evt_1', { type: 'payment.created' }),
            event('evt_2', { type: 'payment.captured' }),
            event('evt_3', { type: 'payment.refunded' }),
          ],
        });
        const rows = await database.db
          .selectFrom('webhook_deliveries')
          .select(['event_id', 'endpoint_id'])
          .orderBy('event_id')
          .orderBy('endpoint_id')
          .execute();
        assert.deepEqual(
          rows.map((r) => [r.event_id, r.endpoint_id]),
          [
            ['evt_1', 'we_a'],
            ['evt_1', 'we_b'],
            ['evt_2', 'we_b'],
          ],
        );
        const page = await webhookDeliveries.listForEndpoint('we_b', { limit: 10 });
        assert.deepEqual(page.data.map((d) => d.eventId).sort(), ['evt_1', 'evt_2']);
        assert.equal(await count(database, 'jobs'), 3);
      }));

    it('dedupes outbox jobs by key, keeping one row at the earlier run_at', () =>
      run(async ({ payments }, database) => {
        await payments.insert(payment(), { jobs: [reconcile('job_1', T0 + 60_000)] });
        await payments.update(payment(), 0, { jobs: [reconcile('job_2', T0 + 30_000)] });
        await payments.update(payment(), 1, { jobs: [reconcile('job_3', T0 + 90_000)] });
        // Twice in one outbox: merged before the insert.
        await payments.update(payment(), 2, {
          jobs: [reconcile('job_4', T0 + 40_000), reconcile('job_5', T0 + 20_000)],
        });
        const rows = await database.db.selectFrom('jobs').selectAll().execute();
        assert.deepEqual(
          rows.map((r) => [r.id, r.dedupe_key, Number(r.run_at)]),
          [['job_1', 'reconcile:pay_01', T0 + 20_000]],
        );
      }));
  });

  describe('PaymentRepo.findByProviderId', () => {
    it('finds a payment by connector account and provider id only', () =>
      run(async ({ payments }) => {
        await payments.insert(payment());
        await payments.insert(payment({ id: 'pay_02', connectorAccountId: 'ca_2' }));
        await payments.insert(payment({ id: 'pay_03', providerPaymentId: null }));
        assert.deepEqual(await payments.findByProviderId('ca_1', 'pp_1'), payment());
        assert.equal((await payments.findByProviderId('ca_2', 'pp_1'))?.id, 'pay_02');
        assert.equal(await payments.findByProviderId('ca_1', 'pp_missing'), undefined);
        assert.equal(await payments.findByProviderId('ca_3', 'pp_1'), undefined);
      }));
  });
});

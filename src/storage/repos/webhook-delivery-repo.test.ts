import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import { createManualClock } from '../../core/clock.ts';
import type { DomainEvent, NewJob, WebhookAttempt, WebhookDelivery } from '../../core/event-ports.ts';
import { createIdGenerator } from '../../core/ids.ts';
import type { Database } from '../db.ts';
import { createSecretBox } from '../secret-box.ts';
import { createRepos, type Repos } from './index.ts';
import { writeOutbox } from './outbox.ts';

const T0 = Date.UTC(2026, 0, 1);

function event(id: string, createdAt: number): DomainEvent {
  return {
    id,
    accountId: 'acct_1',
    mode: 'test',
    type: 'payment.captured',
    objectId: 'pay_1',
    data: { id: 'pay_1' },
    createdAt,
  };
}

function attempt(overrides: Partial<WebhookAttempt> & Pick<WebhookAttempt, 'id' | 'deliveryId'>): WebhookAttempt {
  return {
    attemptedAt: T0 + 1_000,
    statusCode: 503,
    error: null,
    latencyMs: 120,
    responseExcerpt: '<html>Service Unavailable',
    ...overrides,
  };
}

function redeliveryJob(id: string, deliveryId: string, runAt: number): NewJob {
  return {
    id,
    queue: 'deliver_webhook',
    payload: { delivery_id: deliveryId },
    runAt,
    maxAttempts: 8,
    groupKey: 'we_1',
  };
}

forEachDatabase((kind) => {
  /** Seeds one endpoint and `n` events a second apart; returns the deliveries, newest first. */
  const run = (n: number, fn: (repos: Repos, deliveries: WebhookDelivery[], database: Database) => Promise<void>) =>
    withDatabase(kind, async (database) => {
      const ids = createIdGenerator(createManualClock(T0));
      const repos = createRepos(database, createSecretBox(randomBytes(32)), ids);
      await repos.accounts.createAccount({ id: 'acct_1', name: 'M', createdAt: T0 });
      await repos.webhookEndpoints.create({
        id: 'we_1',
        accountId: 'acct_1',
        mode: 'test',
        url: 'https://merchant.test/hooks',
        enabledEvents: ['*'],
        status: 'enabled',
        disabledReason: null,
        description: null,
        secret: 'whsec_1',
        previousSecret: null,
        previousSecretExpiresAt: null,
        createdAt: T0,
        updatedAt: T0,
      });
      for (let i = 0; i < n; i++) {
        await writeOutbox(database.db, ids, { events: [event(`evt_${i}`, T0 + i * 1_000)] }, T0);
      }
      const rows = await database.db.selectFrom('webhook_deliveries').select('id').orderBy('id', 'desc').execute();
      const deliveries = await Promise.all(
        rows.map(async (r) => (await repos.webhookDeliveries.get(r.id)) as WebhookDelivery),
      );
      await fn(repos, deliveries, database);
    });

  describe('WebhookDeliveryRepo', () => {
    it('gets a delivery; an unknown id is undefined', () =>
      run(1, async ({ webhookDeliveries }, [delivery]) => {
        assert.equal(delivery?.eventId, 'evt_0');
        assert.equal(delivery?.endpointId, 'we_1');
        assert.equal(await webhookDeliveries.get('whd_missing'), undefined);
      }));

    it('lists an endpoint’s deliveries newest first, with cursors both ways', () =>
      run(7, async ({ webhookDeliveries }, deliveries) => {
        const all = deliveries.map((d) => d.id);
        const idsOf = (page: { data: WebhookDelivery[] }) => page.data.map((d) => d.id);
        const first = await webhookDeliveries.listForEndpoint('we_1', { limit: 3 });
        assert.deepEqual(idsOf(first), all.slice(0, 3));
        assert.equal(first.hasMore, true);
        const next = await webhookDeliveries.listForEndpoint('we_1', { limit: 3, startingAfter: all[2] });
        assert.deepEqual(idsOf(next), all.slice(3, 6));
        const end = await webhookDeliveries.listForEndpoint('we_1', { limit: 3, startingAfter: all[5] });
        assert.deepEqual([idsOf(end), end.hasMore], [all.slice(6), false]);
        const above = await webhookDeliveries.listForEndpoint('we_1', { limit: 2, endingBefore: all[4] });
        assert.deepEqual([idsOf(above), above.hasMore], [all.slice(2, 4), true]);
        assert.deepEqual(await webhookDeliveries.listForEndpoint('we_other', { limit: 3 }), {
          data: [],
          hasMore: false,
        });
        await assert.rejects(webhookDeliveries.listForEndpoint('we_1', { limit: 0 }), /positive integer/);
      }));

    it('records attempts with the delivery’s new state; lists attempts oldest first', () =>
      run(1, async ({ webhookDeliveries }, [delivery]) => {
        assert.ok(delivery);
        const failed = attempt({ id: 'wha_1', deliveryId: delivery.id });
        await webhookDeliveries.recordAttempt(failed, {
          status: 'pending',
          attempts: 1,
          nextAttemptAt: T0 + 61_000,
          lastStatusCode: 503,
          updatedAt: T0 + 1_000,
        });
        const timedOut = attempt({
          id: 'wha_2',
          deliveryId: delivery.id,
          attemptedAt: T0 + 61_000,
          statusCode: null,
          error: 'timeout',
          latencyMs: 10_000,
          responseExcerpt: null,
        });
        await webhookDeliveries.recordAttempt(timedOut, {
          status: 'failed',
          attempts: 2,
          nextAttemptAt: null,
          lastStatusCode: null,
          updatedAt: T0 + 71_000,
        });
        assert.deepEqual(await webhookDeliveries.attempts(delivery.id), [failed, timedOut]);
        assert.deepEqual(await webhookDeliveries.get(delivery.id), {
          ...delivery,
          status: 'failed',
          attempts: 2,
          nextAttemptAt: null,
          lastStatusCode: null,
          updatedAt: T0 + 71_000,
        });
        assert.deepEqual(await webhookDeliveries.attempts('whd_missing'), []);
      }));

    it('completes the job that made a last attempt in the same transaction, only if that worker holds it', () =>
      run(1, async ({ webhookDeliveries, jobs }, [delivery]) => {
        assert.ok(delivery);
        const [job] = await jobs.claim('w1', T0 + 10_000, 30_000, 10);
        assert.ok(job);
        const next = {
          status: 'succeeded',
          attempts: 1,
          nextAttemptAt: null,
          lastStatusCode: 200,
          updatedAt: T0,
        } as const;
        // Another worker's record does not touch the job; a failed record completes nothing.
        await webhookDeliveries.recordAttempt(attempt({ id: 'wha_1', deliveryId: delivery.id }), next, {
          jobId: job.id,
          workerId: 'w2',
        });
        assert.equal(await jobs.pendingCount(), 1);
        await assert.rejects(
          webhookDeliveries.recordAttempt(attempt({ id: 'wha_1', deliveryId: delivery.id }), next, {
            jobId: job.id,
            workerId: 'w1',
          }),
        );
        assert.equal(await jobs.pendingCount(), 1);
        await webhookDeliveries.recordAttempt(attempt({ id: 'wha_2', deliveryId: delivery.id }), next, {
          jobId: job.id,
          workerId: 'w1',
        });
        assert.equal(await jobs.pendingCount(), 0);
        assert.equal((await webhookDeliveries.attempts(delivery.id)).length, 2);
      }));

    it('records nothing when the attempt or the delivery cannot be written', () =>
      run(1, async ({ webhookDeliveries }, [delivery]) => {
        assert.ok(delivery);
        const next = {
          status: 'succeeded',
          attempts: 1,
          nextAttemptAt: null,
          lastStatusCode: 200,
          updatedAt: T0 + 5,
        } as const;
        await assert.rejects(
          webhookDeliveries.recordAttempt(attempt({ id: 'wha_1', deliveryId: 'whd_missing' }), next),
          /does not exist/,
        );
        await webhookDeliveries.recordAttempt(attempt({ id: 'wha_1', deliveryId: delivery.id }), {
          ...next,
          status: 'pending',
        });
        // A second attempt reusing the id fails, and the delivery keeps its state.
        await assert.rejects(webhookDeliveries.recordAttempt(attempt({ id: 'wha_1', deliveryId: delivery.id }), next));
        assert.equal((await webhookDeliveries.get(delivery.id))?.status, 'pending');
        assert.equal((await webhookDeliveries.attempts(delivery.id)).length, 1);
      }));

    it('redeliver marks the delivery pending and enqueues its job together', () =>
      run(1, async ({ webhookDeliveries, jobs }, [delivery], database) => {
        assert.ok(delivery);
        await database.db.deleteFrom('jobs').execute(); // the original delivery job is done
        await webhookDeliveries.recordAttempt(attempt({ id: 'wha_1', deliveryId: delivery.id }), {
          status: 'failed',
          attempts: 8,
          nextAttemptAt: null,
          lastStatusCode: 500,
          updatedAt: T0 + 2_000,
        });
        await webhookDeliveries.redeliver(delivery.id, redeliveryJob('job_again', delivery.id, T0 + 9_000), T0 + 8_000);
        assert.deepEqual(await webhookDeliveries.get(delivery.id), {
          ...delivery,
          status: 'pending',
          attempts: 8,
          nextAttemptAt: T0 + 9_000,
          lastStatusCode: 500,
          updatedAt: T0 + 8_000,
        });
        const claimed = await jobs.claim('w1', T0 + 9_000, 1_000, 10);
        assert.deepEqual(
          claimed.map((j) => [j.id, j.payload, j.createdAt]),
          [['job_again', { delivery_id: delivery.id }, T0 + 8_000]],
        );
      }));

    it('redeliver changes nothing when the delivery is missing or the job cannot be added', () =>
      run(1, async ({ webhookDeliveries }, [delivery], database) => {
        assert.ok(delivery);
        await assert.rejects(
          webhookDeliveries.redeliver('whd_missing', redeliveryJob('job_x', 'whd_missing', T0), T0),
          /does not exist/,
        );
        const existingJob = await database.db.selectFrom('jobs').select('id').executeTakeFirstOrThrow();
        await database.db.updateTable('webhook_deliveries').set({ status: 'failed' }).execute();
        await assert.rejects(
          webhookDeliveries.redeliver(delivery.id, redeliveryJob(existingJob.id, delivery.id, T0 + 9_000), T0 + 8_000),
        );
        assert.equal((await webhookDeliveries.get(delivery.id))?.status, 'failed');
        const jobCount = await database.db.selectFrom('jobs').select('id').execute();
        assert.equal(jobCount.length, 1);
      }));
  });
});

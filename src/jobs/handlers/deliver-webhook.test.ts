import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../core/clock.ts';
import type {
  DomainEvent,
  EventRepo,
  Job,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryRepo,
  WebhookEndpoint,
  WebhookEndpointRepo,
} from '../../core/event-ports.ts';
import { createIdGenerator } from '../../core/ids.ts';
import type { Mode } from '../../core/payment/payment.ts';
import { createGuardedAgent } from '../../net/guarded-agent.ts';
import { type DeliverDeps, deliverWebhook } from './deliver-webhook.ts';

let server: Server;
let port = 0;
let hits = 0;
before(async () => {
  server = createServer((req, res) => {
    hits += 1;
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('internal answer');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
// Only this resolver knows the name: it stands for a merchant's host that resolves inside.
const guard = createGuardedAgent({
  resolve: async (hostname) => {
    if (hostname === 'hooks.shop.example') return [{ address: '127.0.0.1', family: 4 }];
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  },
});
after(async () => {
  await guard.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** One endpoint, one event and one delivery, kept in memory. */
function world(mode: Mode, url: string) {
  const clock = createManualClock(Date.UTC(2026, 0, 1));
  const endpoint: WebhookEndpoint = {
    id: 'we_1',
    accountId: 'acct_1',
    mode,
    url,
    enabledEvents: ['*'],
    status: 'enabled',
    disabledReason: null,
    description: null,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: 0,
    updatedAt: 0,
  };
  const event: DomainEvent = {
    id: 'evt_1',
    accountId: 'acct_1',
    mode,
    type: 'payment.captured',
    objectId: 'pay_1',
    data: { id: 'pay_1', object: 'payment' },
    createdAt: 0,
  };
  let delivery: WebhookDelivery = {
    id: 'whd_1',
    endpointId: 'we_1',
    eventId: 'evt_1',
    accountId: 'acct_1',
    mode,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: 0,
    lastStatusCode: null,
    createdAt: 0,
    updatedAt: 0,
  };
  const attempts: WebhookAttempt[] = [];
  const deliveries = {
    get: async () => delivery,
    recordAttempt: async (attempt: WebhookAttempt, next: Partial<WebhookDelivery>) => {
      attempts.push(attempt);
      delivery = { ...delivery, ...next };
    },
  } as unknown as WebhookDeliveryRepo;
  const endpoints = { getById: async () => endpoint, update: async () => {} } as unknown as WebhookEndpointRepo;
  const events = { getById: async () => event } as unknown as EventRepo;
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const deps: DeliverDeps = {
    deliveries,
    endpoints,
    events,
    ids: createIdGenerator(clock),
    clock,
    log: silent,
    liveDispatcher: guard,
    timeoutMs: 2000,
  };
  const job = { id: 'job_1', queue: 'deliver_webhook', payload: { delivery_id: 'whd_1' } } as unknown as Job;
  return { deps, job, attempts, delivery: () => delivery };
}

describe('deliverWebhook and the address policy', () => {
  for (const host of ['hooks.shop.example', '[::ffff:127.0.0.1]', '127.0.0.1']) {
    test(`a live endpoint at ${host} is refused: recorded, unsent, not retried`, async () => {
      const before = hits;
      const w = world('live', `https://${host}:${port}/hooks`);
      const result = await deliverWebhook(w.deps, w.job);
      assert.equal(result, undefined, 'no retry is scheduled');
      assert.equal(hits, before, 'nothing reached the address');
      const [attempt] = w.attempts;
      assert.equal(w.attempts.length, 1);
      assert.match(
        attempt?.error ?? '',
        /^address not allowed: .* live-mode webhooks reach public addresses only; nothing was sent$/,
      );
      // What a name resolves to inside, and which range that is, stay in the operator's log.
      assert.doesNotMatch(attempt?.error ?? '', host.includes('.example') ? /127\.0\.0\.1|loopback/ : /loopback/);
      assert.equal(attempt?.statusCode, null);
      assert.equal(attempt?.responseExcerpt, null);
      assert.equal(attempt?.latencyMs, 0);
      assert.equal(w.delivery().status, 'failed');
      assert.equal(w.delivery().nextAttemptAt, null);
    });
  }

  test('a test-mode endpoint on loopback is delivered (the live guard is for live mode)', async () => {
    const before = hits;
    const w = world('test', `http://127.0.0.1:${port}/hooks`);
    assert.equal(await deliverWebhook(w.deps, w.job), undefined);
    assert.equal(hits, before + 1);
    assert.equal(w.delivery().status, 'succeeded');
    assert.equal(w.attempts[0]?.responseExcerpt, 'internal answer');
  });

  test('other failures of a live endpoint keep the retry schedule', async () => {
    const w = world('live', 'https://nowhere.shop.example/hooks');
    const result = await deliverWebhook(w.deps, w.job);
    assert.ok(result && 'retryAt' in result && result.retryAt > 0, 'retried later');
    assert.match(w.attempts[0]?.error ?? '', /ENOTFOUND/);
    assert.equal(w.delivery().status, 'pending');
  });
});

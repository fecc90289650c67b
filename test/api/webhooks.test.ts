import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { verifyWebhook } from '../../packages/sdk/src/webhooks.ts';
import { createManualClock } from '../../src/core/clock.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver, waitFor } from '../support/receiver.ts';

const clock = createManualClock(Date.now());
let gw: TestGateway;
let rx: Receiver;
before(async () => {
  gw = await createTestGateway({ start: { clock } });
  rx = await startReceiver();
});
after(async () => {
  await gw.close();
  await rx.close();
});

let n = 0;
const auth = (key = gw.merchant.key) => ({ authorization: `Bearer ${key}` });
async function createEndpoint(path: string, events: string[] = ['*'], key = gw.merchant.key) {
  const res = await gw.app.inject({
    method: 'POST',
    url: '/v1/webhook_endpoints',
    headers: { ...auth(key), 'idempotency-key': `we-${++n}` },
    payload: { url: `${rx.url}${path}`, enabled_events: events },
  });
  assert.equal(res.statusCode, 201, res.body);
  return res.json() as { id: string; secret: string; url: string };
}
async function deliveries(endpointId: string) {
  const res = await gw.app.inject({
    method: 'GET',
    url: `/v1/webhook_endpoints/${endpointId}/deliveries`,
    headers: auth(),
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data as {
    id: string;
    status: string;
    attempt_count: number;
    attempts: { status_code: number | null }[];
    event_type: string;
  }[];
}
const from = (path: string) => rx.received.filter((r) => r.path === path);

describe('webhook endpoints', () => {
  test('created with a whsec_ secret shown once; listed and fetched without it', async () => {
    const e = await createEndpoint('/crud');
    assert.match(e.secret, /^whsec_[A-Za-z0-9+/=]{30,}$/);
    const got = await gw.app.inject({ method: 'GET', url: `/v1/webhook_endpoints/${e.id}`, headers: auth() });
    assert.equal(got.json().secret, undefined);
    const list = await gw.app.inject({ method: 'GET', url: '/v1/webhook_endpoints', headers: auth() });
    assert.ok(list.json().data.some((x: { id: string }) => x.id === e.id));
    const theirs = await gw.app.inject({
      method: 'GET',
      url: `/v1/webhook_endpoints/${e.id}`,
      headers: auth(gw.other.key),
    });
    assert.equal(theirs.statusCode, 404);
    const del = await gw.app.inject({ method: 'DELETE', url: `/v1/webhook_endpoints/${e.id}`, headers: auth() });
    assert.equal(del.json().deleted, true);
  });

  test('a secret is never kept for replays: a retried create or rotation answers without it', async () => {
    const send = (url: string, payload: Record<string, unknown>, key: string) =>
      gw.app.inject({ method: 'POST', url, headers: { ...auth(), 'idempotency-key': key }, payload });
    const first = await send('/v1/webhook_endpoints', { url: `${rx.url}/once`, enabled_events: ['*'] }, 'we-once');
    assert.match(first.json().secret, /^whsec_/);
    const again = await send('/v1/webhook_endpoints', { url: `${rx.url}/once`, enabled_events: ['*'] }, 'we-once');
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(again.json().id, first.json().id);
    assert.equal(again.json().secret, undefined);
    const rotated = await send(`/v1/webhook_endpoints/${first.json().id}/rotate_secret`, {}, 'we-rot');
    assert.match(rotated.json().secret, /^whsec_/);
    const rotatedAgain = await send(`/v1/webhook_endpoints/${first.json().id}/rotate_secret`, {}, 'we-rot');
    assert.equal(rotatedAgain.json().secret, undefined);
    const stored = await gw.core.database.db.selectFrom('idempotency_keys').select('response_body').execute();
    assert.ok(!stored.some((r) => String(r.response_body).includes('whsec_')), 'no secret at rest in clear');
  });

  test('bad input names the field', async () => {
    for (const [payload, param] of [
      [{ url: 'ftp://x.example', enabled_events: ['*'] }, 'url'],
      [{ url: 'https://x.example', enabled_events: ['payment.paid'] }, 'enabled_events.0'],
      [{ url: 'https://x.example', enabled_events: [] }, 'enabled_events'],
      [{ url: 'https://x.example' }, 'enabled_events'],
      [{ url: 'https://x.example', enabled_events: ['*'], secret: 'mine' }, 'secret'],
    ] as const) {
      const res = await gw.app.inject({
        method: 'POST',
        url: '/v1/webhook_endpoints',
        headers: { ...auth(), 'idempotency-key': `bad-${++n}` },
        payload,
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.param, param, res.body);
    }
  });
});

describe('deliveries', () => {
  test('a receiver failing its first 3 deliveries gets the event on the 4th, on the fixed schedule', async () => {
    const e = await createEndpoint('/flaky', ['payment.requires_action']);
    rx.respond = (req, _i, res) => {
      const attempts = from('/flaky').length;
      if (req.path === '/flaky' && attempts <= 3) res.writeHead(500).end('not yet');
      else res.writeHead(200).end('ok');
    };
    const p = await gw.createPayment();
    await gw.worker.runDue();
    assert.equal(from('/flaky').length, 1);
    for (const [wait, expected] of [
      [5_000, 2],
      [5 * 60_000, 3],
      [30 * 60_000, 4],
    ] as const) {
      await gw.worker.runDue();
      assert.equal(from('/flaky').length, expected - 1, 'nothing before its time');
      clock.advance(wait);
      await gw.worker.runDue();
      assert.equal(from('/flaky').length, expected);
    }
    const [d] = await deliveries(e.id);
    assert.equal(d?.status, 'succeeded');
    assert.equal(d?.attempt_count, 4);
    assert.deepEqual(d?.attempts.map((a) => a.status_code).sort(), [200, 500, 500, 500]);
    const last = from('/flaky').at(-1);
    assert.ok(last);
    const event = (await verifyWebhook(last.body, last.headers as Record<string, string>, e.secret, {
      now: () => clock.now(),
    })) as { type: string; data: { object: { id: string } } };
    assert.equal(event.type, 'payment.requires_action');
    assert.equal(event.data.object.id, p.id);
    assert.equal(
      new Set(from('/flaky').map((r) => r.headers['webhook-id'])).size,
      1,
      'same webhook-id on every attempt',
    );
    rx.respond = (_r, _i, res) => {
      res.writeHead(200).end('ok');
    };
  });

  test('HTTP 410 disables the endpoint; redelivery after re-enabling delivers', async () => {
    const e = await createEndpoint('/gone', ['payment.requires_action']);
    rx.respond = (req, _i, res) => {
      res.writeHead(req.path === '/gone' ? 410 : 200).end();
    };
    await gw.createPayment();
    await gw.worker.runDue();
    const got = await gw.app.inject({ method: 'GET', url: `/v1/webhook_endpoints/${e.id}`, headers: auth() });
    assert.equal(got.json().status, 'disabled');
    assert.match(got.json().disabled_reason, /410/);
    const [d] = await deliveries(e.id);
    assert.equal(d?.status, 'failed');

    rx.respond = (_r, _i, res) => {
      res.writeHead(200).end('ok');
    };
    const enable = await gw.app.inject({
      method: 'POST',
      url: `/v1/webhook_endpoints/${e.id}`,
      headers: { ...auth(), 'idempotency-key': `en-${++n}` },
      payload: { status: 'enabled' },
    });
    assert.equal(enable.json().status, 'enabled');
    const re = await gw.app.inject({
      method: 'POST',
      url: `/v1/webhook_endpoints/${e.id}/deliveries/${d?.id}/redeliver`,
      headers: { ...auth(), 'idempotency-key': `re-${++n}` },
    });
    assert.equal(re.statusCode, 202, re.body);
    await gw.worker.runDue();
    const [after] = await deliveries(e.id);
    assert.equal(after?.status, 'succeeded');
    assert.equal(after?.attempt_count, 2);
  });

  test('a rotated secret signs alongside the old one until the overlap ends', async () => {
    const e = await createEndpoint('/rotate', ['payment.requires_action']);
    const rot = await gw.app.inject({
      method: 'POST',
      url: `/v1/webhook_endpoints/${e.id}/rotate_secret`,
      headers: { ...auth(), 'idempotency-key': `rot-${++n}` },
      payload: { expire_previous_in_seconds: 3600 },
    });
    assert.equal(rot.statusCode, 200, rot.body);
    const fresh = rot.json().secret as string;
    assert.notEqual(fresh, e.secret);
    await gw.createPayment();
    await gw.worker.runDue();
    const req = from('/rotate').at(-1);
    assert.ok(req);
    const headers = req.headers as Record<string, string>;
    assert.equal(headers['webhook-signature']?.split(' ').length, 2);
    await verifyWebhook(req.body, headers, fresh, { now: () => clock.now() });
    await verifyWebhook(req.body, headers, e.secret, { now: () => clock.now() });
    clock.advance(3601_000);
    await gw.createPayment();
    await gw.worker.runDue();
    const later = from('/rotate').at(-1);
    assert.ok(later && later !== req);
    assert.equal((later.headers['webhook-signature'] as string).split(' ').length, 1);
    await assert.rejects(
      verifyWebhook(later.body, later.headers as Record<string, string>, e.secret, { now: () => clock.now() }),
    );
  });

  test('events are listed and fetched per account', async () => {
    const p = await gw.createPayment();
    const list = await gw.app.inject({ method: 'GET', url: `/v1/events?object_id=${p.id}`, headers: auth() });
    assert.equal(list.statusCode, 200, list.body);
    const [evt] = list.json().data;
    assert.equal(evt.type, 'payment.requires_action');
    assert.equal(evt.data.object.id, p.id);
    const one = await gw.app.inject({ method: 'GET', url: `/v1/events/${evt.id}`, headers: auth() });
    assert.deepEqual(one.json(), evt);
    const theirs = await gw.app.inject({ method: 'GET', url: `/v1/events/${evt.id}`, headers: auth(gw.other.key) });
    assert.equal(theirs.statusCode, 404);
    const typed = await gw.app.inject({ method: 'GET', url: '/v1/events?type=payment.captured', headers: auth() });
    assert.ok(typed.json().data.every((x: { type: string }) => x.type === 'payment.captured'));
  });
});

describe('a slow endpoint does not hold up the others', () => {
  test('deliveries to a fast endpoint finish while a slow one still hangs', async () => {
    const g = await createTestGateway();
    const slowRx = await startReceiver();
    const fastRx = await startReceiver();
    const release: (() => void)[] = [];
    slowRx.respond = (_r, _i, res) =>
      new Promise<void>((resolve) => release.push(() => resolve(void res.writeHead(200).end())));
    try {
      for (const [r, path] of [
        [slowRx, '/slow'],
        [fastRx, '/fast'],
      ] as const) {
        const res = await g.app.inject({
          method: 'POST',
          url: '/v1/webhook_endpoints',
          headers: { authorization: `Bearer ${g.merchant.key}`, 'idempotency-key': `s-${path}` },
          payload: { url: `${r.url}${path}`, enabled_events: ['*'] },
        });
        assert.equal(res.statusCode, 201);
      }
      g.worker.start();
      for (let i = 0; i < 20; i++) await g.createPayment();
      await waitFor(() => fastRx.received.length === 20, 5000, 'all 20 fast deliveries');
      assert.ok(slowRx.received.length < 20, 'the slow endpoint is still being worked through');
    } finally {
      for (const r of release) r();
      await g.close();
      await slowRx.close();
      await fastRx.close();
    }
  });
});

describe('live-mode endpoints', () => {
  test('must be https and must not point at loopback or private addresses', async () => {
    const { issueApiKey } = await import('../../src/api-key-admin.ts');
    const { adminDeps } = await import('../../src/main.ts');
    const live = (await issueApiKey(adminDeps(gw.core), gw.merchant.accountId, 'live')).secret;
    const make = (url: string) =>
      gw.app.inject({
        method: 'POST',
        url: '/v1/webhook_endpoints',
        headers: { authorization: `Bearer ${live}`, 'idempotency-key': `live-${++n}` },
        payload: { url, enabled_events: ['*'] },
      });
    for (const url of [
      'http://shop.example/hooks',
      'https://localhost/hooks',
      'https://127.0.0.1:8443/x',
      'https://10.1.2.3/x',
      'https://192.168.1.5/x',
      'https://172.20.0.1/x',
      'https://169.254.169.254/latest',
      'https://[::1]/x',
    ]) {
      const res = await make(url);
      assert.equal(res.statusCode, 400, url);
      assert.equal(res.json().error.param, 'url', url);
    }
    assert.equal((await make('https://shop.example/hooks')).statusCode, 201);
  });
});

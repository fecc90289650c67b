import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { issueApiKey } from '../../src/api-key-admin.ts';
import { adminDeps } from '../../src/main.ts';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';

let gw: TestGateway;
let rx: Receiver;
let live = '';
let port = '';
before(async () => {
  gw = await createTestGateway();
  rx = await startReceiver();
  live = (await issueApiKey(adminDeps(gw.core), gw.merchant.accountId, 'live')).secret;
  port = new URL(rx.url).port;
});
after(async () => {
  await gw.close();
  await rx.close();
});

let n = 0;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

function createEndpoint(key: string, url: string) {
  return gw.app.inject({
    method: 'POST',
    url: '/v1/webhook_endpoints',
    headers: { ...auth(key), 'idempotency-key': `oa-${++n}` },
    payload: { url, enabled_events: ['*'] },
  });
}

function putConnector(key: string, connector: string, settings: Record<string, string>) {
  return gw.app.inject({
    method: 'PUT',
    url: `/v1/connectors/${connector}`,
    headers: auth(key),
    payload: { credentials: { secret_key: 'sk_live_0123456789' }, settings },
  });
}

function assertRefused(res: { statusCode: number; json(): unknown }, param: string, what: string) {
  assert.equal(res.statusCode, 400, what);
  const { error } = res.json() as { error: Record<string, unknown> };
  assert.equal(error.type, 'invalid_request_error', what);
  assert.equal(error.code, 'parameter_invalid', what);
  assert.equal(error.param, param, what);
  assert.match(String(error.message), new RegExp(`^${param.replace('.', '\\.')} must`), what);
  assert.match(String(error.request_id), /\S/, what);
}

describe('live-mode webhook endpoint URLs', () => {
  test('an IPv4-mapped loopback address is refused with 400 naming url', async () => {
    const res = await createEndpoint(live, `https://[::ffff:127.0.0.1]:${port}/`);
    assertRefused(res, 'url', 'mapped loopback');
    assert.equal(
      (res.json() as { error: { message: string } }).error.message,
      'url must not point to a loopback address (127.0.0.1) in live mode.',
    );
  });

  test('every spelling of a non-public address, and localhost, is refused', async () => {
    for (const url of [
      `https://[::ffff:7f00:1]:${port}/`,
      'https://[::ffff:169.254.169.254]/latest/meta-data/',
      'https://[::ffff:10.0.0.1]/',
      'https://[::]/',
      'https://[::1]/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://0177.0.0.1/',
      'https://127.0.0.1./',
      'https://0.0.0.0/',
      'https://100.64.0.1/',
      'https://[fd00::1]/',
      'https://[fe80::1]/',
      'https://localhost./',
      'https://shop.localhost/',
      `http://shop.example/hooks`,
    ]) {
      assertRefused(await createEndpoint(live, url), 'url', url);
    }
  });

  test('an update to a non-public address is refused too', async () => {
    const created = await createEndpoint(live, 'https://shop.example/hooks');
    assert.equal(created.statusCode, 201, created.body);
    const { id } = created.json() as { id: string };
    const res = await gw.app.inject({
      method: 'POST',
      url: `/v1/webhook_endpoints/${id}`,
      headers: { ...auth(live), 'idempotency-key': `oa-${++n}` },
      payload: { url: `https://[::ffff:127.0.0.1]:${port}/` },
    });
    assertRefused(res, 'url', 'update');
    const got = await gw.app.inject({ method: 'GET', url: `/v1/webhook_endpoints/${id}`, headers: auth(live) });
    assert.equal((got.json() as { url: string }).url, 'https://shop.example/hooks');
  });

  test('test mode still takes loopback', async () => {
    for (const url of [`${rx.url}/hooks`, `http://[::ffff:127.0.0.1]:${port}/hooks`, 'http://localhost/hooks']) {
      const res = await createEndpoint(gw.merchant.key, url);
      assert.equal(res.statusCode, 201, `${url}: ${res.body}`);
    }
  });
});

describe('live-mode connector base_url', () => {
  test('http, loopback, private, link-local, metadata and localhost are refused naming settings.base_url', async () => {
    for (const baseUrl of [
      'http://127.0.0.1:1234',
      'https://127.0.0.1:1234',
      `https://[::ffff:127.0.0.1]:${port}`,
      'https://10.0.0.5',
      'https://192.168.1.20',
      'https://169.254.169.254',
      'https://[::ffff:a9fe:a9fe]',
      'https://[fe80::1]',
      'https://localhost:8443',
      'http://api.tap.company',
    ]) {
      assertRefused(await putConnector(live, 'tap', { base_url: baseUrl }), 'settings.base_url', baseUrl);
    }
    const listed = await gw.app.inject({ method: 'GET', url: '/v1/connectors', headers: auth(live) });
    assert.deepEqual((listed.json() as { data: unknown[] }).data, [], 'nothing was stored');
  });

  test('a public https base_url is taken in live mode, loopback in test mode', async () => {
    const ok = await putConnector(live, 'tap', { base_url: 'https://api.tap.company' });
    assert.equal(ok.statusCode, 200, ok.body);
    const test = await putConnector(gw.merchant.key, 'tap', { base_url: 'http://127.0.0.1:1234' });
    assert.equal(test.statusCode, 200, test.body);
    assert.equal((test.json() as { settings: { base_url: string } }).settings.base_url, 'http://127.0.0.1:1234');
    await gw.app.inject({ method: 'DELETE', url: '/v1/connectors/tap', headers: auth(live) });
  });
});

describe('live connector calls are checked when connecting', () => {
  test('a stored loopback base_url is never called: the payment fails over, then stays unknown', async () => {
    // Stored directly, as a configuration made before this check (or by the CLI) would be.
    const { connectorAccounts, ids, clock } = adminDeps(gw.core);
    for (const [connector, priority] of [
      ['tap', 1],
      ['checkout_com', 2],
    ] as const) {
      await connectorAccounts.upsert({
        id: ids.next('ca'),
        accountId: gw.merchant.accountId,
        mode: 'live',
        connector,
        credentials: { secret_key: 'sk_live_0123456789' },
        settings: { base_url: `${rx.url.replace('127.0.0.1', '[::ffff:127.0.0.1]')}/provider` },
        priority,
        createdAt: clock.now(),
        updatedAt: clock.now(),
      });
    }
    const before = rx.received.length;
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...auth(live), 'idempotency-key': `oa-${++n}` },
      payload: PAYMENT_BODY,
    });
    assert.equal(res.statusCode, 202, res.body);
    const payment = res.json() as {
      status: string;
      livemode: boolean;
      connector: string;
      connector_attempts: { connector: string; outcome: string; reason: string }[];
    };
    assert.equal(payment.livemode, true);
    // Nothing reached the address, and no provider decided anything: not failed.
    assert.equal(rx.received.length, before);
    assert.equal(payment.status, 'processing');
    assert.equal(payment.connector, 'checkout_com');
    assert.deepEqual(
      payment.connector_attempts.map((a) => [a.connector, a.outcome, a.reason]),
      [['tap', 'unavailable', 'address_not_allowed']],
    );
  });
});

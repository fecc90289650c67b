import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Connector, ConnectorAccount } from '../core/connector-contract.ts';
import type { Mode } from '../core/payment/payment.ts';
import { createGuardedAgent } from '../net/guarded-agent.ts';
import { type HttpAnswer, MAX_RETRY_AFTER_MS, providerAnswer, retryAfterMs, sendHttp } from './http.ts';
import { CONNECTOR_FACTORIES } from './registry.ts';

let server: Server;
let baseUrl = '';
let hits = 0;
const guard = createGuardedAgent();

before(async () => {
  server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(503, { 'content-type': 'text/html' }).end('<html>down</html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await guard.close();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('sendHttp', () => {
  test('a refusal by the address policy is address_not_allowed, and nothing is sent', async () => {
    const before = hits;
    for (const url of [`${baseUrl}/payments`, baseUrl.replace('127.0.0.1', '[::ffff:127.0.0.1]')]) {
      const out = await sendHttp({ method: 'POST', url, headers: {}, body: '{}', timeoutMs: 2000, dispatcher: guard });
      assert.equal(out.kind, 'failure', url);
      assert.equal(out.kind === 'failure' && out.reason, 'address_not_allowed', url);
      assert.match(
        out.kind === 'failure' ? out.detail : '',
        /^address not allowed: 127\.0\.0\.1 is a loopback address; nothing was sent$/,
      );
    }
    assert.equal(hits, before);
  });
});

describe('providerAnswer: the one fault rule', () => {
  const at = (status: number, headers: HttpAnswer['headers'] = {}, text = ''): HttpAnswer => ({
    kind: 'answer',
    status,
    headers,
    text,
    durationMs: 1,
  });

  test('what is not the provider’s word on the call is unknown, with a reason', () => {
    const cases: [number, string][] = [
      [100, 'unexpected_response'],
      [199, 'unexpected_response'],
      [301, 'unexpected_response'],
      [304, 'unexpected_response'],
      [399, 'unexpected_response'],
      [408, 'timeout'],
      [409, 'unexpected_response'],
      [429, 'rate_limited'],
      [500, 'server_error'],
      [503, 'server_error'],
      [599, 'server_error'],
    ];
    for (const [status, reason] of cases) {
      const out = providerAnswer(at(status, {}, '<html>x</html>'));
      assert.equal(out.kind === 'unknown' && out.reason, reason, String(status));
      assert.equal(out.kind === 'unknown' && out.detail, `HTTP ${status}: <html>x</html>`);
    }
  });

  test('2xx and the other 4xx are the provider’s answer, for the operation to read', () => {
    for (const status of [200, 201, 202, 204, 400, 401, 403, 404, 410, 422]) {
      const answer = at(status);
      assert.equal(providerAnswer(answer), answer, String(status));
    }
  });

  test('no answer at all keeps the transport’s reason', () => {
    const out = providerAnswer({
      kind: 'failure',
      reason: 'connection_refused',
      detail: 'ECONNREFUSED',
      durationMs: 1,
    });
    assert.deepEqual(out, { kind: 'unknown', reason: 'connection_refused', detail: 'ECONNREFUSED' });
  });

  test('Retry-After is carried on any unknown answer, in seconds or as a date after the answer’s own Date', () => {
    const out = providerAnswer(at(429, { 'retry-after': '12' }));
    assert.equal(out.kind === 'unknown' && out.retryAfterMs, 12_000);
    const twice = providerAnswer(at(503, { 'retry-after': ['3', '9'] }));
    assert.equal(twice.kind === 'unknown' && twice.retryAfterMs, 3000);
    assert.ok(!('retryAfterMs' in providerAnswer(at(429))), 'absent without the header');
    const date = 'Thu, 15 Jan 2026 10:00:00 GMT';
    assert.equal(retryAfterMs({ date, 'retry-after': 'Thu, 15 Jan 2026 10:01:30 GMT' }), 90_000);
    // Without a Date header the date counts from our clock; a date past is no wait at all.
    assert.equal(retryAfterMs({ 'retry-after': 'Thu, 15 Jan 2026 10:01:30 GMT' }, Date.parse(date)), 90_000);
    assert.equal(retryAfterMs({ date, 'retry-after': 'Thu, 15 Jan 2026 09:00:00 GMT' }), 0);
    assert.equal(retryAfterMs({ 'retry-after': '86400' }), MAX_RETRY_AFTER_MS);
    for (const bad of ['', ' ', '-5', '1.5', 'soon', 'later today']) {
      assert.equal(retryAfterMs({ 'retry-after': bad }), undefined, JSON.stringify(bad));
    }
  });
});

describe('every connector sends live accounts through the live dispatcher', () => {
  const options = { timeoutMs: 2000, liveDispatcher: guard };
  const connectors: Connector[] = CONNECTOR_FACTORIES.map((create) => create(options));
  const account = (connector: Connector, mode: Mode): ConnectorAccount => ({
    id: `ca_${connector.id}_${mode}`,
    accountId: 'acct_1',
    mode,
    connector: connector.id,
    credentials: { secret_key: 'sk_x', api_token: 't', merchant_key: 'k', password: 'p' },
    settings: { base_url: baseUrl },
    priority: 1,
    createdAt: 0,
    updatedAt: 0,
  });
  const request = {
    paymentId: 'pay_1',
    money: { amount: 1500, currency: 'QAR' },
    paymentMethod: 'qpay' as const,
    description: 'Order 1',
    reference: 'ORDER-1',
    customer: { name: 'Mariam Al Thani', email: 'mariam@example.qa', phone: '+97455501234' },
    metadata: {},
    returnUrl: 'http://127.0.0.1/return',
    idempotencyKey: 'pay_1:create',
    locale: 'en' as const,
    notificationUrl: 'http://127.0.0.1/hooks',
  };

  for (const connector of connectors) {
    test(`${connector.id}: live is refused before sending, test reaches the provider`, async () => {
      const before = hits;
      const live = await connector.createPayment(account(connector, 'live'), request);
      assert.equal(live.kind === 'unknown' && live.reason, 'address_not_allowed', JSON.stringify(live));
      assert.equal(hits, before, 'the live call sent nothing');
      await connector.createPayment(account(connector, 'test'), request);
      assert.ok(hits > before, 'the test-mode call reached the local provider');
    });
  }
});

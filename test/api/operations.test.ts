import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway();
});
after(() => gw.close());

test('/healthz needs no key', async () => {
  const res = await gw.app.inject({ method: 'GET', url: '/healthz' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok' });
});

test('/metrics counts requests and created payments', async () => {
  await gw.createPayment();
  const res = await gw.app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /bawaba_payments_created_total\{connector="checkout_com",status="requires_action"\} 1/);
  assert.match(
    res.body,
    /bawaba_http_request_duration_seconds_count\{method="POST",route="\/v1\/payments",status="201"\} 1/,
  );
});

test('/openapi.json describes the payment routes with their schemas', async () => {
  const res = await gw.app.inject({ method: 'GET', url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json();
  assert.match(doc.openapi, /^3\./);
  const create = doc.paths['/v1/payments'].post;
  const body = create.requestBody.content['application/json'].schema;
  assert.equal(body.additionalProperties, false);
  assert.equal(body.properties.amount.type, 'integer');
  assert.ok(create.responses['201']);
  assert.ok(doc.paths['/v1/payments/{id}'].get);
});

test('sandbox return page shows the outcome, escaped', async () => {
  const res = await gw.app.inject({ method: 'GET', url: '/sandbox/return?payment_id=pay_x&status=<b>captured</b>' });
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /&lt;b&gt;captured&lt;\/b&gt;/);
  assert.doesNotMatch(res.body, /<b>captured/);
});

test('responses carry the request id; error bodies repeat it', async () => {
  const res = await gw.app.inject({
    method: 'GET',
    url: '/v1/payments/pay_nope',
    headers: { authorization: `Bearer ${gw.merchant.key}` },
  });
  assert.equal(res.statusCode, 404);
  assert.match(String(res.headers['request-id']), /^req_/);
  assert.equal(res.json().error.request_id, res.headers['request-id']);
});

test('connector configuration API: set, list (masked), delete; unknown fields named', async () => {
  const headers = { authorization: `Bearer ${gw.other.key}` };
  const bad = await gw.app.inject({
    method: 'PUT',
    url: '/v1/connectors/checkout_com',
    headers,
    payload: { credentials: { secret_key: 'sk_sbox_x', api_password: 'p' } },
  });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.param, 'credentials.api_password');
  const missing = await gw.app.inject({
    method: 'PUT',
    url: '/v1/connectors/checkout_com',
    headers,
    payload: { credentials: {} },
  });
  assert.equal(missing.json().error.param, 'credentials.secret_key');
  const unknown = await gw.app.inject({
    method: 'PUT',
    url: '/v1/connectors/stripe',
    headers,
    payload: { credentials: {} },
  });
  assert.equal(unknown.json().error.code, 'connector_unknown');

  const secret = `sk_sbox_${'q'.repeat(27)}`;
  const put = await gw.app.inject({
    method: 'PUT',
    url: '/v1/connectors/checkout_com',
    headers,
    payload: { credentials: { secret_key: secret }, settings: { base_url: gw.emulator.baseUrl }, priority: 5 },
  });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal(put.json().credentials.secret_key, '…qqqq');
  assert.equal(put.body.includes(secret), false);
  const list = await gw.app.inject({ method: 'GET', url: '/v1/connectors', headers });
  const mine = list.json().data.find((c: { connector: string }) => c.connector === 'checkout_com');
  assert.equal(mine.priority, 5);
  const stored = await gw.core.repos.connectorAccounts.find(gw.other.accountId, 'test', 'checkout_com');
  assert.equal(stored?.credentials.secret_key, secret);

  const del = await gw.app.inject({ method: 'DELETE', url: '/v1/connectors/checkout_com', headers });
  assert.deepEqual(del.json(), { connector: 'checkout_com', deleted: true });
  const create = await gw.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { ...headers, 'idempotency-key': 'no-connector' },
    payload: { amount: 100, currency: 'QAR', payment_method: 'qpay', return_url: 'https://shop.example/r' },
  });
  assert.equal(create.statusCode, 400);
  assert.equal(create.json().error.code, 'connector_not_available');
});

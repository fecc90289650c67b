import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

// Small limits, so the test reaches them; each test uses its own addresses, payments and accounts.
let gw: TestGateway;
before(async () => {
  gw = await createTestGateway({
    config: {
      rateLimitReturnsPerAddress: 3,
      rateLimitReturnsPerPayment: 2,
      rateLimitHooksPerAddress: 4,
      rateLimitHooksPerConnectorAccount: 2,
    },
  });
});
after(async () => {
  await gw.close();
});

const ret = (paymentId: string, remoteAddress: string) =>
  gw.app.inject({ method: 'GET', url: `/return/checkout_com/${paymentId}`, remoteAddress });
const hook = (accountId: string, remoteAddress: string, method: 'GET' | 'POST' = 'POST') =>
  gw.app.inject({
    method,
    url: `/hooks/checkout_com/${accountId}`,
    remoteAddress,
    ...(method === 'POST' ? { payload: '{}', headers: { 'content-type': 'application/json' } } : {}),
  });

function assertLimited(res: Awaited<ReturnType<typeof ret>>): void {
  assert.equal(res.statusCode, 429, res.body);
  const error = res.json().error;
  assert.equal(error.code, 'rate_limited');
  assert.equal(error.type, 'invalid_request_error');
  assert.equal(error.request_id, res.headers['request-id']);
  const retryAfter = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
}

describe('rate limits of public routes', () => {
  test('customer returns: the request past the per-payment limit gets 429; another payment does not', async () => {
    const payment = await gw.createPayment();
    const id = payment.id as string;
    for (let i = 0; i < 2; i++) assert.notEqual((await ret(id, '10.0.1.1')).statusCode, 429);
    assertLimited(await ret(id, '10.0.1.2'));
    assert.notEqual((await ret('pay_other_payment', '10.0.1.2')).statusCode, 429);
  });

  test('customer returns: the request past the per-address limit gets 429; another address does not', async () => {
    for (let i = 0; i < 3; i++) assert.notEqual((await ret(`pay_addr_${i}`, '10.0.2.1')).statusCode, 429);
    assertLimited(await ret('pay_addr_9', '10.0.2.1'));
    assert.notEqual((await ret('pay_addr_9', '10.0.2.2')).statusCode, 429);
  });

  test("requests refused by the address limit do not use up a payment's allowance", async () => {
    for (let i = 0; i < 3; i++) await ret(`pay_flood_${i}`, '10.0.3.1');
    for (let i = 0; i < 5; i++) assertLimited(await ret('pay_target', '10.0.3.1'));
    assert.notEqual((await ret('pay_target', '10.0.3.2')).statusCode, 429);
  });

  test('provider hooks: per connector account across both methods; another account is not affected', async () => {
    assert.notEqual((await hook('ca_busy', '10.0.4.1')).statusCode, 429);
    assert.notEqual((await hook('ca_busy', '10.0.4.2', 'GET')).statusCode, 429);
    assertLimited(await hook('ca_busy', '10.0.4.3'));
    assert.notEqual((await hook('ca_quiet', '10.0.4.3')).statusCode, 429);
  });

  test('provider hooks: per source address', async () => {
    for (let i = 0; i < 4; i++) assert.notEqual((await hook(`ca_spray_${i}`, '10.0.5.1')).statusCode, 429);
    assertLimited(await hook('ca_spray_9', '10.0.5.1'));
    assert.notEqual((await hook('ca_spray_9', '10.0.5.2')).statusCode, 429);
  });

  test('authenticated API routes are not limited', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await gw.app.inject({
        method: 'GET',
        url: '/v1/payments?limit=1',
        headers: { authorization: `Bearer ${gw.merchant.key}` },
        remoteAddress: '10.0.6.1',
      });
      assert.equal(res.statusCode, 200);
    }
  });
});

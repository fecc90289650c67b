import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway();
});
after(() => gw.close());

let n = 0;
function post(payload: unknown, headers: Record<string, string> = {}) {
  return gw.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${gw.merchant.key}`, 'idempotency-key': `v-${++n}`, ...headers },
    payload: payload as string,
  });
}

const body = (patch: Record<string, unknown>, drop?: string) => {
  const b: Record<string, unknown> = { ...PAYMENT_BODY, ...patch };
  if (drop) delete b[drop];
  return b;
};

/** [name, body, expected code, expected param] */
const CASES: [string, Record<string, unknown>, string, string][] = [
  ['amount as a string', body({ amount: '1500' }), 'amount_invalid', 'amount'],
  ['fractional amount', body({ amount: 15.5 }), 'amount_invalid', 'amount'],
  ['zero amount', body({ amount: 0 }), 'amount_invalid', 'amount'],
  ['negative amount', body({ amount: -100 }), 'amount_invalid', 'amount'],
  ['unsafe integer amount', body({ amount: 2 ** 53 }), 'amount_invalid', 'amount'],
  ['amount over the provider limit', body({ amount: 1_000_000_000 }), 'amount_too_large', 'amount'],
  ['amount missing', body({}, 'amount'), 'parameter_missing', 'amount'],
  ['lower-case currency', body({ currency: 'qar' }), 'currency_invalid', 'currency'],
  ['unknown currency', body({ currency: 'XYZ' }), 'currency_invalid', 'currency'],
  ['currency QPay does not take', body({ currency: 'KWD' }), 'currency_not_supported', 'currency'],
  ['currency missing', body({}, 'currency'), 'parameter_missing', 'currency'],
  ['unknown payment method', body({ payment_method: 'bitcoin' }), 'payment_method_not_supported', 'payment_method'],
  ['return_url not http', body({ return_url: 'ftp://shop.example/x' }), 'parameter_invalid', 'return_url'],
  ['return_url relative', body({ return_url: '/thanks' }), 'parameter_invalid', 'return_url'],
  ['return_url missing', body({}, 'return_url'), 'parameter_missing', 'return_url'],
  ['unknown field', body({ amount_in_riyals: 15 }), 'parameter_unknown', 'amount_in_riyals'],
  ['unknown connector', body({ connector: 'paypal' }), 'connector_unknown', 'connector'],
  ['bad customer email', body({ customer: { email: 'not-an-email' } }), 'parameter_invalid', 'customer.email'],
  ['unknown customer field', body({ customer: { iban: 'QA00' } }), 'parameter_unknown', 'customer.iban'],
  [
    'national id with symbols',
    body({ customer: { national_id: '284-634' } }),
    'parameter_invalid',
    'customer.national_id',
  ],
  ['metadata value not a string', body({ metadata: { order_id: 1001 } }), 'parameter_invalid', 'metadata.order_id'],
  ['metadata value too long', body({ metadata: { note: 'x'.repeat(501) } }), 'parameter_invalid', 'metadata.note'],
  ['metadata key too long', body({ metadata: { ['k'.repeat(41)]: 'v' } }), 'parameter_invalid', 'metadata'],
  [
    'too many metadata keys',
    body({ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }),
    'parameter_invalid',
    'metadata',
  ],
  ['description too long', body({ description: 'd'.repeat(501) }), 'parameter_invalid', 'description'],
  ['locale unknown', body({ locale: 'fr' }), 'parameter_invalid', 'locale'],
];

describe('POST /v1/payments validation', () => {
  for (const [name, payload, code, param] of CASES) {
    test(`${name} → 400 ${code} naming ${param}`, async () => {
      const res = await post(payload);
      assert.equal(res.statusCode, 400, res.body);
      const { error } = res.json();
      assert.equal(error.code, code, res.body);
      assert.equal(error.param, param, res.body);
      assert.equal(error.type, 'invalid_request_error');
      assert.match(error.request_id, /^req_/);
      assert.ok(error.message.length > 0);
    });
  }

  test('a body that is not JSON → 400 body_invalid', async () => {
    const res = await post('{"amount": 15', { 'content-type': 'application/json' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'body_invalid');
  });

  test('a JSON array body → 400 body_invalid', async () => {
    const res = await post('[1,2]', { 'content-type': 'application/json' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'body_invalid');
  });

  test('a form body → 415', async () => {
    const res = await post('amount=1500', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.statusCode, 415);
    assert.equal(res.json().error.code, 'body_unsupported_media_type');
  });

  test('no Idempotency-Key → 400 naming the header', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { authorization: `Bearer ${gw.merchant.key}` },
      payload: PAYMENT_BODY,
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'idempotency_key_missing');
    assert.equal(res.json().error.param, 'Idempotency-Key');
  });

  test('no API key → 401; a wrong one → 401', async () => {
    const none = await gw.app.inject({ method: 'GET', url: '/v1/payments' });
    assert.equal(none.statusCode, 401);
    assert.equal(none.json().error.code, 'authentication_required');
    const wrong = await gw.app.inject({
      method: 'GET',
      url: '/v1/payments',
      headers: { authorization: `Bearer sk_test_${'x'.repeat(32)}` },
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, 'api_key_invalid');
  });

  test('bad list parameters → 400 naming them', async () => {
    const get = (qs: string) =>
      gw.app.inject({
        method: 'GET',
        url: `/v1/payments?${qs}`,
        headers: { authorization: `Bearer ${gw.merchant.key}` },
      });
    for (const [qs, param] of [
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['status=paid', 'status'],
      ['starting_after=nope', 'starting_after'],
      ['created%5Bgte%5D=yesterday', 'created[gte]'],
      ['sort=asc', 'sort'],
    ] as const) {
      const res = await get(qs);
      assert.equal(res.statusCode, 400, `${qs}: ${res.body}`);
      assert.equal(res.json().error.param, param, `${qs}: ${res.body}`);
    }
  });

  test('none of the rejected requests stored a payment or reached the provider', async () => {
    const res = await gw.app.inject({
      method: 'GET',
      url: '/v1/payments',
      headers: { authorization: `Bearer ${gw.merchant.key}` },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().data, []);
    assert.equal(gw.emulator.control.listPayments().length, 0);
  });

  test('unknown routes answer the error shape', async () => {
    const res = await gw.app.inject({
      method: 'GET',
      url: '/v1/nothing',
      headers: { authorization: `Bearer ${gw.merchant.key}` },
    });
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'route_not_found');
  });
});

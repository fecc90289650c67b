import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway();
});
after(() => gw.close());
beforeEach(() => gw.emulator.control.clearFaults());

let n = 0;
const auth = (key = gw.merchant.key) => ({ authorization: `Bearer ${key}` });
function post(payload: unknown, key: string, apiKey = gw.merchant.key) {
  return gw.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { ...auth(apiKey), 'idempotency-key': key },
    payload: payload as Record<string, unknown>,
  });
}
const providerPaymentCount = () => gw.emulator.control.listPayments().length;

describe('POST /v1/payments', () => {
  test('creates a QPay payment that requires a redirect', async () => {
    const before = providerPaymentCount();
    const res = await post(PAYMENT_BODY, `c-${++n}`);
    assert.equal(res.statusCode, 201, res.body);
    const p = res.json();
    assert.match(p.id, /^pay_[0-9a-z]{26}$/);
    assert.equal(p.status, 'requires_action');
    assert.equal(p.captured_at, null);
    assert.equal(p.next_action.type, 'redirect');
    assert.ok(p.next_action.url.startsWith(`${gw.emulator.baseUrl}/qpay-external/redirect-to-qpay?pun=`));
    assert.equal(p.connector, 'checkout_com');
    assert.equal(p.amount, 1500);
    assert.equal(p.currency, 'QAR');
    assert.equal(p.reference, 'ORDER-1001');
    assert.equal(p.livemode, false);
    assert.deepEqual(p.metadata, { order_id: '1001' });
    assert.deepEqual(p.customer, { name: 'Mariam Al-Thani', email: 'mariam@example.qa', phone: '+97455501234' });
    assert.equal(JSON.stringify(p).includes('28463400123'), false, 'national id is write-only');
    assert.equal(Date.parse(p.expires_at) - Date.parse(p.created_at), 15 * 60_000);
    assert.equal(providerPaymentCount(), before + 1);
    const provider = gw.emulator.control.getPayment(p.provider_payment_id);
    assert.equal(provider?.amount, 1500);
    assert.equal(provider?.reference, p.id);
  });

  test('GET returns it; GET by another account is 404', async () => {
    const p = await gw.createPayment();
    const mine = await gw.app.inject({ method: 'GET', url: `/v1/payments/${p.id}`, headers: auth() });
    assert.equal(mine.statusCode, 200);
    assert.deepEqual(mine.json(), p);
    const theirs = await gw.app.inject({ method: 'GET', url: `/v1/payments/${p.id}`, headers: auth(gw.other.key) });
    assert.equal(theirs.statusCode, 404);
    assert.equal(theirs.json().error.code, 'resource_not_found');
    const list = await gw.app.inject({ method: 'GET', url: '/v1/payments', headers: auth(gw.other.key) });
    assert.deepEqual(list.json().data, []);
  });
});

describe('idempotency', () => {
  test('the same key and body replays the first answer and makes one provider payment', async () => {
    const key = `i-${++n}`;
    const first = await post(PAYMENT_BODY, key);
    const count = providerPaymentCount();
    const second = await post({ ...PAYMENT_BODY }, key);
    assert.equal(second.statusCode, first.statusCode);
    assert.equal(second.body, first.body);
    assert.equal(second.headers['idempotent-replayed'], 'true');
    assert.equal(providerPaymentCount(), count);
  });

  test('body key order does not matter', async () => {
    const key = `i-${++n}`;
    const first = await post(PAYMENT_BODY, key);
    const reordered = Object.fromEntries(Object.entries(PAYMENT_BODY).reverse());
    const second = await post(reordered, key);
    assert.equal(second.body, first.body);
  });

  test('the same key with another body is an error', async () => {
    const key = `i-${++n}`;
    await post(PAYMENT_BODY, key);
    const res = await post({ ...PAYMENT_BODY, amount: 1600 }, key);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'idempotency_key_reused');
  });

  test('keys are scoped to the account', async () => {
    const key = `i-${++n}`;
    const a = await post(PAYMENT_BODY, key);
    const b = await post(PAYMENT_BODY, key, gw.other.key);
    assert.equal(b.statusCode, 201);
    assert.notEqual(b.json().id, a.json().id);
  });

  test('a validation error does not use up the key', async () => {
    const key = `i-${++n}`;
    const bad = await post({ ...PAYMENT_BODY, amount: '1500' }, key);
    assert.equal(bad.statusCode, 400);
    const good = await post(PAYMENT_BODY, key);
    assert.equal(good.statusCode, 201);
  });

  test('a refusal before any payment is stored does not use up the key either (it is claimed with the payment)', async () => {
    const key = `i-${++n}`;
    const refused = await post({ ...PAYMENT_BODY, connector: 'nope' }, key);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error.code, 'connector_unknown');
    const again = await post({ ...PAYMENT_BODY, connector: 'nope' }, key);
    assert.equal(again.statusCode, 400);
    assert.equal(again.headers['idempotent-replayed'], undefined, 'worked out afresh, not replayed');
    const good = await post(PAYMENT_BODY, key);
    assert.equal(good.statusCode, 201);
    const replay = await post(PAYMENT_BODY, key);
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.json().id, good.json().id);
  });

  test('concurrent requests with one key: one payment, one provider payment, the rest 409', async () => {
    const key = `i-${++n}`;
    const count = providerPaymentCount();
    gw.emulator.control.addFault({ kind: 'slow', delayMs: 300, count: 1 });
    const results = await Promise.all(Array.from({ length: 8 }, () => post(PAYMENT_BODY, key)));
    const codes = results.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [201, 409, 409, 409, 409, 409, 409, 409]);
    for (const r of results.filter((r) => r.statusCode === 409)) {
      assert.equal(r.json().error.code, 'idempotency_key_in_use');
    }
    assert.equal(providerPaymentCount(), count + 1);
    const replay = await post(PAYMENT_BODY, key);
    assert.equal(replay.statusCode, 201);
    assert.equal(replay.json().id, results.find((r) => r.statusCode === 201)?.json().id);
  });
});

describe('provider faults at creation', () => {
  for (const kind of ['timeout', 'server_error', 'malformed', 'reset'] as const) {
    test(`${kind}: the payment stays processing, and a retry with the key resumes it without a second provider payment`, async () => {
      const key = `f-${++n}`;
      const count = providerPaymentCount();
      gw.emulator.control.addFault({ kind, count: 1 });
      const first = await post(PAYMENT_BODY, key);
      assert.equal(first.statusCode, 202, first.body);
      const p = first.json();
      assert.equal(p.status, 'processing');
      assert.equal(p.next_action, null);
      assert.equal(p.failure_code, null);
      const stored = await gw.app.inject({ method: 'GET', url: `/v1/payments/${p.id}`, headers: auth() });
      assert.equal(stored.json().status, 'processing');

      const retry = await post(PAYMENT_BODY, key);
      assert.equal(retry.statusCode, 201, retry.body);
      assert.equal(retry.json().id, p.id);
      assert.equal(retry.json().status, 'requires_action');
      assert.equal(providerPaymentCount(), count + 1, 'exactly one provider payment');
    });
  }

  test('a provider that refuses the credentials fails the payment with a clear error', async () => {
    const saved = await gw.core.repos.connectorAccounts.find(gw.other.accountId, 'test', 'checkout_com');
    assert.ok(saved);
    await gw.core.repos.connectorAccounts.upsert({
      ...saved,
      credentials: { secret_key: `sk_sbox_${'a'.repeat(27)}` },
    });
    try {
      const key = `f-${++n}`;
      const res = await post(PAYMENT_BODY, key, gw.other.key);
      assert.equal(res.statusCode, 502);
      const replay = await post(PAYMENT_BODY, key, gw.other.key);
      assert.equal(replay.statusCode, 502);
      assert.equal(replay.body, res.body, 'a definitive provider refusal is replayed, not retried');
      const { error } = res.json();
      assert.equal(error.code, 'provider_authentication_failed');
      assert.match(error.payment_id, /^pay_/);
      const stored = await gw.app.inject({
        method: 'GET',
        url: `/v1/payments/${error.payment_id}`,
        headers: auth(gw.other.key),
      });
      assert.equal(stored.json().status, 'failed');
      assert.equal(stored.json().failure_code, 'provider_authentication_failed');
    } finally {
      await gw.core.repos.connectorAccounts.upsert(saved);
    }
  });

  test('a provider validation error names the merchant field', async () => {
    gw.emulator.control.updateSettings({ requireProcessingChannelId: true });
    try {
      const res = await post(PAYMENT_BODY, `f-${++n}`);
      assert.equal(res.statusCode, 502, res.body);
      assert.equal(res.json().error.code, 'provider_request_rejected');
      assert.match(res.json().error.message, /processing_channel_id_required/);
    } finally {
      gw.emulator.control.updateSettings({ requireProcessingChannelId: false });
    }
  });
});

describe('GET /v1/payments', () => {
  test('cursor pagination both ways, status and created filters', async () => {
    const g = await createTestGateway();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(String((await g.createPayment(PAYMENT_BODY)).id));
      const newest = [...ids].reverse();
      const list = async (qs: string) =>
        (
          await g.app.inject({
            method: 'GET',
            url: `/v1/payments?${qs}`,
            headers: { authorization: `Bearer ${g.merchant.key}` },
          })
        ).json();
      const page1 = await list('limit=2');
      assert.equal(page1.object, 'list');
      assert.deepEqual(
        page1.data.map((p: { id: string }) => p.id),
        newest.slice(0, 2),
      );
      assert.equal(page1.has_more, true);
      const page2 = await list(`limit=2&starting_after=${newest[1]}`);
      assert.deepEqual(
        page2.data.map((p: { id: string }) => p.id),
        newest.slice(2, 4),
      );
      const page3 = await list(`limit=2&starting_after=${newest[3]}`);
      assert.deepEqual(
        page3.data.map((p: { id: string }) => p.id),
        newest.slice(4),
      );
      assert.equal(page3.has_more, false);
      const back = await list(`limit=2&ending_before=${newest[4]}`);
      assert.deepEqual(
        back.data.map((p: { id: string }) => p.id),
        newest.slice(2, 4),
      );
      assert.equal((await list('status=requires_action')).data.length, 5);
      assert.equal((await list('status=captured')).data.length, 0);
      assert.equal((await list('created%5Bgte%5D=2000-01-01T00:00:00Z')).data.length, 5);
      assert.equal((await list('created%5Blt%5D=946684800')).data.length, 0);
    } finally {
      await g.close();
    }
  });

  test('the reference filter finds a merchant reference exactly, in the caller account only', async () => {
    const g = await createTestGateway();
    try {
      const mine = String((await g.createPayment({ ...PAYMENT_BODY, reference: 'ORDER-42' })).id);
      await g.createPayment({ ...PAYMENT_BODY, reference: 'ORDER-420' });
      await g.createPayment({ ...PAYMENT_BODY, reference: 'ORDER-42' }, g.other.key);
      const list = async (qs: string) =>
        g.app.inject({
          method: 'GET',
          url: `/v1/payments?${qs}`,
          headers: { authorization: `Bearer ${g.merchant.key}` },
        });
      const found = (await list('reference=ORDER-42')).json();
      assert.deepEqual(
        found.data.map((p: { id: string }) => p.id),
        [mine],
      );
      assert.equal(found.has_more, false);
      assert.equal((await list('reference=ORDER-42&status=captured')).json().data.length, 0);
      assert.equal((await list('reference=NONE')).json().data.length, 0);
      const empty = await list('reference=');
      assert.equal(empty.statusCode, 400);
      assert.equal(empty.json().error.param, 'reference');
      assert.equal((await list(`reference=${'x'.repeat(101)}`)).statusCode, 400);
    } finally {
      await g.close();
    }
  });
});

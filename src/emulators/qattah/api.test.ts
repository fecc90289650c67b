import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatSar, parseSarNumber, splitEqually } from './money.ts';
import { ORDER_ID } from './state.ts';
import {
  API,
  auth,
  create,
  createOk,
  getOrder,
  type Json,
  MINUTE,
  newEmulator,
  ORDER_BODY,
  postApi,
  T0,
} from './test-support.ts';

/** Keys of seeds/002 in order: the order, then each invoice. */
const SEED_ORDER_KEYS = [
  'id', 'merchant_id', 'merchant_name', 'reference', 'amount', 'started_at', 'is_expired', 'is_timed_out',
  'remaining_time', 'activity_status', 'payment_status', 'callback_url', 'success_url', 'failure_url', 'invoices',
]; // biome-ignore format: one list, as in the seed
const SEED_INVOICE_KEYS = [
  'id', 'order_id', 'reference', 'name', 'amount', 'payment_status', 'payment_brand', 'applepay_checkout_id',
  'mada_checkout_id', 'session_id', 'session_country_code', 'external_payment_link', 'external_status', 'results',
]; // biome-ignore format: one list, as in the seed

describe('money', () => {
  test('parses the exact decimal text and refuses a third decimal', () => {
    assert.deepEqual(parseSarNumber(100), { ok: true, minor: 10000 });
    assert.deepEqual(parseSarNumber(0.1), { ok: true, minor: 10 });
    assert.deepEqual(parseSarNumber(19.99), { ok: true, minor: 1999 });
    assert.equal(parseSarNumber(1.005).ok, false);
    assert.equal(parseSarNumber(0).ok, false);
    assert.equal(parseSarNumber(-5).ok, false);
    assert.equal(parseSarNumber('100').ok, false);
    assert.equal(parseSarNumber(1e21).ok, false);
    assert.equal(formatSar(5), '0.05');
    assert.equal(formatSar(10000), '100.00');
    assert.deepEqual(splitEqually(10000, 3), [3334, 3333, 3333]);
    assert.deepEqual(splitEqually(10001, 3), [3334, 3334, 3333]);
  });

  test('equal shares, in halalas, always add up to the total and differ by one halala at most', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999 }), fc.integer({ min: 1, max: 20 }), (total, people) => {
        fc.pre(people <= total);
        const shares = splitEqually(total, people);
        assert.equal(shares.length, people);
        assert.equal(
          shares.reduce((a, b) => a + b, 0),
          total,
        );
        assert.ok(shares.every((s) => Number.isSafeInteger(s) && s >= 1));
        assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
        assert.equal(formatSar(shares.reduce((a, b) => a + b, 0)), formatSar(total));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('POST /orders', () => {
  const emu = newEmulator();

  test('answers {successful, data.order, links.redirect_to} with the seed order shape', async () => {
    const res = await create(emu);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), ['successful', 'data', 'links']);
    assert.equal(body.successful, true);
    const order = body.data.order;
    assert.deepEqual(Object.keys(order), SEED_ORDER_KEYS);
    assert.match(order.id, ORDER_ID);
    assert.match(order.merchant_id, /^mer_[A-Za-z0-9]{13}$/);
    assert.equal(typeof order.merchant_name, 'string');
    assert.equal(order.reference, 'unique_order_reference');
    assert.equal(order.amount, '100.00');
    assert.equal(order.started_at, null);
    assert.equal(order.is_expired, false);
    assert.equal(order.is_timed_out, false);
    assert.deepEqual(order.remaining_time, { min: 15, sec: 0 });
    assert.equal(order.activity_status, 'CREATED');
    assert.equal(order.payment_status, 'PENDING');
    assert.equal(order.callback_url, ORDER_BODY.callback_url);
    assert.equal(order.success_url, null);
    assert.equal(order.failure_url, null);
    assert.deepEqual(order.invoices, []);
    assert.deepEqual(body.links, { redirect_to: `http://localhost:80/${order.id}` });
  });

  test('accepts the bare token, generates a reference, keeps decimals exact', async () => {
    const res = await emu.app.inject({
      method: 'POST',
      url: `${API}/orders`,
      headers: { authorization: emu.credentials.apiToken, 'content-type': 'application/json' },
      payload: JSON.stringify({ amount: 19.99 }),
    });
    assert.equal(res.statusCode, 200, res.body);
    const order = res.json().data.order;
    assert.equal(order.amount, '19.99');
    assert.match(order.reference, /^[0-9a-f-]{36}$/);
    const lower = await emu.app.inject({
      method: 'POST',
      url: `${API}/orders`,
      headers: { authorization: `bearer  ${emu.credentials.apiToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ amount: 1 }),
    });
    assert.equal(lower.statusCode, 200, 'the scheme is case-insensitive');
  });

  test('refuses a missing or wrong token with 401 {successful:false, message}', async () => {
    for (const headers of [{}, auth('nope-nope-nope-nope'), { authorization: 'Bearer ' }]) {
      const res = await emu.app.inject({ method: 'POST', url: `${API}/orders`, headers, payload: ORDER_BODY });
      assert.equal(res.statusCode, 401);
      assert.deepEqual(res.json(), { successful: false, message: 'Unauthenticated.' });
    }
  });

  test('SAR only: another currency is a 422 with errors.currency', async () => {
    const res = await create(emu, { ...ORDER_BODY, currency: 'QAR' });
    assert.equal(res.statusCode, 422);
    const body = res.json();
    assert.equal(body.successful, false);
    assert.equal(typeof body.message, 'string');
    assert.deepEqual(Object.keys(body.errors), ['currency']);
    assert.equal((await create(emu, { amount: 5 })).statusCode, 200);
  });

  test('amount must be a number > 0 with at most 2 decimals', async () => {
    for (const amount of [10.005, 0, -1, '100', null, undefined]) {
      const res = await create(emu, { ...ORDER_BODY, amount });
      assert.equal(res.statusCode, 422, `amount ${String(amount)}`);
      assert.ok(Array.isArray(res.json().errors.amount));
    }
  });

  test('bad lang, theme or URL is a 422; a non-JSON body is a 400', async () => {
    assert.ok((await create(emu, { ...ORDER_BODY, lang: 'fr' })).json().errors.lang);
    assert.ok((await create(emu, { ...ORDER_BODY, theme: 'blue' })).json().errors.theme);
    assert.ok((await create(emu, { ...ORDER_BODY, success_url: 'not a url' })).json().errors.success_url);
    const res = await create(emu, '{"amount":');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().successful, false);
  });
});

describe('GET /orders/{id}', () => {
  const emu = newEmulator();

  test('remaining_time counts down on the emulator clock, then TIMEOUT/EXPIRED as in the seed', async () => {
    const created = await createOk(emu);
    emu.control.split(created.id, { people: 2 });
    emu.clock.advance(4 * MINUTE + 30_500);
    let order = await getOrder(emu, created.id);
    assert.deepEqual(order.remaining_time, { min: 10, sec: 29 });
    assert.equal(order.activity_status, 'STARTED');
    assert.equal(order.started_at, new Date(T0).toISOString().replace('.000Z', '.000000Z'));
    emu.clock.advance(10 * MINUTE + 29_499);
    order = await getOrder(emu, created.id);
    assert.deepEqual(order.remaining_time, { min: 0, sec: 0 });
    assert.equal(order.activity_status, 'STARTED', 'still open 1 ms before the deadline');
    emu.clock.advance(1);
    order = await getOrder(emu, created.id);
    assert.deepEqual(
      { ...order, id: 'x', merchant_id: 'x', merchant_name: 'x', invoices: [] },
      {
        id: 'x', merchant_id: 'x', merchant_name: 'x', reference: 'unique_order_reference', amount: '100.00',
        started_at: '2026-01-15T10:00:00.000000Z', is_expired: true, is_timed_out: true,
        remaining_time: { min: 0, sec: 0 }, activity_status: 'TIMEOUT', payment_status: 'EXPIRED',
        callback_url: 'https://testing-callback.qattahpay.sa', success_url: null, failure_url: null, invoices: [],
      },
    ); // biome-ignore format: the seed, field for field
    assert.equal(order.invoices.length, 2);
    for (const [i, inv] of (order.invoices as Json[]).entries()) {
      assert.deepEqual(Object.keys(inv), SEED_INVOICE_KEYS);
      assert.match(inv.id, /^inv_[A-Za-z0-9]{13}$/);
      assert.equal(inv.order_id, created.id);
      assert.equal(inv.name, `شخص ${i + 1}`);
      assert.equal(inv.amount, '50.00');
      assert.equal(inv.payment_status, 'EXPIRED');
      assert.equal(inv.payment_brand, null);
      assert.equal(inv.session_id, inv.reference);
      assert.match(inv.reference, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(inv.results, null);
    }
  });

  test("an unknown order, or another merchant's, is a 404 {successful:false, message}", async () => {
    const other = emu.control.createMerchant({ name: 'Other' });
    const created = await createOk(emu);
    for (const [id, token] of [
      ['ord_AAAAAAAAAAAAA', emu.credentials.apiToken],
      [created.id, other.apiToken],
    ] as const) {
      const res = await emu.app.inject({ method: 'GET', url: `${API}/orders/${id}`, headers: auth(token) });
      assert.equal(res.statusCode, 404);
      assert.deepEqual(res.json(), { successful: false, message: 'Order not found.' });
    }
    const res = await emu.app.inject({ method: 'GET', url: `${API}/orders/${created.id}` });
    assert.equal(res.statusCode, 401);
  });

  test('a second merchant (control) gets its own orders and merchant_id', async () => {
    const other = emu.control.createMerchant({ name: 'Second Shop' });
    const order = await createOk(emu, {});
    const res = await create(emu, ORDER_BODY, other.apiToken);
    assert.equal(res.statusCode, 200);
    const theirs = res.json().data.order;
    assert.equal(theirs.merchant_name, 'Second Shop');
    assert.notEqual(theirs.merchant_id, order.merchant_id);
    assert.equal((await getOrder(emu, theirs.id, other.apiToken)).id, theirs.id);
  });
});

describe('refund and cancel', () => {
  const emu = newEmulator();

  async function paidOrder(): Promise<Json> {
    const order = await createOk(emu);
    const split = emu.control.split(order.id, { people: 2 });
    assert.ok(split.ok);
    for (const inv of split.order.invoices) emu.control.pay(order.id, inv.id, 'MADA');
    return order;
  }

  test('refund before paid is a 422; after paid it is full and marks everything REFUNDED', async () => {
    const open = await createOk(emu);
    let res = await postApi(emu, `${API}/orders/${open.id}/refund`);
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().successful, false);
    assert.equal(typeof res.json().message, 'string');
    const order = await paidOrder();
    res = await postApi(emu, `${API}/orders/${order.id}/refund`);
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { successful: true });
    const after = await getOrder(emu, order.id);
    assert.equal(after.payment_status, 'REFUNDED');
    assert.equal(after.activity_status, 'PAID');
    assert.deepEqual(
      after.invoices.map((inv: Json) => inv.payment_status),
      ['REFUNDED', 'REFUNDED'],
    );
    res = await postApi(emu, `${API}/orders/${order.id}/refund`);
    assert.equal(res.statusCode, 422, 'twice is refused');
    assert.equal((await postApi(emu, `${API}/orders/ord_AAAAAAAAAAAAA/refund`)).statusCode, 404);
  });

  test('cancel (under /api/v1/qattah/) abandons an open order, not a paid one', async () => {
    const open = await createOk(emu);
    let res = await postApi(emu, `/api/v1/qattah/orders/${open.id}/cancel`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().successful, true);
    const order = await getOrder(emu, open.id);
    assert.equal(order.activity_status, 'ABANDONED');
    assert.equal(order.payment_status, 'EXPIRED');
    assert.equal(order.is_expired, true);
    assert.equal(order.is_timed_out, false);
    res = await postApi(emu, `/api/v1/qattah/orders/${open.id}/cancel`);
    assert.equal(res.statusCode, 422);
    const paid = await paidOrder();
    res = await postApi(emu, `/api/v1/qattah/orders/${paid.id}/cancel`);
    assert.equal(res.statusCode, 422);
    assert.equal((await getOrder(emu, paid.id)).payment_status, 'PAID');
    assert.equal((await postApi(emu, `/api/v1/qattah/orders/${paid.id}/cancel`, 'x'.repeat(20))).statusCode, 401);
  });
});

describe('faults', () => {
  const emu = newEmulator();

  test('a queued fault hits only its operation, once', async () => {
    const order = await createOk(emu);
    let res = await emu.app.inject({
      method: 'POST',
      url: '/__control/faults',
      payload: { kind: 'server_error', match: 'retrieve' },
    });
    assert.equal(res.statusCode, 201);
    assert.equal((await create(emu)).statusCode, 200, 'create is not hit');
    res = await emu.app.inject({
      method: 'GET',
      url: `${API}/orders/${order.id}`,
      headers: auth(emu.credentials.apiToken),
    });
    assert.equal(res.statusCode, 502);
    assert.equal((await getOrder(emu, order.id)).id, order.id);
    emu.control.addFault({ kind: 'malformed', match: 'cancel' });
    res = await postApi(emu, `/api/v1/qattah/orders/${order.id}/cancel`);
    assert.throws(() => JSON.parse(res.body));
    res = await emu.app.inject({ method: 'POST', url: '/__control/faults', payload: { kind: 'reset', match: 'pay' } });
    assert.equal(res.statusCode, 400);
  });
});

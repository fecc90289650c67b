import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../src/core/clock.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';
import { waitFor } from '../support/receiver.ts';

const clock = createManualClock(Date.now());
let gw: TestGateway;
before(async () => {
  gw = await createTestGateway({ start: { clock } });
});
after(() => gw.close());

let n = 0;
const auth = () => ({ authorization: `Bearer ${gw.merchant.key}` });
const get = async (path: string) => (await gw.app.inject({ method: 'GET', url: path, headers: auth() })).json();
const post = (path: string, payload?: Record<string, unknown>) =>
  gw.app.inject({
    method: 'POST',
    url: path,
    headers: { ...auth(), 'idempotency-key': `qt-${++n}` },
    ...(payload ? { payload } : {}),
  });
const SPLIT = {
  amount: 12_345,
  currency: 'SAR',
  payment_method: 'qattah',
  return_url: 'https://shop.example/thanks',
  description: 'عشاء — Dinner for two',
  customer: { email: 'mariam@example.sa', phone: '+966500000001' },
};
type Part = { id: string; name: string; amount: number; status: string; method: string | null; paid_at: string | null };
type Payment = { id: string; status: string; provider_payment_id: string; parts: Part[]; next_action: { url: string } };

async function hookUrl(): Promise<string> {
  const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'qattah');
  return `/hooks/qattah/${ca?.id}`;
}

async function create(): Promise<Payment> {
  const res = await post('/v1/payments', SPLIT);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

function split(orderId: string): string[] {
  const done = gw.qattah.control.split(orderId, {
    shares: [
      { name: 'مريم', amount: '60.00' },
      { name: 'Noura', amount: '63.45' },
    ],
  });
  if (!done.ok) throw new Error(JSON.stringify(done));
  return done.order.invoices.map((i) => i.id);
}

function pay(orderId: string, invoiceId: string, brand: 'MADA' | 'APPLEPAY' = 'MADA'): void {
  const done = gw.qattah.control.pay(orderId, invoiceId, brand);
  if (!done.ok) throw new Error(JSON.stringify(done));
}

/** Lets the worker's next split-bill poll fall due, and runs it. */
async function poll(): Promise<void> {
  clock.advance(21_000);
  await gw.worker.runDue();
}

async function captured(): Promise<Payment> {
  const p = await create();
  const [a, b] = split(p.provider_payment_id);
  pay(p.provider_payment_id, a as string);
  pay(p.provider_payment_id, b as string, 'APPLEPAY');
  await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'captured', 5000, 'captured');
  return get(`/v1/payments/${p.id}`);
}

describe('Qattah Pay split bills', () => {
  test('Qattah takes riyals only: any other currency is a clear 400 naming currency', async () => {
    for (const currency of ['QAR', 'USD']) {
      const res = await post('/v1/payments', { ...SPLIT, currency });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.code, 'currency_not_supported');
      assert.equal(res.json().error.param, 'currency');
    }
    assert.equal(gw.qattah.control.listOrders().length, 0, 'no order was made');
  });

  test('an order for the exact amount, our id as its reference, the hosted page as next_action', async () => {
    const p = await create();
    assert.equal(p.status, 'requires_action');
    assert.deepEqual(p.parts, []);
    assert.ok(p.next_action.url.startsWith(gw.qattah.baseUrl));
    const order = gw.qattah.control.getOrder(p.provider_payment_id);
    assert.equal(order?.amount, '123.45');
    assert.equal(order?.reference, p.id);
    assert.equal(order?.callback_url?.endsWith(await hookUrl()), true);
    assert.equal(order?.success_url, `${gw.url}/return/qattah/${p.id}`);
  });

  test('each share paid is a part and a payment.part_paid event; the last one captures', async () => {
    const p = await create();
    const [a, b] = split(p.provider_payment_id);
    await poll();
    let now: Payment = await get(`/v1/payments/${p.id}`);
    assert.deepEqual(
      now.parts.map((x) => [x.name, x.amount, x.status]),
      [
        ['مريم', 6000, 'pending'],
        ['Noura', 6345, 'pending'],
      ],
    );
    pay(p.provider_payment_id, a as string);
    await poll();
    now = await get(`/v1/payments/${p.id}`);
    assert.equal(now.status, 'requires_action');
    assert.deepEqual(
      now.parts.map((x) => [x.status, x.method]),
      [
        ['paid', 'mada'],
        ['pending', null],
      ],
    );
    assert.ok(now.parts[0]?.paid_at);
    pay(p.provider_payment_id, b as string, 'APPLEPAY');
    // Qattah's success callback (an unsigned GET) makes Bawaba look the order up.
    await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'captured', 5000, 'captured');
    now = await get(`/v1/payments/${p.id}`);
    assert.deepEqual(
      now.parts.map((x) => [x.status, x.method]),
      [
        ['paid', 'mada'],
        ['paid', 'applepay'],
      ],
    );
    const events = (await get(`/v1/events?object_id=${p.id}`)).data as {
      type: string;
      data: { object: Record<string, unknown> };
    }[];
    const types = events.map((e) => e.type).reverse();
    assert.deepEqual(types, ['payment.requires_action', 'payment.part_paid', 'payment.part_paid', 'payment.captured']);
    const parts = events.filter((e) => e.type === 'payment.part_paid').reverse();
    assert.deepEqual(
      parts.map((e) => [e.data.object.object, e.data.object.name, e.data.object.amount, e.data.object.payment_id]),
      [
        ['payment_part', 'مريم', 6000, p.id],
        ['payment_part', 'Noura', 6345, p.id],
      ],
    );
  });

  test('a forged callback changes nothing: Bawaba asks Qattah, which says unpaid', async () => {
    const p = await create();
    const url = await hookUrl();
    const forged = await gw.app.inject({ method: 'GET', url: `${url}?order_id=${p.provider_payment_id}` });
    assert.equal(forged.statusCode, 200, forged.body);
    assert.equal(forged.json().result, 'stale');
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action');
    const stranger = await gw.app.inject({ method: 'GET', url: `${url}?order_id=ord_AAAAAAAAAAAAA` });
    assert.equal(stranger.json().result, 'unmatched');
    const bare = await gw.app.inject({ method: 'GET', url });
    assert.equal(bare.statusCode, 401);
    const posted = await gw.app.inject({ method: 'POST', url, payload: { order_id: p.provider_payment_id } });
    assert.equal(posted.statusCode, 401);
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action');
  });

  test('refunds are whole: a partial one is refused before Qattah is called; a full one is done at once', async () => {
    const p = await captured();
    const partial = await post(`/v1/payments/${p.id}/refunds`, { amount: 6000 });
    assert.equal(partial.statusCode, 400, partial.body);
    assert.equal(partial.json().error.code, 'refund_not_supported');
    assert.equal(partial.json().error.param, 'amount');
    assert.equal(gw.qattah.control.getOrder(p.provider_payment_id)?.payment_status, 'PAID');
    const full = await post(`/v1/payments/${p.id}/refunds`, {});
    assert.equal(full.statusCode, 201, full.body);
    assert.equal(full.json().status, 'succeeded');
    const after: Payment = await get(`/v1/payments/${p.id}`);
    assert.equal(after.status, 'refunded');
    assert.deepEqual(
      after.parts.map((x) => x.status),
      ['refunded', 'refunded'],
    );
    assert.equal(gw.qattah.control.getOrder(p.provider_payment_id)?.payment_status, 'REFUNDED');
  });

  test('cancel goes to Qattah; a paid order cannot be canceled', async () => {
    const p = await create();
    const res = await post(`/v1/payments/${p.id}/cancel`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'canceled');
    assert.equal(gw.qattah.control.getOrder(p.provider_payment_id)?.activity_status, 'ABANDONED');
    const paid = await captured();
    const refused = await post(`/v1/payments/${paid.id}/cancel`);
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal((await get(`/v1/payments/${paid.id}`)).status, 'captured');
  });

  test('a callback that cannot be checked (Qattah down) changes nothing now; reconciliation checks at once', async () => {
    const p = await create();
    const done = gw.qattah.control.split(p.provider_payment_id, { people: 1 });
    assert.ok(done.ok);
    gw.qattah.control.addFault({ kind: 'server_error', count: 1, match: 'retrieve' });
    pay(p.provider_payment_id, done.order.invoices[0]?.id as string);
    const deferred = async () =>
      (await gw.core.database.db.selectFrom('provider_notifications').selectAll().execute()).find(
        (r) => r.result === 'deferred' && r.payment_id === p.id,
      );
    await waitFor(async () => (await deferred()) !== undefined, 5000, 'the hint deferred');
    assert.equal(Number((await deferred())?.verified), 0, 'an unsigned callback is stored as unverified');
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action');
    await gw.worker.runDue();
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'captured');
  });

  test('a cancel Qattah does not answer leaves the payment as it was (502, try again)', async () => {
    const p = await create();
    gw.qattah.control.addFault({ kind: 'server_error', count: 1, match: 'cancel' });
    const res = await post(`/v1/payments/${p.id}/cancel`);
    assert.equal(res.statusCode, 502, res.body);
    assert.equal(res.json().error.code, 'provider_unavailable');
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action');
    const again = await post(`/v1/payments/${p.id}/cancel`);
    assert.equal(again.json().status, 'canceled');
  });

  test('fifteen minutes without every share paid: the order times out and the payment expires', async () => {
    const p = await create();
    const [a] = split(p.provider_payment_id);
    pay(p.provider_payment_id, a as string);
    gw.qattah.control.advanceClock(15 * 60_000 + 1000);
    clock.advance(16 * 60_000 + 1000);
    await gw.worker.runDue();
    const now: Payment = await get(`/v1/payments/${p.id}`);
    assert.equal(now.status, 'expired');
    assert.deepEqual(
      now.parts.map((x) => x.status),
      ['paid', 'expired'],
    );
    assert.equal(gw.qattah.control.getOrder(p.provider_payment_id)?.activity_status, 'TIMEOUT');
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { callbackHash } from '../../src/connectors/akurateco/hash.ts';
import { createManualClock } from '../../src/core/clock.ts';
import { createRefund } from '../../src/core/services/refunds.ts';
import { createConnectors, paymentDeps } from '../../src/main.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';
import { waitFor } from '../support/receiver.ts';

/** 09:00 in Qatar (UTC+3) on the day after `ms`: inside the TESS void window, whatever the real time. */
function nextQatarMorning(ms: number): number {
  const day = new Date(ms + 3 * 3600_000).toISOString().slice(0, 10);
  return Date.parse(`${day}T06:00:00Z`) + 24 * 3600_000;
}

const morning = nextQatarMorning(Date.now());
const clock = createManualClock(morning);
let gw: TestGateway;
before(async () => {
  gw = await createTestGateway({ start: { clock } });
  // The emulator keeps its own clock: bring it to the same morning.
  gw.akurateco.control.advanceClock(morning - Date.parse(gw.akurateco.control.now().now));
});
after(() => gw.close());

let n = 0;
const auth = () => ({ authorization: `Bearer ${gw.merchant.key}` });
const get = async (path: string) => (await gw.app.inject({ method: 'GET', url: path, headers: auth() })).json();
const post = (path: string, payload?: Record<string, unknown>) =>
  gw.app.inject({
    method: 'POST',
    url: path,
    headers: { ...auth(), 'idempotency-key': `ak-${++n}` },
    ...(payload ? { payload } : {}),
  });
const CARD = {
  amount: 30100,
  currency: 'QAR',
  payment_method: 'card',
  return_url: 'https://shop.example/thanks',
  description: 'هدية مهمة — Very important gift',
  customer: { name: 'Mariam Al-Thani', email: 'mariam@example.qa' },
};
type Row = { payment_id: string; order: { number: string } };
const publicId = (paymentId: string) =>
  (gw.akurateco.control.listPayments() as unknown as Row[]).find((p) => p.order.number === paymentId)?.payment_id ?? '';

async function paid(): Promise<string> {
  const res = await post('/v1/payments', CARD);
  assert.equal(res.statusCode, 201, res.body);
  const p = res.json();
  assert.ok(gw.akurateco.control.completePayment(publicId(p.id), 'approve').ok);
  await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'captured', 5000, 'captured by callback');
  return p.id;
}

describe('card payments through Akurateco', () => {
  test('a hash-signed session: the card page, then a sale callback captures it', async () => {
    const res = await post('/v1/payments', CARD);
    assert.equal(res.statusCode, 201, res.body);
    const p = res.json();
    assert.equal(p.connector, 'akurateco');
    assert.equal(p.provider_payment_id, p.id, 'the platform knows it by our id as its order number');
    assert.ok(p.next_action.url.startsWith(gw.akurateco.baseUrl));
    const row = gw.akurateco.control.getPayment(publicId(p.id)) as unknown as {
      order: { amount: string; description: string };
    };
    assert.equal(row.order.amount, '301.00');
    assert.equal(row.order.description, CARD.description, 'Arabic text survives the session hash');
    assert.ok(gw.akurateco.control.completePayment(publicId(p.id), 'approve').ok);
    await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'captured', 5000, 'captured');
  });

  test('a declined card fails the payment; the customer’s return is checked with the platform', async () => {
    const p = (await post('/v1/payments', CARD)).json();
    const done = gw.akurateco.control.completePayment(publicId(p.id), 'decline');
    assert.ok(done.ok);
    const back = await gw.app.inject({ method: 'GET', url: `/return/akurateco/${p.id}` });
    assert.equal(new URL(String(back.headers.location)).searchParams.get('status'), 'failed');
  });

  test('a callback with a wrong hash is 401 and changes nothing', async () => {
    const p = (await post('/v1/payments', CARD)).json();
    const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'akurateco');
    const body = new URLSearchParams({
      id: publicId(p.id),
      order_number: p.id,
      order_amount: '301.00',
      order_currency: 'QAR',
      order_description: CARD.description,
      order_status: 'settled',
      type: 'sale',
      status: 'success',
      hash: '0'.repeat(40),
    }).toString();
    const res = await gw.app.inject({
      method: 'POST',
      url: `/hooks/akurateco/${ca?.id}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });
    assert.equal(res.statusCode, 401);
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action');
  });

  test('a genuine callback with its unsigned fields rewritten changes nothing the platform did not do', async () => {
    const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'akurateco');
    assert.ok(ca);
    // What a genuine callback for the payment carries: the hash covers these fields only.
    const send = async (paymentId: string, outcome: Record<string, string>) => {
      const signed = {
        id: publicId(paymentId),
        order_number: paymentId,
        order_amount: '301.00',
        order_currency: 'QAR',
        order_description: CARD.description,
      };
      const body = new URLSearchParams({
        ...signed,
        ...outcome,
        hash: callbackHash(signed, ca.credentials.password ?? ''),
      }).toString();
      const res = await gw.app.inject({
        method: 'POST',
        url: `/hooks/akurateco/${ca.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      });
      assert.equal(res.statusCode, 200, res.body);
    };
    const SALE = { type: 'sale', status: 'success', order_status: 'settled' };

    const declined = (await post('/v1/payments', CARD)).json();
    assert.ok(gw.akurateco.control.completePayment(publicId(declined.id), 'decline').ok);
    await waitFor(async () => (await get(`/v1/payments/${declined.id}`)).status === 'failed', 5000, 'declined');
    await send(declined.id, SALE);
    assert.equal((await get(`/v1/payments/${declined.id}`)).status, 'failed', 'a forged sale does not capture');

    const open = (await post('/v1/payments', CARD)).json();
    await send(open.id, SALE);
    assert.equal((await get(`/v1/payments/${open.id}`)).status, 'requires_action', 'nor does it pay an open one');

    const id = await paid();
    const r = (await post(`/v1/payments/${id}/refunds`, { amount: 1000 })).json();
    for (const outcome of [
      { type: 'refund', status: 'success', order_status: 'refund' },
      { type: 'refund', status: 'fail', order_status: 'settled' },
      { type: 'void', status: 'success', order_status: 'void' },
      { type: 'chargeback', status: 'success', order_status: 'chargeback' },
    ]) {
      await send(id, outcome);
      const pay = await gw.core.repos.payments.getById(id);
      assert.equal(pay?.status, 'captured', JSON.stringify(outcome));
      assert.equal(pay?.amountRefundPending, 1000, `${JSON.stringify(outcome)}: the refund still holds its amount`);
      assert.equal((await get(`/v1/refunds/${r.id}`)).status, 'pending', JSON.stringify(outcome));
    }
    const events = (await get(`/v1/events?object_id=${id}&limit=100`)).data.map((e: { type: string }) => e.type);
    assert.deepEqual(
      events.filter((t: string) => /canceled|disputed|refund\.(succeeded|failed)/.test(t)),
      [],
      'no event for what did not happen',
    );

    // What the platform really does is taken from its own answer.
    const waiting = (
      gw.akurateco.control.listRefunds() as unknown as { id: string; payment_id: string; status: string }[]
    ).find((x) => x.payment_id === publicId(id) && x.status === 'waiting');
    assert.ok(waiting && gw.akurateco.control.settleRefund(waiting.id, 'decline').ok);
    await waitFor(async () => (await get(`/v1/refunds/${r.id}`)).status === 'failed', 5000, 'refund declined');
    assert.equal((await gw.core.repos.payments.getById(id))?.amountRefundPending, 0);
  });

  test('a callback that arrives while the platform cannot answer is checked again at once', async () => {
    const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'akurateco');
    assert.ok(ca);
    const key = ca.credentials.merchant_key ?? '';
    const url = gw.akurateco.control.listMerchants().find((m) => m.merchantKey === key)?.notificationUrl ?? null;
    const p = (await post('/v1/payments', CARD)).json();
    gw.akurateco.control.setNotificationUrl(key, null);
    try {
      assert.ok(gw.akurateco.control.completePayment(publicId(p.id), 'approve').ok);
      gw.akurateco.control.addFault({ kind: 'server_error', count: 1, match: 'status' });
      const signed = {
        id: publicId(p.id),
        order_number: p.id,
        order_amount: '301.00',
        order_currency: 'QAR',
        order_description: CARD.description,
      };
      const res = await gw.app.inject({
        method: 'POST',
        url: `/hooks/akurateco/${ca.id}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          ...signed,
          type: 'sale',
          status: 'success',
          hash: callbackHash(signed, ca.credentials.password ?? ''),
        }).toString(),
      });
      assert.equal(res.statusCode, 200);
      assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action', 'the platform could not say');
      await gw.worker.runDue();
      assert.equal((await get(`/v1/payments/${p.id}`)).status, 'captured', 'asked again at once, not at a later check');
    } finally {
      gw.akurateco.control.setNotificationUrl(key, url);
    }
  });

  test('refunds: one at a time, settled by the platform’s callback', async () => {
    const id = await paid();
    const r = await post(`/v1/payments/${id}/refunds`, { amount: 10000 });
    assert.equal(r.statusCode, 201, r.body);
    const second = await post(`/v1/payments/${id}/refunds`, { amount: 100 });
    assert.equal(second.statusCode, 409);
    assert.equal(second.json().error.code, 'refund_in_progress');
    assert.match(second.json().error.message, /one refund at a time/);
    const waiting = (
      gw.akurateco.control.listRefunds() as unknown as { id: string; payment_id: string; status: string }[]
    ).find((x) => x.payment_id === publicId(id) && x.status === 'waiting');
    assert.ok(waiting);
    assert.ok(gw.akurateco.control.settleRefund(waiting.id, 'approve').ok);
    await waitFor(async () => (await get(`/v1/refunds/${r.json().id}`)).status === 'succeeded', 5000, 'refund settled');
    assert.equal((await get(`/v1/payments/${id}`)).status, 'partially_refunded');
  });

  test('a same-day void before 21:00 Qatar time cancels a captured payment; after it, a clear error before any call', async () => {
    const id = await paid();
    const voided = await post(`/v1/payments/${id}/cancel`);
    assert.equal(voided.statusCode, 200, voided.body);
    assert.equal(voided.json().status, 'canceled');
    assert.equal((gw.akurateco.control.getPayment(publicId(id)) as unknown as { status: string }).status, 'void');

    const late = await paid();
    clock.advance(13 * 3600_000); // 09:00 + 13 h = 22:00 in Qatar
    try {
      const res = await post(`/v1/payments/${late}/cancel`);
      assert.equal(res.statusCode, 409);
      assert.equal(res.json().error.code, 'void_window_closed');
      assert.equal(
        (gw.akurateco.control.getPayment(publicId(late)) as unknown as { status: string }).status,
        'settled',
      );
    } finally {
      clock.advance(-13 * 3600_000);
    }
  });

  test('a refund or void that could not even be sent fails clearly and holds nothing', async () => {
    const id = await paid();
    gw.akurateco.control.addFault({ kind: 'server_error', count: 1, match: 'status' });
    const res = await post(`/v1/payments/${id}/refunds`, { amount: 1000 });
    assert.equal(res.statusCode, 502, res.body);
    assert.equal(res.json().error.code, 'provider_unavailable');
    const refund = await get(`/v1/refunds/${res.json().error.refund_id}`);
    assert.equal(refund.status, 'failed');
    const pay = await gw.core.repos.payments.getById(id);
    assert.equal(pay?.amountRefundPending, 0, 'its amount is released');
    gw.akurateco.control.addFault({ kind: 'server_error', count: 1, match: 'status' });
    const v = await post(`/v1/payments/${id}/cancel`);
    assert.equal(v.statusCode, 502);
    assert.equal(v.json().error.code, 'provider_unavailable');
    assert.equal((await get(`/v1/payments/${id}`)).status, 'captured');
  });

  test('a retried refund whose first answer was lost is not sent again: the platform has no idempotency key', async () => {
    const id = await paid();
    gw.akurateco.control.addFault({ kind: 'timeout', count: 1, match: 'refund' });
    const res = await post(`/v1/payments/${id}/refunds`, { amount: 1000 });
    assert.equal(res.statusCode, 201, res.body);
    const first = res.json();
    assert.equal(first.provider_refund_id, null, 'the answer was lost');
    const sent = () =>
      (gw.akurateco.control.listRefunds() as unknown as { payment_id: string }[]).filter(
        (r) => r.payment_id === publicId(id),
      ).length;
    const before = sent();
    const deps = paymentDeps(gw.core, createConnectors(gw.config), { value: gw.url });
    const again = await createRefund(deps, gw.merchant.principal, id, { amount: 1000 }, undefined, first.id);
    assert.equal(again.refund.id, first.id);
    assert.equal(again.refund.status, 'pending', 'held until someone checks at the platform');
    assert.equal(sent(), before, 'no second refund sent');
  });

  test('card payments go only to a connector that takes cards', async () => {
    const res = await post('/v1/payments', { ...CARD, connector: 'checkout_com' });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'connector_not_available');
  });
});

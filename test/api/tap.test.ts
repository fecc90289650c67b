import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { tapHashstring } from '../../src/connectors/tap/webhook.ts';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';
import { waitFor } from '../support/receiver.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway({ tap: true });
});
after(() => gw.close());

let n = 0;
const auth = () => ({ authorization: `Bearer ${gw.merchant.key}` });
const get = async (path: string) => (await gw.app.inject({ method: 'GET', url: path, headers: auth() })).json();
const post = (path: string, payload?: Record<string, unknown>) =>
  gw.app.inject({
    method: 'POST',
    url: path,
    headers: { ...auth(), 'idempotency-key': `tap-${++n}` },
    ...(payload ? { payload } : {}),
  });
const TAP_BODY = { ...PAYMENT_BODY, connector: 'tap' };

describe('Tap QPay', () => {
  test('a charge in major units, paid on the hosted page, verified and captured', async () => {
    const res = await post('/v1/payments', TAP_BODY);
    assert.equal(res.statusCode, 201, res.body);
    const p = res.json();
    assert.equal(p.connector, 'tap');
    assert.match(p.provider_payment_id, /^chg_/);
    assert.ok(p.next_action.url.startsWith(gw.tap.baseUrl));
    assert.equal(Date.parse(p.expires_at) - Date.parse(p.created_at), 30 * 60_000);
    const charge = gw.tap.control.getCharge(p.provider_payment_id) as unknown as Record<string, unknown>;
    assert.equal(charge.amount, 15, 'QAR 15.00 sent as the major-unit number 15');
    const done = gw.tap.control.completeCharge(p.provider_payment_id, 'approve');
    assert.ok(done.ok);
    const back = await gw.app.inject({
      method: 'GET',
      url: new URL(String(done.redirect_url)).pathname + new URL(String(done.redirect_url)).search,
    });
    assert.equal(back.statusCode, 303);
    assert.equal(new URL(String(back.headers.location)).searchParams.get('status'), 'captured');
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'captured');
  });

  test('a declined charge fails; Tap needs the customer’s contact', async () => {
    const p = (await post('/v1/payments', TAP_BODY)).json();
    gw.tap.control.completeCharge(p.provider_payment_id, 'decline');
    await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'failed', 5000, 'failed by notification');
    const bare = await post('/v1/payments', {
      amount: 100,
      currency: 'QAR',
      payment_method: 'qpay',
      return_url: 'https://shop.example/r',
      connector: 'tap',
    });
    assert.equal(bare.statusCode, 400);
    assert.equal(bare.json().error.param, 'customer');
  });

  test('a notification whose hashstring does not verify changes nothing', async () => {
    const p = (await post('/v1/payments', TAP_BODY)).json();
    const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'tap');
    assert.ok(ca);
    const charge = {
      ...(gw.tap.control.getCharge(p.provider_payment_id) as unknown as Record<string, unknown>),
      status: 'CAPTURED',
    };
    const body = JSON.stringify(charge);
    const res = await gw.app.inject({
      method: 'POST',
      url: `/hooks/tap/${ca.id}`,
      headers: {
        'content-type': 'application/json',
        hashstring: createHmac('sha256', 'wrong').update('x').digest('hex'),
      },
      payload: body,
    });
    assert.equal(res.statusCode, 401);
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action');
  });

  test('refunds through Tap: pending, then refunded by its notification', async () => {
    const p = (await post('/v1/payments', TAP_BODY)).json();
    gw.tap.control.completeCharge(p.provider_payment_id, 'approve');
    await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'captured', 5000, 'captured');
    const r = (await post(`/v1/payments/${p.id}/refunds`, { amount: 500 })).json();
    assert.equal(r.status, 'pending');
    assert.match(r.provider_refund_id, /^re_/);
    const settled = gw.tap.control.settleRefund(r.provider_refund_id, 'approve' as never);
    assert.ok(settled.ok, JSON.stringify(settled));
    await waitFor(async () => (await get(`/v1/refunds/${r.id}`)).status === 'succeeded', 5000, 'refund succeeded');
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'partially_refunded');
  });
});

describe('forged Tap news', () => {
  test('a genuine refund notification re-sent naming another charge settles nothing there', async () => {
    const captured = async () => {
      const p = (await post('/v1/payments', TAP_BODY)).json();
      gw.tap.control.completeCharge(p.provider_payment_id, 'approve');
      await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'captured', 5000, 'captured');
      return p;
    };
    const a = await captured();
    const b = await captured();
    const ra = (await post(`/v1/payments/${a.id}/refunds`, { amount: 500 })).json();
    const rb = (await post(`/v1/payments/${b.id}/refunds`, { amount: 500 })).json();
    assert.ok(gw.tap.control.settleRefund(ra.provider_refund_id, 'approve' as never).ok);
    await waitFor(async () => (await get(`/v1/refunds/${ra.id}`)).status === 'succeeded', 5000, 'refund succeeded');
    const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'tap');
    assert.ok(ca);
    const stored = await gw.core.database.db
      .selectFrom('provider_notifications')
      .select('body')
      .where('connector_account_id', '=', ca.id)
      .where('verified', '=', 1)
      .where('body', 'like', `%${ra.provider_refund_id}%`)
      .executeTakeFirstOrThrow();
    const genuine = JSON.parse(stored.body) as Record<string, unknown>;
    const forged = JSON.stringify({ ...genuine, charge_id: b.provider_payment_id, charge: b.provider_payment_id });
    const hashstring = tapHashstring(genuine, ca.credentials.secret_key ?? '') ?? '';
    const res = await gw.app.inject({
      method: 'POST',
      url: `/hooks/tap/${ca.id}`,
      headers: { 'content-type': 'application/json', hashstring },
      payload: forged,
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await get(`/v1/refunds/${rb.id}`)).status, 'pending', 'the other payment’s refund is untouched');
    const other = await gw.core.repos.payments.getById(String(b.id));
    assert.equal(other?.status, 'captured');
    assert.equal(other?.amountRefundPending, 500);
  });
});

describe('routing between QPay connectors', () => {
  test('without a named connector, QPay goes to Checkout.com first', async () => {
    const p = await gw.createPayment();
    assert.equal(p.connector, 'checkout_com');
    assert.deepEqual(p.connector_attempts, []);
  });

  for (const kind of ['server_error', 'timeout'] as const) {
    test(`Checkout.com unavailable at creation (${kind}) → the payment goes to Tap, and says why`, async () => {
      gw.emulator.control.addFault({ kind, count: 1, match: 'create' });
      const res = await post('/v1/payments', PAYMENT_BODY);
      assert.equal(res.statusCode, 201, res.body);
      const p = res.json();
      assert.equal(p.connector, 'tap');
      assert.equal(p.status, 'requires_action');
      assert.equal(p.connector_attempts.length, 1);
      assert.equal(p.connector_attempts[0].connector, 'checkout_com');
      assert.equal(p.connector_attempts[0].reason, kind);
      gw.emulator.control.clearFaults();
    });
  }

  test('a refused connection fails over too; a named connector never fails over', async () => {
    const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'checkout_com');
    assert.ok(ca);
    await gw.core.repos.connectorAccounts.upsert({ ...ca, settings: { base_url: 'http://127.0.0.1:9' } });
    try {
      const moved = (await post('/v1/payments', PAYMENT_BODY)).json();
      assert.equal(moved.connector, 'tap');
      assert.equal(moved.connector_attempts[0].reason, 'connection_refused');
      const named = await post('/v1/payments', { ...PAYMENT_BODY, connector: 'checkout_com' });
      assert.equal(named.statusCode, 502);
      assert.equal(named.json().error.code, 'provider_unavailable');
    } finally {
      await gw.core.repos.connectorAccounts.upsert(ca);
    }
  });

  test('a definitive refusal does not fail over', async () => {
    gw.emulator.control.updateSettings({ requireProcessingChannelId: true });
    try {
      const res = await post('/v1/payments', PAYMENT_BODY);
      assert.equal(res.statusCode, 502);
      assert.equal(res.json().error.code, 'provider_request_rejected');
    } finally {
      gw.emulator.control.updateSettings({ requireProcessingChannelId: false });
    }
  });
});

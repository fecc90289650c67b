import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../src/core/clock.ts';
import { createRefund } from '../../src/core/services/refunds.ts';
import { createConnectors, paymentDeps } from '../../src/main.ts';
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
async function get(path: string) {
  const res = await gw.app.inject({ method: 'GET', url: path, headers: auth() });
  return res.json();
}
function refund(paymentId: string, body?: Record<string, unknown>, key = `rf-${++n}`) {
  return gw.app.inject({
    method: 'POST',
    url: `/v1/payments/${paymentId}/refunds`,
    headers: { ...auth(), 'idempotency-key': key },
    ...(body ? { payload: body } : {}),
  });
}
async function captured(): Promise<{ id: string; provider: string }> {
  const p = await gw.createPayment();
  const done = gw.emulator.control.completePayment(String(p.provider_payment_id), 'approve');
  assert.ok(done.ok);
  await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'captured', 5000, 'captured');
  return { id: String(p.id), provider: String(p.provider_payment_id) };
}
async function eventTypes(objectId: string): Promise<string[]> {
  const list = await get(`/v1/events?object_id=${objectId}&limit=100`);
  return (list.data as { type: string }[]).map((e) => e.type).reverse();
}
function decide(actionId: string, how: 'approve' | 'decline') {
  const r =
    how === 'approve' ? gw.emulator.control.approveRefund(actionId) : gw.emulator.control.declineRefund(actionId);
  assert.ok(r.ok, JSON.stringify(r));
}

describe('refunds', () => {
  test('a full refund stays pending until QPay approves it, then the payment is refunded', async () => {
    const p = await captured();
    const res = await refund(p.id, { reason: 'customer changed mind', metadata: { ticket: 'T-1' } });
    assert.equal(res.statusCode, 201, res.body);
    const r = res.json();
    assert.match(r.id, /^re_/);
    assert.equal(r.status, 'pending');
    assert.equal(r.amount, 1500);
    assert.match(r.provider_refund_id, /^act_/);
    assert.equal((await get(`/v1/payments/${p.id}`)).amount_refunded, 0, 'nothing refunded before approval');
    const capturedNow = await get(`/v1/payments/${p.id}`);
    assert.equal(capturedNow.status, 'captured');
    assert.match(String(capturedNow.captured_at), /^\d{4}-\d{2}-\d{2}T/, 'when the capture was recorded');
    decide(r.provider_refund_id, 'approve');
    await waitFor(async () => (await get(`/v1/refunds/${r.id}`)).status === 'succeeded', 5000, 'refund succeeded');
    const after = await get(`/v1/payments/${p.id}`);
    assert.equal(after.status, 'refunded');
    assert.equal(after.captured_at, capturedNow.captured_at, 'a refund keeps the time of capture');
    assert.equal(after.amount_refunded, 1500);
    assert.deepEqual(await eventTypes(r.id), ['refund.created', 'refund.succeeded']);
    assert.equal((await eventTypes(p.id)).at(-1), 'payment.refunded');
    const list = await get(`/v1/payments/${p.id}/refunds`);
    assert.equal(list.data.length, 1);
    assert.equal((await refund(p.id)).statusCode, 409, 'nothing left to refund');
  });

  test('partial refunds add up: partially refunded, then refunded', async () => {
    const p = await captured();
    const a = (await refund(p.id, { amount: 500 })).json();
    decide(a.provider_refund_id, 'approve');
    await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'partially_refunded');
    assert.equal((await get(`/v1/payments/${p.id}`)).amount_refunded, 500);
    const b = (await refund(p.id)).json();
    assert.equal(b.amount, 1000, 'no amount: what is left');
    decide(b.provider_refund_id, 'approve');
    await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'refunded');
    assert.equal((await get(`/v1/payments/${p.id}`)).amount_refunded, 1500);
  });

  test('a declined refund fails and gives its amount back', async () => {
    const p = await captured();
    const r = (await refund(p.id)).json();
    decide(r.provider_refund_id, 'decline');
    await waitFor(async () => (await get(`/v1/refunds/${r.id}`)).status === 'failed');
    const failed = await get(`/v1/refunds/${r.id}`);
    assert.equal(failed.failure_code, 'provider_declined');
    const pay = await get(`/v1/payments/${p.id}`);
    assert.equal(pay.status, 'captured');
    assert.equal(pay.amount_refunded, 0);
    const again = await refund(p.id);
    assert.equal(again.statusCode, 201, 'the whole amount can be refunded again');
    assert.ok((await eventTypes(r.id)).includes('refund.failed'));
  });

  test('over-refunds are refused, pending refunds counted, amounts untouched', async () => {
    const p = await captured();
    assert.equal((await refund(p.id, { amount: 1000 })).statusCode, 201);
    const over = await refund(p.id, { amount: 600 });
    assert.equal(over.statusCode, 400);
    assert.equal(over.json().error.code, 'refund_amount_too_large');
    assert.equal(over.json().error.param, 'amount');
    assert.equal(over.json().error.message, 'At most QAR 5.00 (500) can be refunded.', 'the currency and major units');
    assert.equal((await refund(p.id, { amount: 0 })).json().error.param, 'amount');
    assert.equal((await refund(p.id, { amount: '500' })).json().error.code, 'amount_invalid');
    assert.equal((await refund(p.id, { amount: 500 })).statusCode, 201);
    assert.equal((await refund(p.id, { amount: 1 })).statusCode, 400);
    const refunds = (await get(`/v1/payments/${p.id}/refunds`)).data as { amount: number }[];
    assert.equal(
      refunds.reduce((s, r) => s + r.amount, 0),
      1500,
    );
  });

  test('concurrent refund requests never exceed the captured amount', async () => {
    const p = await captured();
    const results = await Promise.all(Array.from({ length: 10 }, () => refund(p.id, { amount: 400 })));
    const ok = results.filter((r) => r.statusCode === 201);
    assert.equal(ok.length, 3, results.map((r) => `${r.statusCode}`).join(','));
    for (const r of results.filter((x) => x.statusCode !== 201))
      assert.equal(r.json().error.code, 'refund_amount_too_large');
    const atProvider = gw.emulator.control.listRefunds().filter((r) => r.payment_id === p.provider);
    assert.equal(atProvider.length, 3);
  });

  test('the same Idempotency-Key makes one refund; a refund of an unpaid payment is refused', async () => {
    const p = await captured();
    const a = await refund(p.id, { amount: 100 }, 'same-key');
    const b = await refund(p.id, { amount: 100 }, 'same-key');
    assert.equal(b.body, a.body);
    assert.equal((await get(`/v1/payments/${p.id}/refunds`)).data.length, 1);
    const unpaid = await gw.createPayment();
    const res = await refund(String(unpaid.id));
    assert.equal(res.statusCode, 409);
    assert.equal(res.json().error.code, 'payment_not_refundable');
    const theirs = await gw.app.inject({
      method: 'POST',
      url: `/v1/payments/${p.id}/refunds`,
      headers: { authorization: `Bearer ${gw.other.key}`, 'idempotency-key': `x-${++n}` },
    });
    assert.equal(theirs.statusCode, 404);
  });

  test('without notifications, reconciliation finds the outcome; a lost refund answer is asked again', async () => {
    const p = await captured();
    const key =
      (await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'checkout_com'))?.credentials
        .secret_key ?? '';
    const hooks = gw.emulator.control.listEntities().find((e) => e.secretKey === key)?.webhooks ?? [];
    gw.emulator.control.setWebhooks(key, []);
    try {
      gw.emulator.control.addFault({ kind: 'timeout', count: 1, match: 'refund' });
      const res = await refund(p.id, { amount: 700 });
      assert.equal(res.statusCode, 201);
      const r = res.json();
      assert.equal(r.provider_refund_id, null, 'the answer was lost');
      clock.advance(61_000);
      await gw.worker.runDue();
      const known = await get(`/v1/refunds/${r.id}`);
      assert.match(known.provider_refund_id, /^act_/);
      assert.equal(
        gw.emulator.control.listRefunds().filter((x) => x.payment_id === p.provider).length,
        1,
        'one refund at QPay',
      );
      decide(known.provider_refund_id, 'approve');
      clock.advance(2 * 60 * 60_000);
      await gw.worker.runDue();
      assert.equal((await get(`/v1/refunds/${r.id}`)).status, 'succeeded');
      assert.equal((await get(`/v1/payments/${p.id}`)).status, 'partially_refunded');
    } finally {
      gw.emulator.control.setWebhooks(key, hooks);
    }
  });
});

test('a refund refused at the connection fails at once and holds nothing: nothing was sent', async () => {
  const p = await captured();
  const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'checkout_com');
  assert.ok(ca);
  await gw.core.repos.connectorAccounts.upsert({ ...ca, settings: { base_url: 'http://127.0.0.1:9' } });
  try {
    const res = await refund(p.id, { amount: 700 });
    assert.equal(res.statusCode, 502, res.body);
    assert.equal(res.json().error.code, 'provider_unavailable');
    assert.equal((await get(`/v1/refunds/${res.json().error.refund_id}`)).status, 'failed');
    assert.equal((await gw.core.repos.payments.getById(p.id))?.amountRefundPending, 0);
  } finally {
    await gw.core.repos.connectorAccounts.upsert(ca);
  }
  assert.equal((await refund(p.id)).statusCode, 201, 'the whole amount can still be refunded');
});

test('a retried request that died after reserving resumes its refund, never makes a second one', async () => {
  const p = await captured();
  const first = (await refund(p.id, { amount: 300 })).json();
  const deps = paymentDeps(gw.core, createConnectors(gw.config), { value: gw.url });
  const again = await createRefund(deps, gw.merchant.principal, p.id, { amount: 300 }, undefined, first.id);
  assert.equal(again.refund.id, first.id);
  assert.equal((await get(`/v1/payments/${p.id}/refunds`)).data.length, 1);
  assert.equal(gw.emulator.control.listRefunds().filter((r) => r.payment_id === p.provider).length, 1);
});

describe('cancel', () => {
  const cancel = (id: string) =>
    gw.app.inject({
      method: 'POST',
      url: `/v1/payments/${id}/cancel`,
      headers: { ...auth(), 'idempotency-key': `c-${++n}` },
    });

  test('a payment waiting for the customer is canceled; a captured one cannot be', async () => {
    const p = await gw.createPayment();
    const res = await cancel(String(p.id));
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'canceled');
    assert.equal(res.json().canceled_by, 'merchant');
    assert.equal(res.json().next_action, null);
    assert.deepEqual(await eventTypes(String(p.id)), ['payment.requires_action', 'payment.canceled']);
    const paid = await captured();
    const refused = await cancel(paid.id);
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'payment_not_cancelable');
  });

  test('a capture after the cancel is recorded and flagged for a refund, never lost', async () => {
    const p = await gw.createPayment();
    assert.equal((await cancel(String(p.id))).statusCode, 200);
    const done = gw.emulator.control.completePayment(String(p.provider_payment_id), 'approve');
    assert.ok(done.ok, 'QPay has no void: the customer could still pay');
    await waitFor(async () => (await get(`/v1/payments/${p.id}`)).status === 'captured', 5000, 'capture recorded');
    const after = await get(`/v1/payments/${p.id}`);
    assert.equal(after.captured_after_cancel, true);
    const types = await eventTypes(String(p.id));
    assert.deepEqual(types, ['payment.requires_action', 'payment.canceled', 'payment.captured_after_cancel']);
    const r = await refund(String(p.id));
    assert.equal(r.statusCode, 201, 'and it can be refunded');
  });
});

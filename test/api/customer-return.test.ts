import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway();
  // These tests are about the return route alone: no provider notifications arrive.
  for (const e of gw.emulator.control.listEntities()) gw.emulator.control.setWebhooks(e.id, []);
});
after(() => gw.close());

type Outcome = 'approve' | 'decline' | 'cancel';

/** The customer finishes on the provider's page; returns the cko-session-id it hands back. */
function completeAtProvider(providerPaymentId: string, outcome: Outcome): string {
  const done = gw.emulator.control.completePayment(providerPaymentId, outcome);
  assert.ok(done.ok, JSON.stringify(done));
  return done.session_id;
}

async function returnWith(paymentId: string, query: string) {
  return gw.app.inject({ method: 'GET', url: `/return/checkout_com/${paymentId}?${query}` });
}

async function stored(id: string) {
  const res = await gw.app.inject({
    method: 'GET',
    url: `/v1/payments/${id}`,
    headers: { authorization: `Bearer ${gw.merchant.key}` },
  });
  return res.json();
}

/** What each return of a payment found, oldest first, as its timeline shows them. */
async function returnsOf(id: string) {
  return (await gw.core.repos.customerReturns.listForPayment(id)).map((r) => `${r.outcome}:${r.status}`);
}

describe('the customer returns from QPay', () => {
  for (const [outcome, status] of [
    ['approve', 'captured'],
    ['decline', 'failed'],
    ['cancel', 'canceled'],
  ] as const) {
    test(`${outcome} → ${status}, and on to the merchant's return_url`, async () => {
      const p = await gw.createPayment();
      const sid = completeAtProvider(String(p.provider_payment_id), outcome);
      const res = await returnWith(String(p.id), `cko-session-id=${sid}`);
      assert.equal(res.statusCode, 303);
      const to = new URL(String(res.headers.location));
      assert.equal(`${to.origin}${to.pathname}`, 'https://shop.example/thanks');
      assert.equal(to.searchParams.get('order'), '1001', 'the merchant’s own query survives');
      assert.equal(to.searchParams.get('payment_id'), p.id);
      assert.equal(to.searchParams.get('status'), status);
      const now = await stored(String(p.id));
      assert.equal(now.status, status);
      assert.equal(now.next_action, null);
      if (status === 'failed') assert.equal(now.failure_code, 'provider_declined');
      assert.deepEqual(await returnsOf(String(p.id)), [`confirmed:${status}`]);
    });
  }

  test('a forged session id marks nothing', async () => {
    const p = await gw.createPayment();
    const res = await returnWith(String(p.id), 'cko-session-id=sid_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal(res.statusCode, 303);
    assert.equal(new URL(String(res.headers.location)).searchParams.get('status'), 'requires_action');
    assert.equal((await stored(String(p.id))).status, 'requires_action');
    assert.deepEqual(await returnsOf(String(p.id)), ['reference_unproven:requires_action']);
  });

  test('another payment’s valid session id marks nothing', async () => {
    const paid = await gw.createPayment();
    const sid = completeAtProvider(String(paid.provider_payment_id), 'approve');
    const victim = await gw.createPayment();
    const res = await returnWith(String(victim.id), `cko-session-id=${sid}`);
    assert.equal(new URL(String(res.headers.location)).searchParams.get('status'), 'requires_action');
    assert.equal((await stored(String(victim.id))).status, 'requires_action');
  });

  test('an expired session id marks nothing', async () => {
    const paid = await gw.createPayment();
    const sid = completeAtProvider(String(paid.provider_payment_id), 'approve');
    const victim = await gw.createPayment();
    gw.emulator.control.advanceClock(16 * 60_000);
    const res = await returnWith(String(victim.id), `cko-session-id=${sid}`);
    assert.notEqual(new URL(String(res.headers.location)).searchParams.get('status'), 'captured');
    assert.notEqual((await stored(String(victim.id))).status, 'captured');
  });

  test('no session id at all: the provider is still asked, and a pending payment stays as it is', async () => {
    const p = await gw.createPayment();
    const res = await returnWith(String(p.id), '');
    assert.equal(res.statusCode, 303);
    assert.equal((await stored(String(p.id))).status, 'requires_action');
    completeAtProvider(String(p.provider_payment_id), 'approve');
    const again = await returnWith(String(p.id), '');
    assert.equal(new URL(String(again.headers.location)).searchParams.get('status'), 'captured');
    assert.deepEqual(await returnsOf(String(p.id)), ['still_pending:requires_action', 'looked_up:captured']);
  });

  test('a return for an unknown payment is a 404 page for a browser, not a redirect', async () => {
    const res = await gw.app.inject({
      method: 'GET',
      url: '/return/checkout_com/pay_00000000000000000000000000?cko-session-id=sid_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(String(res.headers['content-security-policy']), /default-src 'none'/);
  });

  test('a return for an unknown payment is a 404 in the error shape for any other client', async () => {
    const res = await returnWith('pay_00000000000000000000000000', 'cko-session-id=sid_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().error.code, 'resource_not_found');
    assert.equal(res.json().error.request_id, res.headers['request-id']);
  });

  test('a repeated parameter is left out: the provider is asked about the payment itself', async () => {
    const p = await gw.createPayment();
    const sid = completeAtProvider(String(p.provider_payment_id), 'approve');
    const res = await returnWith(String(p.id), `cko-session-id=${sid}&cko-session-id=${sid}`);
    assert.equal(res.statusCode, 303);
    assert.equal(new URL(String(res.headers.location)).searchParams.get('status'), 'captured');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
  });

  test('a second return after the capture, the provider failing, changes nothing', async () => {
    const p = await gw.createPayment();
    const sid = completeAtProvider(String(p.provider_payment_id), 'approve');
    await returnWith(String(p.id), `cko-session-id=${sid}`);
    gw.emulator.control.addFault({ kind: 'server_error', count: 5 });
    try {
      const res = await returnWith(String(p.id), `cko-session-id=${sid}`);
      assert.equal(new URL(String(res.headers.location)).searchParams.get('status'), 'captured');
      // A captured payment is still watched (refunds): the provider is asked, and its silence changes nothing.
      assert.deepEqual(await returnsOf(String(p.id)), ['confirmed:captured', 'no_answer:captured']);
    } finally {
      gw.emulator.control.clearFaults();
    }
  });

  test('a provider fault during the return never fails the payment', async () => {
    const p = await gw.createPayment();
    const sid = completeAtProvider(String(p.provider_payment_id), 'decline');
    gw.emulator.control.addFault({ kind: 'server_error', count: 2 });
    const res = await returnWith(String(p.id), `cko-session-id=${sid}`);
    assert.equal(res.statusCode, 303);
    assert.equal((await stored(String(p.id))).status, 'requires_action');
    gw.emulator.control.clearFaults();
    await returnWith(String(p.id), `cko-session-id=${sid}`);
    assert.equal((await stored(String(p.id))).status, 'failed');
    assert.deepEqual(await returnsOf(String(p.id)), ['no_answer:requires_action', 'confirmed:failed']);
  });
});

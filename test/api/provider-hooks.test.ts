import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';
import { waitFor } from '../support/receiver.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway();
});
after(() => gw.close());

const auth = () => ({ authorization: `Bearer ${gw.merchant.key}` });
async function status(id: string): Promise<string> {
  const res = await gw.app.inject({ method: 'GET', url: `/v1/payments/${id}`, headers: auth() });
  return res.json().status;
}
async function eventTypes(id: string): Promise<string[]> {
  const res = await gw.app.inject({ method: 'GET', url: `/v1/events?object_id=${id}&limit=100`, headers: auth() });
  return (res.json().data as { type: string }[]).map((e) => e.type).reverse();
}
async function connectorAccount() {
  const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'checkout_com');
  assert.ok(ca);
  return ca;
}

let evt = 0;
/** A notification as Checkout.com would sign it for the merchant's connector account. */
async function signed(type: string, providerPaymentId: string, eventId = `evt_test${String(++evt).padStart(22, '0')}`) {
  const ca = await connectorAccount();
  const body = JSON.stringify({
    id: eventId,
    type,
    version: '1.0.29',
    created_on: new Date().toISOString(),
    data: {
      id: providerPaymentId,
      amount: 1500,
      currency: 'QAR',
      reference: 'x',
      processed_on: new Date().toISOString(),
    },
  });
  const signature = createHmac('sha256', ca.credentials.webhook_signature_key ?? '')
    .update(body)
    .digest('hex');
  return { ca, body, signature };
}
function post(caId: string, body: string, signature: string) {
  return gw.app.inject({
    method: 'POST',
    url: `/hooks/checkout_com/${caId}`,
    headers: { 'content-type': 'application/json', 'cko-signature': signature },
    payload: body,
  });
}

describe('provider notifications', () => {
  test('the emulator’s signed notifications capture a payment nobody returned for', async () => {
    const p = await gw.createPayment();
    const done = gw.emulator.control.completePayment(String(p.provider_payment_id), 'approve');
    assert.ok(done.ok);
    await waitFor(async () => (await status(String(p.id))) === 'captured', 5000, 'captured by notification');
    await waitFor(() =>
      gw.emulator.control
        .notifications()
        .filter((x) => x.payment_id === p.provider_payment_id)
        .every((x) => x.delivered),
    );
    const types = await eventTypes(String(p.id));
    assert.equal(types.filter((t) => t === 'payment.captured').length, 1);
    assert.equal(types.at(-1), 'payment.captured');
  });

  test('a notification racing the customer’s return gives one outcome and one event', async () => {
    const p = await gw.createPayment();
    const done = gw.emulator.control.completePayment(String(p.provider_payment_id), 'approve');
    assert.ok(done.ok);
    const back = await gw.app.inject({
      method: 'GET',
      url: `/return/checkout_com/${p.id}?cko-session-id=${done.session_id}`,
    });
    assert.equal(back.statusCode, 303);
    await waitFor(() =>
      gw.emulator.control
        .notifications()
        .filter((x) => x.payment_id === p.provider_payment_id)
        .every((x) => x.delivered),
    );
    assert.equal(await status(String(p.id)), 'captured');
    const types = await eventTypes(String(p.id));
    assert.equal(types.filter((t) => t === 'payment.captured').length, 1);
  });

  test('duplicated notifications from the emulator change nothing twice', async () => {
    gw.emulator.control.addNotificationFault({ mode: 'duplicate', count: 3 });
    const p = await gw.createPayment();
    gw.emulator.control.completePayment(String(p.provider_payment_id), 'cancel');
    await waitFor(async () => (await status(String(p.id))) === 'canceled');
    await waitFor(() =>
      gw.emulator.control
        .notifications()
        .filter((x) => x.payment_id === p.provider_payment_id)
        .every((x) => x.delivered),
    );
    const types = await eventTypes(String(p.id));
    assert.deepEqual(types, ['payment.requires_action', 'payment.canceled']);
    gw.emulator.control.clearNotificationFaults();
  });

  test('an unverifiable request is kept only in part, so hook URLs cannot fill the database', async () => {
    const ca = await connectorAccount();
    const big = JSON.stringify({ id: 'evt_flood', type: 'payment_captured', padding: 'x'.repeat(200_000) });
    const res = await post(ca.id, big, 'f'.repeat(64));
    assert.equal(res.statusCode, 401);
    const row = await gw.core.database.db
      .selectFrom('provider_notifications')
      .select(['body'])
      .where('connector_account_id', '=', ca.id)
      .where('body', 'like', '%evt_flood%')
      .executeTakeFirstOrThrow();
    assert.ok(row.body.length < 1_200, `${row.body.length} characters kept`);
    assert.ok(row.body.startsWith(big.slice(0, 1_024)));
    assert.match(row.body, /\[truncated: \d+ characters\]$/);
  });

  test('an unverifiable notification is 401, stored, and changes nothing', async () => {
    const p = await gw.createPayment();
    const { ca, body } = await signed('payment_captured', String(p.provider_payment_id));
    const forged = createHmac('sha256', 'not-the-key').update(body).digest('hex');
    const res = await post(ca.id, body, forged);
    assert.equal(res.statusCode, 401);
    assert.equal(res.json().error.code, 'notification_unverified');
    const missing = await gw.app.inject({
      method: 'POST',
      url: `/hooks/checkout_com/${ca.id}`,
      payload: body,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(missing.statusCode, 401);
    assert.equal(await status(String(p.id)), 'requires_action');
    const stored = await gw.core.database.db
      .selectFrom('provider_notifications')
      .select(['verified', 'verification_error', 'body'])
      .where('connector_account_id', '=', ca.id)
      .where('verified', '=', 0)
      .execute();
    assert.ok(stored.length >= 2);
    assert.ok(stored.some((s) => s.body === body && /does not match/.test(String(s.verification_error))));
  });

  test('a notification for another account’s connector does not verify; unknown accounts are 404', async () => {
    const p = await gw.createPayment();
    const { body, signature } = await signed('payment_captured', String(p.provider_payment_id));
    const theirs = await gw.core.repos.connectorAccounts.find(gw.other.accountId, 'test', 'checkout_com');
    assert.ok(theirs);
    assert.equal((await post(theirs.id, body, signature)).statusCode, 401);
    assert.equal((await post('ca_00000000000000000000000000', body, signature)).statusCode, 404);
    assert.equal(await status(String(p.id)), 'requires_action');
  });

  test('a notification before the payment is known is kept and retried by a job', async () => {
    const { ca, body, signature } = await signed('payment_captured', 'pay_notyetknownnotyetknown00');
    const res = await post(ca.id, body, signature);
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().result, 'unmatched');
    const jobs = await gw.core.database.db
      .selectFrom('jobs')
      .select(['queue', 'payload'])
      .where('queue', '=', 'process_notification')
      .execute();
    assert.equal(jobs.length, 1);
  });

  test('random duplicated and reordered notifications end in the provider’s true state, one event per transition', async () => {
    const HISTORIES = [
      ['payment_pending', 'payment_capture_pending', 'payment_captured'],
      ['payment_pending', 'payment_captured'],
      ['payment_pending', 'payment_canceled'],
      ['payment_pending', 'payment_expired'],
      ['payment_pending', 'payment_capture_pending', 'payment_capture_declined'],
    ];
    const FINAL: Record<string, string> = {
      payment_captured: 'captured',
      payment_canceled: 'canceled',
      payment_expired: 'expired',
      payment_capture_declined: 'failed',
    };
    const scenario = fc
      .constantFrom(...HISTORIES)
      .chain((h) =>
        fc.tuple(
          fc.constant(h),
          fc.shuffledSubarray([...h, ...h, ...h.slice(1)], { minLength: 2 * h.length + h.length - 1 }),
          fc.boolean(),
        ),
      );
    await fc.assert(
      fc.asyncProperty(scenario, async ([history, deliveries, concurrent]) => {
        const p = await gw.createPayment();
        // A payment_canceled is only a hint (a cancel or a failure): the provider's GET decides,
        // so the emulator's payment is canceled too.
        if (history.at(-1) === 'payment_canceled') {
          assert.ok(gw.emulator.control.completePayment(String(p.provider_payment_id), 'cancel').ok);
        }
        const ids = new Map(history.map((t) => [t, `evt_prop${String(++evt).padStart(22, '0')}`]));
        const send = async (type: string) => {
          const { ca, body, signature } = await signed(type, String(p.provider_payment_id), ids.get(type));
          const res = await post(ca.id, body, signature);
          assert.equal(res.statusCode, 200, res.body);
        };
        if (concurrent) await Promise.all(deliveries.map(send));
        else for (const d of deliveries) await send(d);
        const last = history.at(-1) ?? '';
        assert.equal(await status(String(p.id)), FINAL[last]);
        const types = await eventTypes(String(p.id));
        assert.equal(new Set(types).size, types.length, `an event twice: ${types.join(', ')}`);
        assert.equal(types.at(-1), `payment.${FINAL[last]}`);
        assert.equal(types[0], 'payment.requires_action');
      }),
      { numRuns: 25 },
    );
  });
});

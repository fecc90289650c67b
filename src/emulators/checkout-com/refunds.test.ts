import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Agent, request } from 'undici';
import { type RunningEmulator, startEmulator } from '../registry.ts';
import type { CheckoutComControl } from './control.ts';
import { type CheckoutComEmulator, createCheckoutComEmulator } from './server.ts';
import { type Json, MINUTE, newEmulator, post as postOver, startReceiver, T0, waitFor } from './test-support.ts';

const SEED_BODY = {
  amount: 100,
  currency: 'QAR',
  reference: 'ORD-7',
  source: { type: 'qpay', description: 'QPay Demo Payment' },
};
const ACT = /^act_[a-z2-7]{26}$/;
const auth = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

async function capturedPayment(emu: CheckoutComEmulator, key = emu.credentials.secretKey, amount = 100) {
  const res = await emu.app.inject({
    method: 'POST',
    url: '/payments',
    headers: auth(key),
    payload: { ...SEED_BODY, amount },
  });
  assert.equal(res.statusCode, 202, res.body);
  const id: string = res.json().id;
  assert.ok(emu.control.completePayment(id, 'approve').ok);
  return id;
}

type RefundCall = { body?: unknown; key?: string; idempotencyKey?: string; raw?: string };

async function refund(emu: CheckoutComEmulator, paymentId: string, call: RefundCall = {}) {
  const payload = call.raw ?? (call.body === undefined ? undefined : JSON.stringify(call.body));
  return emu.app.inject({
    method: 'POST',
    url: `/payments/${paymentId}/refunds`,
    headers: {
      ...auth(call.key ?? emu.credentials.secretKey),
      ...(payload !== undefined && { 'content-type': 'application/json' }),
      ...(call.idempotencyKey !== undefined && { 'cko-idempotency-key': call.idempotencyKey }),
    },
    ...(payload !== undefined && { payload }),
  });
}

async function refundOk(emu: CheckoutComEmulator, paymentId: string, call: RefundCall = {}): Promise<Json> {
  const res = await refund(emu, paymentId, call);
  assert.equal(res.statusCode, 202, res.body);
  return res.json();
}

async function details(emu: CheckoutComEmulator, id: string, key = emu.credentials.secretKey): Promise<Json> {
  const res = await emu.app.inject({ method: 'GET', url: `/payments/${id}`, headers: auth(key) });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function actions(emu: CheckoutComEmulator, id: string): Promise<Json[]> {
  const res = await emu.app.inject({
    method: 'GET',
    url: `/payments/${id}/actions`,
    headers: auth(emu.credentials.secretKey),
  });
  return res.json();
}

const events = (emu: CheckoutComEmulator, id: string) => emu.control.getPayment(id)?.events ?? [];
const refundEvents = (emu: CheckoutComEmulator, id: string) =>
  events(emu, id).filter((event) => event.type.startsWith('payment_refund'));
const balancesOf = (body: Json) => [
  body.balances.total_captured,
  body.balances.total_refunded,
  body.balances.available_to_refund,
];

describe('a full refund', () => {
  const emu = newEmulator();

  test('202 with action_id and payment link; pending until approved, then Refunded', async () => {
    const id = await capturedPayment(emu);
    const res = await refund(emu, id, { body: { reference: 'RF-1', metadata: { why: 'return' } } });
    assert.equal(res.statusCode, 202);
    assert.ok(res.headers['cko-request-id']);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['_links', 'action_id', 'reference']);
    assert.match(body.action_id, ACT);
    assert.equal(body.reference, 'RF-1');
    assert.equal(body._links.payment.href, `http://localhost:80/payments/${id}`);

    // Pending: the status is unchanged, the amount is reserved, no action yet.
    const pending = await details(emu, id);
    assert.equal(pending.status, 'Captured');
    assert.deepEqual(balancesOf(pending), [100, 0, 0]);
    assert.equal(pending._links.refund, undefined);
    assert.deepEqual(
      (await actions(emu, id)).map((a) => a.type),
      ['Capture'],
    );
    const [requested] = refundEvents(emu, id);
    assert.equal(requested?.type, 'payment_refund_pending');
    assert.equal(requested?.data.action_id, body.action_id);
    assert.equal(requested?.data.amount, 100);
    assert.equal(requested?.data.currency, 'QAR');
    assert.equal(requested?.data.reference, 'RF-1');
    assert.deepEqual(requested?.data.metadata, { why: 'return' });
    assert.equal(emu.control.listRefunds()[0]?.status, 'pending');

    emu.control.advanceClock(3 * MINUTE);
    const approved = emu.control.approveRefund(body.action_id);
    assert.ok(approved.ok);
    assert.equal(approved.refund.status, 'approved');
    assert.equal(approved.refund.settled_on, new Date(T0 + 3 * MINUTE).toISOString());

    const done = await details(emu, id);
    assert.equal(done.status, 'Refunded');
    assert.equal(done.approved, true);
    assert.deepEqual(balancesOf(done), [100, 100, 0]);
    assert.equal(done._links.refund, undefined);
    const list = await actions(emu, id);
    assert.deepEqual(list[0], {
      id: body.action_id,
      type: 'Refund',
      processed_on: new Date(T0 + 3 * MINUTE).toISOString(),
      amount: 100,
      approved: true,
      response_code: '10000',
      response_summary: 'Approved',
      reference: 'RF-1',
      metadata: { why: 'return' },
    });
    assert.equal(list[1]?.type, 'Capture');

    const refunded = refundEvents(emu, id)[1];
    assert.equal(refunded?.type, 'payment_refunded');
    assert.equal(refunded?.data.action_id, body.action_id);
    assert.equal(refunded?.data.amount, 100);
    assert.equal(refunded?.data.response_code, '10000');
    assert.deepEqual(refunded?.data.balances, {
      total_authorized: 100,
      total_voided: 0,
      available_to_void: 0,
      total_captured: 100,
      available_to_capture: 0,
      total_refunded: 100,
      available_to_refund: 0,
    });
  });

  test('a fully refunded payment cannot be refunded again (403)', async () => {
    const id = await capturedPayment(emu);
    const { action_id: actionId } = await refundOk(emu, id);
    emu.control.approveRefund(actionId);
    const again = await refund(emu, id, { body: { amount: 1 } });
    assert.equal(again.statusCode, 403);
    assert.equal(again.json().error_codes[0], 'refund_not_allowed');
  });
});

describe('partial refunds', () => {
  const emu = newEmulator();

  test('two partials up to the total: Partially Refunded, then Refunded', async () => {
    const id = await capturedPayment(emu);
    const first = await refundOk(emu, id, { body: { amount: 40 } });
    assert.equal('reference' in first, false);
    emu.control.approveRefund(first.action_id);
    const part = await details(emu, id);
    assert.equal(part.status, 'Partially Refunded');
    assert.equal(part.approved, true);
    assert.deepEqual(balancesOf(part), [100, 40, 60]);
    assert.equal(part._links.refund.href, `http://localhost:80/payments/${id}/refunds`);
    // Without a reference of its own, the refund's webhooks carry the payment's.
    assert.equal(refundEvents(emu, id).at(-1)?.data.reference, 'ORD-7');
    assert.deepEqual(refundEvents(emu, id).at(-1)?.data.balances?.available_to_refund, 60);

    // No amount: the whole remaining balance.
    const second = await refundOk(emu, id);
    assert.equal(emu.control.listRefunds().find((r) => r.action_id === second.action_id)?.amount, 60);
    emu.control.approveRefund(second.action_id);
    const full = await details(emu, id);
    assert.equal(full.status, 'Refunded');
    assert.deepEqual(balancesOf(full), [100, 100, 0]);
    assert.deepEqual(
      (await actions(emu, id)).map((a) => [a.type, a.amount]),
      [
        ['Refund', 60],
        ['Refund', 40],
        ['Capture', 100],
      ],
    );
  });
});

describe('the refundable balance', () => {
  const emu = newEmulator();

  test('pending refunds count: over-refunding is 422 refund_amount_exceeds_balance', async () => {
    const id = await capturedPayment(emu);
    await refundOk(emu, id, { body: { amount: 70 } });
    const over = await refund(emu, id, { body: { amount: 31 } });
    assert.equal(over.statusCode, 422);
    const body: Json = over.json();
    assert.deepEqual(
      { ...body, request_id: undefined },
      {
        request_id: undefined,
        error_type: 'request_invalid',
        error_codes: ['refund_amount_exceeds_balance'],
      },
    );
    assert.equal(over.json().request_id, over.headers['cko-request-id']);
    // No amount: what the pending 70 leaves.
    const rest = await refundOk(emu, id);
    assert.equal(emu.control.listRefunds().find((r) => r.action_id === rest.action_id)?.amount, 30);
    for (const body of [{ amount: 1 }, undefined]) {
      const none = await refund(emu, id, { ...(body && { body }) });
      assert.equal(none.statusCode, 422, JSON.stringify(body));
      assert.deepEqual(none.json().error_codes, ['refund_amount_exceeds_balance']);
    }
    assert.equal(emu.control.listRefunds().length, 2);
    assert.equal((await details(emu, id)).status, 'Captured');
  });

  test('a declined refund releases its amount; the payment stays Captured', async () => {
    const id = await capturedPayment(emu);
    const { action_id: actionId } = await refundOk(emu, id, { body: { amount: 100, reference: 'RF-D' } });
    const declined = emu.control.declineRefund(actionId);
    assert.ok(declined.ok);
    assert.equal(declined.refund.status, 'declined');
    const body = await details(emu, id);
    assert.equal(body.status, 'Captured');
    assert.deepEqual(balancesOf(body), [100, 0, 100]);
    assert.ok(body._links.refund);
    const [action] = await actions(emu, id);
    assert.deepEqual(
      [action?.id, action?.type, action?.amount, action?.approved, action?.response_code, action?.response_summary],
      [actionId, 'Refund', 100, false, '20005', 'Declined - Do Not Honour'],
    );
    const event = refundEvents(emu, id).at(-1);
    assert.equal(event?.type, 'payment_refund_declined');
    assert.equal(event?.data.action_id, actionId);
    assert.equal(event?.data.response_code, '20005');
    assert.equal(event?.data.balances?.total_refunded, 0);
    assert.equal(event?.data.balances?.available_to_refund, 100);
    await refundOk(emu, id, { body: { amount: 100 } });
  });
});

describe('refund requests that are refused', () => {
  const emu = newEmulator();
  const create = async () => {
    const res = await emu.app.inject({
      method: 'POST',
      url: '/payments',
      headers: auth(emu.credentials.secretKey),
      payload: SEED_BODY,
    });
    return res.json().id as string;
  };

  test('403 action_not_allowed for a payment that is not captured', async () => {
    const pending = await create();
    const declined = await create();
    emu.control.completePayment(declined, 'decline');
    for (const id of [pending, declined]) {
      const res = await refund(emu, id, { body: { amount: 10 } });
      assert.equal(res.statusCode, 403);
      const body: Json = res.json();
      assert.deepEqual(
        { ...body, request_id: undefined },
        {
          request_id: undefined,
          error_type: 'action_not_allowed',
          error_codes: ['refund_not_allowed'],
        },
      );
      assert.equal(res.json().request_id, res.headers['cko-request-id']);
    }
    assert.deepEqual(emu.control.listRefunds(), []);
  });

  test('404 with an empty body for unknown ids, sid_ ids, and 401 without a key', async () => {
    const id = await capturedPayment(emu);
    const sid = emu.control.getPayment(id)?.sessions[0]?.id ?? '';
    assert.match(sid, /^sid_/);
    for (const target of ['pay_aaaaaaaaaaaaaaaaaaaaaaaaaa', sid]) {
      const res = await refund(emu, target);
      assert.equal(res.statusCode, 404, target);
      assert.equal(res.body, '');
    }
    const res = await refund(emu, id, { key: 'sk_sbox_wrong' });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(emu.control.listRefunds(), []);
  });

  const cases: [string, string, string[]][] = [
    ['amount zero', '{"amount":0}', ['amount_invalid']],
    ['amount negative', '{"amount":-5}', ['amount_invalid']],
    ['amount decimal', '{"amount":10.5}', ['amount_invalid']],
    ['amount string', '{"amount":"10"}', ['amount_invalid']],
    ['reference too long', JSON.stringify({ reference: 'r'.repeat(51) }), ['reference_invalid']],
    ['reference number', '{"reference":7}', ['reference_invalid']],
    ['metadata array', '{"metadata":[1]}', ['metadata_invalid']],
    ['every code at once', '{"amount":0,"reference":7}', ['amount_invalid', 'reference_invalid']],
    ['not JSON', '{"amount":', ['request_body_malformed']],
    ['an array', '[]', ['request_body_malformed']],
  ];
  for (const [name, raw, codes] of cases) {
    test(`422 ${codes.join(', ')} (${name})`, async () => {
      const id = await capturedPayment(emu);
      const res = await refund(emu, id, { raw });
      assert.equal(res.statusCode, 422);
      assert.deepEqual(res.json().error_codes, codes);
      assert.equal(emu.control.getPayment(id)?.refunds.length, 0);
    });
  }

  test('a 50-character reference, JSON null and an empty JSON body are accepted', async () => {
    for (const raw of [JSON.stringify({ amount: 1, reference: 'r'.repeat(50) }), 'null', '']) {
      const id = await capturedPayment(emu);
      assert.equal((await refund(emu, id, { raw })).statusCode, 202, raw);
    }
  });

  test('voids and captures are 403 action_not_allowed for QPay; unknown payments 404', async () => {
    const id = await capturedPayment(emu);
    for (const [path, code] of [
      ['voids', 'void_not_allowed'],
      ['captures', 'capture_not_allowed'],
    ]) {
      const res = await emu.app.inject({
        method: 'POST',
        url: `/payments/${id}/${path}`,
        headers: auth(emu.credentials.secretKey),
        payload: { amount: 100 },
      });
      assert.equal(res.statusCode, 403, path);
      assert.equal(res.json().error_type, 'action_not_allowed');
      assert.deepEqual(res.json().error_codes, [code]);
      const unknown = await emu.app.inject({
        method: 'POST',
        url: `/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa/${path}`,
        headers: auth(emu.credentials.secretKey),
      });
      assert.equal(unknown.statusCode, 404);
    }
    assert.equal((await details(emu, id)).status, 'Captured');
    assert.equal((await actions(emu, id)).length, 1);
  });
});

describe('idempotency of refunds', () => {
  const emu = newEmulator();

  test('a replay returns the same status and body and refunds once', async () => {
    const id = await capturedPayment(emu);
    const first = await refund(emu, id, { body: { amount: 30 }, idempotencyKey: 'rf-1' });
    const again = await refund(emu, id, { body: { amount: 30 }, idempotencyKey: 'rf-1' });
    assert.equal(first.statusCode, 202);
    assert.equal(again.statusCode, 202);
    assert.equal(again.body, first.body);
    assert.equal(emu.control.getPayment(id)?.refunds.length, 1);
    assert.equal(refundEvents(emu, id).length, 1);
    assert.deepEqual(balancesOf(await details(emu, id)), [100, 0, 70]);
    // Another key is another refund.
    const other = await refundOk(emu, id, { body: { amount: 30 }, idempotencyKey: 'rf-2' });
    assert.notEqual(other.action_id, first.json().action_id);
    // The same key on another payment's refunds is a new request, not a replay.
    const id2 = await capturedPayment(emu);
    const elsewhere = await refundOk(emu, id2, { body: { amount: 30 }, idempotencyKey: 'rf-1' });
    assert.notEqual(elsewhere.action_id, first.json().action_id);
  });

  test('4xx answers are not cached', async () => {
    const id = await capturedPayment(emu);
    const over = await refund(emu, id, { body: { amount: 1000 }, idempotencyKey: 'rf-3' });
    assert.equal(over.statusCode, 422);
    const ok = await refund(emu, id, { body: { amount: 100 }, idempotencyKey: 'rf-3' });
    assert.equal(ok.statusCode, 202);
    assert.equal(emu.control.getPayment(id)?.refunds.length, 1);
  });

  test('cached answers last 24 hours of emulator time', async () => {
    const id = await capturedPayment(emu);
    const first = await refundOk(emu, id, { body: { amount: 10 }, idempotencyKey: 'rf-4' });
    emu.control.advanceClock(24 * 60 * MINUTE - 1);
    assert.equal(
      (await refundOk(emu, id, { body: { amount: 10 }, idempotencyKey: 'rf-4' })).action_id,
      first.action_id,
    );
    emu.control.advanceClock(1);
    assert.notEqual(
      (await refundOk(emu, id, { body: { amount: 10 }, idempotencyKey: 'rf-4' })).action_id,
      first.action_id,
    );
  });
});

describe('automatic approval after refund_approval_delay_ms', () => {
  test('approved once the delay has passed, through advanceClock, dated when it fell due', async () => {
    const emu = newEmulator();
    const id = await capturedPayment(emu);
    const earlier = await refundOk(emu, id, { body: { amount: 10 } });
    emu.control.updateSettings({ refundApprovalDelayMs: 5 * MINUTE });
    const { action_id: actionId } = await refundOk(emu, id, { body: { amount: 90 } });
    const view = emu.control.listRefunds().find((r) => r.action_id === actionId);
    assert.equal(view?.approves_on, new Date(T0 + 5 * MINUTE).toISOString());

    assert.deepEqual(emu.control.advanceClock(5 * MINUTE - 1).approved_refunds, []);
    assert.equal((await details(emu, id)).status, 'Captured');
    const moved = emu.control.advanceClock(MINUTE);
    assert.deepEqual(moved.approved_refunds, [actionId]);
    const body = await details(emu, id);
    assert.equal(body.status, 'Partially Refunded');
    assert.deepEqual(balancesOf(body), [100, 90, 0]);
    assert.equal((await actions(emu, id))[0]?.processed_on, new Date(T0 + 5 * MINUTE).toISOString());
    assert.equal(refundEvents(emu, id).at(-1)?.type, 'payment_refunded');
    // The delay applies to refunds requested once it is set; the earlier one still waits for QPay.
    emu.control.advanceClock(24 * 60 * MINUTE);
    assert.equal(emu.control.listRefunds().find((r) => r.action_id === earlier.action_id)?.status, 'pending');
    assert.equal(emu.control.approveRefund(actionId).ok, false);
  });

  test('seen lazily on a read, and set or cleared over HTTP', async () => {
    const emu = newEmulator();
    const set = await emu.app.inject({
      method: 'POST',
      url: '/__control/settings',
      payload: { refund_approval_delay_ms: 1000 },
    });
    assert.equal(set.json().refund_approval_delay_ms, 1000);
    assert.equal(emu.control.settings().refundApprovalDelayMs, 1000);
    const id = await capturedPayment(emu);
    const { action_id: actionId } = await refundOk(emu, id);
    emu.clock.advance(1000);
    assert.equal((await details(emu, id)).status, 'Refunded');
    assert.equal(emu.control.listRefunds()[0]?.action_id, actionId);
    assert.equal(emu.control.listRefunds()[0]?.status, 'approved');

    for (const bad of [-1, 1.5, '10']) {
      const res = await emu.app.inject({
        method: 'POST',
        url: '/__control/settings',
        payload: { refund_approval_delay_ms: bad },
      });
      assert.equal(res.statusCode, 400, String(bad));
    }
    const cleared = await emu.app.inject({
      method: 'POST',
      url: '/__control/settings',
      payload: { refund_approval_delay_ms: null },
    });
    assert.equal(cleared.statusCode, 200);
    assert.equal('refund_approval_delay_ms' in cleared.json(), false);
    assert.equal(emu.control.settings().refundApprovalDelayMs, null);
    const id2 = await capturedPayment(emu);
    await refundOk(emu, id2);
    emu.control.advanceClock(365 * 24 * 60 * MINUTE);
    assert.equal((await details(emu, id2)).status, 'Captured');
  });

  test('the real-time sweep approves due refunds without a read', async () => {
    const emu = createCheckoutComEmulator({ sweepIntervalMs: 10, refundApprovalDelayMs: 0 });
    after(() => emu.app.close());
    await emu.app.ready();
    const id = await capturedPayment(emu);
    // A listener sees events as they happen; reading the payment would approve it lazily instead.
    const seen: string[] = [];
    emu.control.onEvent((event) => seen.push(event.type));
    await refundOk(emu, id, { body: { amount: 25 } });
    await waitFor(() => seen.includes('payment_refunded'), 'the sweep');
    assert.deepEqual(seen, ['payment_refund_pending', 'payment_refunded']);
  });
});

describe('entities', () => {
  const emu = newEmulator();

  test("another entity's payment is 404 for refunds; idempotency keys are per entity", async () => {
    const other = emu.control.createEntity();
    const id = await capturedPayment(emu);
    const theirs = await refund(emu, id, { key: other.secretKey, body: { amount: 10 }, idempotencyKey: 'shared' });
    assert.equal(theirs.statusCode, 404);
    assert.equal(theirs.body, '');
    const mine = await refundOk(emu, id, { body: { amount: 10 }, idempotencyKey: 'shared' });
    // The other entity's retry with the same key does not get the first entity's answer.
    const replayed = await refund(emu, id, { key: other.secretKey, body: { amount: 10 }, idempotencyKey: 'shared' });
    assert.equal(replayed.statusCode, 404);
    const ownId = await capturedPayment(emu, other.secretKey);
    const own = await refundOk(emu, ownId, { key: other.secretKey, body: { amount: 10 }, idempotencyKey: 'shared' });
    assert.notEqual(own.action_id, mine.action_id);
    const views = emu.control.listRefunds();
    assert.deepEqual(
      views.map((r) => [r.payment_id, r.entity_id]),
      [
        [id, emu.entities.defaultEntity().id],
        [ownId, other.id],
      ],
    );
  });
});

describe('control API for refunds', () => {
  const emu = newEmulator();
  const call = (method: 'GET' | 'POST', url: string) => emu.app.inject({ method, url: `/__control${url}` });

  test('list, approve, decline; 404 for an unknown refund, 409 once settled; reset forgets them', async () => {
    const id = await capturedPayment(emu);
    const a = await refundOk(emu, id, { body: { amount: 30, reference: 'RF-A' } });
    const b = await refundOk(emu, id, { body: { amount: 20 } });
    emu.control.advanceClock(MINUTE);

    const listed = (await call('GET', '/refunds')).json().refunds;
    assert.deepEqual(listed[0], {
      action_id: a.action_id,
      payment_id: id,
      entity_id: emu.entities.defaultEntity().id,
      amount: 30,
      currency: 'QAR',
      reference: 'RF-A',
      metadata: null,
      status: 'pending',
      requested_on: new Date(T0).toISOString(),
      approves_on: null,
      settled_on: null,
    });
    assert.equal(listed.length, 2);

    const approved = await call('POST', `/refunds/${a.action_id}/approve`);
    assert.equal(approved.statusCode, 200);
    assert.equal(approved.json().status, 'approved');
    assert.equal(approved.json().settled_on, new Date(T0 + MINUTE).toISOString());
    const declined = await call('POST', `/refunds/${b.action_id}/decline`);
    assert.equal(declined.json().status, 'declined');

    for (const path of [`/refunds/${a.action_id}/decline`, `/refunds/${b.action_id}/approve`]) {
      const res = await call('POST', path);
      assert.equal(res.statusCode, 409, path);
      assert.equal(res.json().error, 'refund_not_pending');
    }
    for (const path of ['/refunds/act_aaaaaaaaaaaaaaaaaaaaaaaaaa/approve', '/refunds/nope/decline']) {
      const res = await call('POST', path);
      assert.equal(res.statusCode, 404, path);
      assert.equal(res.json().error, 'refund_not_found');
    }
    assert.deepEqual(emu.control.approveRefund('act_x'), { ok: false, error: 'refund_not_found' });
    const twice = emu.control.declineRefund(a.action_id);
    assert.equal(twice.ok, false);
    assert.equal(!twice.ok && twice.error, 'refund_not_pending');

    const payment = (await call('GET', `/payments/${id}`)).json();
    assert.deepEqual(
      payment.refunds.map((r: Json) => r.status),
      ['approved', 'declined'],
    );
    assert.equal(payment.balances.total_refunded, 30);
    assert.equal(payment.status, 'Partially Refunded');

    await call('POST', '/reset');
    assert.deepEqual((await call('GET', '/refunds')).json().refunds, []);
  });
});

describe('over real sockets: signed refund webhooks and faults', () => {
  let emu: RunningEmulator<CheckoutComControl>;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  const agent = new Agent();
  before(async () => {
    rx = await startReceiver();
    emu = await startEmulator('checkout_com', {
      webhooks: [{ url: rx.url('/hooks') }],
      notificationRetryDelaysMs: [20],
    });
  });
  after(async () => {
    await emu.close();
    await rx.close();
    await agent.close();
  });

  const post = (path: string, body?: unknown, key?: string, timeoutMs = 5_000) =>
    postOver(emu, agent, path, body, key, timeoutMs);
  const captured = async (): Promise<string> => {
    const res = await post('/payments', SEED_BODY);
    const { id } = (await res.body.json()) as Json;
    emu.control.completePayment(id, 'approve');
    return id;
  };
  const refundsOf = (id: string) => emu.control.listRefunds().filter((r) => r.payment_id === id);

  test('payment_refund_pending and payment_refunded are sent signed, in the documented envelope', async () => {
    const id = await captured();
    const res = await post(`/payments/${id}/refunds`, { amount: 40, reference: 'RF-W' });
    assert.equal(res.statusCode, 202);
    const { action_id: actionId } = (await res.body.json()) as Json;
    emu.control.approveRefund(actionId);
    const ours = () => rx.hits.filter((hit) => hit.body.data?.action_id === actionId);
    await waitFor(() => ours().length === 2, 'refund webhooks');
    assert.deepEqual(
      ours()
        .map((hit) => hit.body.type)
        .sort(),
      ['payment_refund_pending', 'payment_refunded'],
    );
    for (const hit of ours()) {
      const signature = createHmac('sha256', emu.credentials.webhookSignatureKey).update(hit.raw).digest('hex');
      assert.equal(hit.headers['cko-signature'], signature);
      assert.equal(hit.body.data.id, id);
      assert.equal(hit.body.data.amount, 40);
      assert.equal(hit.body.data.currency, 'QAR');
      assert.equal(hit.body.data.reference, 'RF-W');
      assert.equal(hit.body._links.payment.href, `${emu.baseUrl}/payments/${id}`);
    }
    const done = ours().find((hit) => hit.body.type === 'payment_refunded')?.body.data;
    assert.deepEqual(
      [done.balances.total_captured, done.balances.total_refunded, done.balances.available_to_refund],
      [100, 40, 60],
    );
    assert.equal(done.response_summary, 'Approved');
    const pending = ours().find((hit) => hit.body.type === 'payment_refund_pending')?.body.data;
    assert.equal(pending.balances.available_to_refund, 60);
    assert.equal(pending.balances.total_refunded, 0);
  });

  test('timeout (match refund): processed but unanswered; a retry with the key gets the same action_id', async () => {
    const id = await captured();
    emu.control.addFault({ kind: 'timeout', match: 'refund' });
    await assert.rejects(post(`/payments/${id}/refunds`, { amount: 10 }, 'to-1', 300), {
      code: 'UND_ERR_HEADERS_TIMEOUT',
    });
    assert.equal(refundsOf(id).length, 1);
    const retry = await post(`/payments/${id}/refunds`, { amount: 10 }, 'to-1');
    assert.equal(retry.statusCode, 202);
    assert.equal(((await retry.body.json()) as Json).action_id, refundsOf(id)[0]?.action_id);
    assert.equal(refundsOf(id).length, 1);
  });

  test('server_error by match any: not processed; a create fault leaves refunds alone', async () => {
    const id = await captured();
    emu.control.addFault({ kind: 'server_error' });
    const failed = await post(`/payments/${id}/refunds`);
    assert.equal(failed.statusCode, 502);
    assert.match(await failed.body.text(), /Bad Gateway/);
    assert.equal(refundsOf(id).length, 0);

    emu.control.addFault({ kind: 'server_error', match: 'create' });
    const ok = await post(`/payments/${id}/refunds`);
    assert.equal(ok.statusCode, 202);
    await ok.body.dump();
    assert.equal(emu.control.listFaults().length, 1);
    emu.control.clearFaults();

    const added = await request(`${emu.baseUrl}/__control/faults`, {
      method: 'POST',
      dispatcher: agent,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'malformed', match: 'refund' }),
    });
    assert.equal(added.statusCode, 201);
    await added.body.dump();
    const id2 = await captured();
    const malformed = await post(`/payments/${id2}/refunds`);
    assert.equal(malformed.statusCode, 202);
    const text = await malformed.body.text();
    assert.throws(() => JSON.parse(text));
    assert.equal(refundsOf(id2).length, 1);
  });
});

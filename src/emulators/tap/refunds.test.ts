import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TapEmulator } from './server.ts';
import { auth, createOk, get, type Json, MINUTE, newEmulator, refund, T0 } from './test-support.ts';

async function captured(emu: TapEmulator, amount = 10): Promise<Json> {
  const charge = await createOk(emu, { amount });
  assert.equal(emu.control.completeCharge(charge.id, 'approve').ok, true);
  return charge;
}

const body = (chargeId: string, amount: number): Json => ({
  charge_id: chargeId,
  amount,
  currency: 'QAR',
  reason: 'requested_by_customer',
  description: 'partial',
  reference: { merchant: 'rf_1' },
  metadata: { udf1: 'x' },
});

const codes = (res: { json(): Json }) => res.json().errors.map((e: Json) => e.code);

describe('POST /v2/refunds', () => {
  const emu = newEmulator();

  test('a partial refund is PENDING in Tap’s refund shape; GET /v2/refunds/{id} reads it back', async () => {
    const charge = await captured(emu);
    const res = await refund(emu, body(charge.id, 2.5));
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.match(r.id, /^re_TS0/);
    assert.equal(r.object, 'refund');
    assert.equal(r.status, 'PENDING');
    assert.equal(r.amount, 2.5);
    assert.equal(r.currency, 'QAR');
    assert.equal(r.charge_id, charge.id);
    assert.equal(r.reason, 'requested_by_customer');
    assert.equal(r.description, 'partial');
    assert.deepEqual(r.reference, { merchant: 'rf_1' });
    assert.deepEqual(r.metadata, { udf1: 'x' });
    assert.equal(r.created, T0);
    const read = await get(emu, `/v2/refunds/${r.id}`);
    assert.equal(read.statusCode, 200);
    assert.deepEqual({ ...(read.json() as Json), method: 'CREATE' }, r);
    const unknown = await get(emu, '/v2/refunds/re_unknown');
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(codes(unknown), ['1145']);
  });

  test('several partial refunds up to the charged amount; pending ones count; over → 1117', async () => {
    const charge = await captured(emu, 10);
    assert.equal((await refund(emu, body(charge.id, 4))).statusCode, 200);
    assert.equal((await refund(emu, body(charge.id, 5.99))).statusCode, 200);
    const over = await refund(emu, body(charge.id, 0.02));
    assert.equal(over.statusCode, 400);
    assert.deepEqual(codes(over), ['1117']);
    assert.equal((await refund(emu, body(charge.id, 0.01))).statusCode, 200);
    assert.deepEqual(codes(await refund(emu, body(charge.id, 0.01))), ['1117']);
    assert.equal(emu.control.getCharge(charge.id)?._emulator.refundable_amount, 0);
  });

  test('a declined refund frees its amount again', async () => {
    const charge = await captured(emu, 1);
    const first = (await refund(emu, body(charge.id, 1))).json();
    assert.deepEqual(codes(await refund(emu, body(charge.id, 1))), ['1117']);
    assert.equal(emu.control.settleRefund(first.id, 'decline').ok, true);
    assert.equal((await get(emu, `/v2/refunds/${first.id}`)).json().status, 'DECLINED');
    assert.equal((await refund(emu, body(charge.id, 1))).statusCode, 200);
  });

  test('refusals: not captured, wrong currency, unknown charge, bad fields', async () => {
    const initiated = await createOk(emu);
    const notCaptured = await refund(emu, body(initiated.id, 1));
    assert.equal(notCaptured.statusCode, 400);
    assert.deepEqual(codes(notCaptured), ['1103']);
    const charge = await captured(emu);
    assert.deepEqual(codes(await refund(emu, { ...body(charge.id, 1), currency: 'KWD' })), ['1118']);
    const unknown = await refund(emu, body('chg_TS01A0020261000abcd1501000', 1));
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(codes(unknown), ['1144']);
    assert.deepEqual(codes(await refund(emu, { ...body(charge.id, 1), charge_id: undefined })), ['1142']);
    assert.deepEqual(codes(await refund(emu, { ...body(charge.id, 1), charge_id: 'pay_1' })), ['1143']);
    assert.deepEqual(codes(await refund(emu, { ...body(charge.id, 1), amount: 0.001 })), ['1117']);
    assert.deepEqual(codes(await refund(emu, { ...body(charge.id, 1), reason: '' })), ['1103']);
    const empty = await emu.app.inject({
      method: 'POST',
      url: '/v2/refunds',
      headers: auth(emu.credentials.secretKey),
    });
    assert.deepEqual(codes(empty), ['1102']);
    // Another merchant cannot refund this charge.
    const other = emu.control.createMerchant();
    const foreign = await emu.app.inject({
      method: 'POST',
      url: '/v2/refunds/',
      headers: { ...auth(other.secretKey), 'content-type': 'application/json' },
      payload: JSON.stringify(body(charge.id, 1)),
    });
    assert.equal(foreign.statusCode, 404);
  });
});

describe('settling refunds', () => {
  test('approve → REFUNDED with references; decline and fail; a settled one is 409', async () => {
    const emu = newEmulator();
    const charge = await captured(emu);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await refund(emu, body(charge.id, 1))).json().id);
    const [a, b, c] = ids as [string, string, string];
    const approved = await emu.app.inject({ method: 'POST', url: `/__control/refunds/${a}/approve` });
    assert.equal(approved.statusCode, 200);
    assert.equal(approved.json().status, 'REFUNDED');
    assert.match(approved.json().reference.payment, /^\d+$/);
    assert.match(approved.json().reference.gateway, /^\d+$/);
    assert.equal(
      (await emu.app.inject({ method: 'POST', url: `/__control/refunds/${b}/decline` })).json().status,
      'DECLINED',
    );
    assert.equal(
      (await emu.app.inject({ method: 'POST', url: `/__control/refunds/${c}/fail` })).json().status,
      'FAILED',
    );
    assert.equal((await emu.app.inject({ method: 'POST', url: `/__control/refunds/${a}/decline` })).statusCode, 409);
    assert.equal((await emu.app.inject({ method: 'POST', url: '/__control/refunds/re_x/approve' })).statusCode, 404);
    const list = (await emu.app.inject({ method: 'GET', url: '/__control/refunds' })).json().refunds as Json[];
    assert.deepEqual(
      list.map((r) => r.status),
      ['REFUNDED', 'DECLINED', 'FAILED'],
    );
    assert.equal((await get(emu, `/v2/charges/${charge.id}`)).json().status, 'CAPTURED');
  });

  test('with refund_approval_delay_ms a refund is REFUNDED when the delay passes on the emulator clock', async () => {
    const emu = newEmulator({ refundApprovalDelayMs: 5 * MINUTE });
    const charge = await captured(emu);
    const r = (await refund(emu, body(charge.id, 1))).json();
    emu.control.advanceClock(5 * MINUTE - 1);
    assert.equal((await get(emu, `/v2/refunds/${r.id}`)).json().status, 'PENDING');
    emu.control.advanceClock(1);
    assert.equal((await get(emu, `/v2/refunds/${r.id}`)).json().status, 'REFUNDED');
    const view = emu.control.listRefunds()[0] as Json;
    assert.equal(view._emulator.settled_at, new Date(T0 + 5 * MINUTE).toISOString());
  });

  test('the sweep approves due refunds too, and the setting is changeable over HTTP', async () => {
    const emu = newEmulator();
    const set = await emu.app.inject({
      method: 'POST',
      url: '/__control/settings',
      payload: { refund_approval_delay_ms: 1000 },
    });
    assert.deepEqual(set.json(), { payment_window_ms: 30 * MINUTE, refund_approval_delay_ms: 1000 });
    const charge = await captured(emu);
    const r = (await refund(emu, body(charge.id, 1))).json();
    assert.deepEqual(emu.control.advanceClock(1000).refunded, [r.id]);
  });
});

describe('refund faults', () => {
  test('a malformed answer to a refund still records the refund (the fault acts on the answer)', async () => {
    const emu = newEmulator();
    const charge = await captured(emu);
    emu.control.addFault({ kind: 'malformed', match: 'refund' });
    const res = await refund(emu, body(charge.id, 1));
    assert.throws(() => JSON.parse(res.body));
    assert.equal(emu.control.listRefunds().length, 1, 'the refund was processed');
  });
});

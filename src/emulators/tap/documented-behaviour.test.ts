import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TapEmulator } from './server.ts';
import { createOk, get, type Json, MINUTE, newEmulator, pagePath, refund, SEED_BODY } from './test-support.ts';

const refundBody = (chargeId: string, amount: number, idempotent?: string): Json => ({
  charge_id: chargeId,
  amount,
  currency: 'QAR',
  reason: 'requested_by_customer',
  reference: { merchant: 'rf_1', ...(idempotent !== undefined && { idempotent }) },
});

async function captured(emu: TapEmulator, amount = 10): Promise<Json> {
  const charge = await createOk(emu, { amount });
  assert.equal(emu.control.completeCharge(charge.id, 'approve').ok, true);
  return charge;
}

describe('reference.idempotent (valid 24 hours)', () => {
  test('a repeated charge answers the first one; after 24 h it makes a new one', async () => {
    const emu = newEmulator();
    const reference = { ...SEED_BODY.reference, idempotent: 'pay_1:create' };
    const first = await createOk(emu, { reference });
    const again = await createOk(emu, { reference });
    assert.equal(again.id, first.id);
    assert.equal(again.reference.idempotent, 'pay_1:create');
    assert.equal(emu.control.listCharges().length, 1);
    const other = await createOk(emu, { reference: { ...reference, idempotent: 'pay_2:create' } });
    assert.notEqual(other.id, first.id);
    emu.control.advanceClock(24 * 60 * MINUTE);
    const later = await createOk(emu, { reference });
    assert.notEqual(later.id, first.id);
  });

  test('a repeated refund answers the first refund and refunds nothing more', async () => {
    const emu = newEmulator();
    const charge = await captured(emu);
    const first = (await refund(emu, refundBody(charge.id, 6, 're_1:refund'))).json();
    const again = await refund(emu, refundBody(charge.id, 6, 're_1:refund'));
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().id, first.id);
    assert.equal(emu.control.listRefunds().length, 1);
    assert.equal(emu.control.getCharge(charge.id)?._emulator.refundable_amount, 4);
  });
});

describe('response codes from Tap’s table', () => {
  test('customer cancel 302, abandoned 301, expiry 304', async () => {
    const emu = newEmulator();
    const cancelled = await createOk(emu);
    emu.control.completeCharge(cancelled.id, 'cancel');
    const c = (await get(emu, `/v2/charges/${cancelled.id}`)).json();
    assert.deepEqual([c.status, c.response.code], ['CANCELLED', '302']);
    const left = await createOk(emu);
    emu.control.completeCharge(left.id, 'abandon');
    const l = (await get(emu, `/v2/charges/${left.id}`)).json();
    assert.deepEqual([l.status, l.response.code], ['ABANDONED', '301']);
    const lapsed = await createOk(emu);
    emu.control.advanceClock(31 * MINUTE);
    const x = (await get(emu, `/v2/charges/${lapsed.id}`)).json();
    assert.deepEqual([x.status, x.response.code], ['ABANDONED', '304']);
  });

  test('refund declined 501, refund failed 401', async () => {
    const emu = newEmulator();
    const charge = await captured(emu);
    const a = (await refund(emu, refundBody(charge.id, 1))).json();
    const b = (await refund(emu, refundBody(charge.id, 1))).json();
    emu.control.settleRefund(a.id, 'decline');
    emu.control.settleRefund(b.id, 'fail');
    assert.deepEqual(
      [
        (await get(emu, `/v2/refunds/${a.id}`)).json().response.code,
        (await get(emu, `/v2/refunds/${b.id}`)).json().response.code,
      ],
      ['501', '401'],
    );
  });
});

describe('refund statuses', () => {
  test('IN_PROGRESS, ACCEPTED and UNKNOWN hold the amount and can still move; CANCELLED, RESTRICTED and TIMEDOUT release it', async () => {
    const emu = newEmulator();
    for (const [step, status] of [
      ['progress', 'IN_PROGRESS'],
      ['accept', 'ACCEPTED'],
      ['unknown', 'UNKNOWN'],
    ] as const) {
      const charge = await captured(emu);
      const r = (await refund(emu, refundBody(charge.id, 10))).json();
      assert.equal(emu.control.settleRefund(r.id, step).ok, true);
      assert.equal((await get(emu, `/v2/refunds/${r.id}`)).json().status, status);
      assert.equal(emu.control.getCharge(charge.id)?._emulator.refundable_amount, 0, status);
      assert.equal(emu.control.settleRefund(r.id, 'approve').ok, true, `${status} can still be refunded`);
    }
    for (const [step, status] of [
      ['cancel', 'CANCELLED'],
      ['restrict', 'RESTRICTED'],
      ['timeout', 'TIMEDOUT'],
    ] as const) {
      const charge = await captured(emu);
      const r = (await refund(emu, refundBody(charge.id, 10))).json();
      assert.equal(emu.control.settleRefund(r.id, step).ok, true);
      assert.equal((await get(emu, `/v2/refunds/${r.id}`)).json().status, status);
      assert.equal(emu.control.getCharge(charge.id)?._emulator.refundable_amount, 10, status);
      assert.equal(emu.control.settleRefund(r.id, 'approve').ok, false, `${status} is final`);
    }
  });

  test('every refund move is on the control API', async () => {
    const emu = newEmulator();
    const charge = await captured(emu);
    const r = (await refund(emu, refundBody(charge.id, 1))).json();
    const res = await emu.app.inject({ method: 'POST', url: `/__control/refunds/${r.id}/restrict` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().status, 'RESTRICTED');
  });
});

describe('lang_code', () => {
  test('the QPay page opens in Arabic when the charge asks; the customer can still switch', async () => {
    const emu = newEmulator();
    const ar = await createOk(emu, { lang_code: 'AR' });
    const page = await emu.app.inject({ method: 'GET', url: pagePath(ar) });
    assert.match(page.body, /<html[^>]*lang="ar"/);
    const switched = await emu.app.inject({ method: 'GET', url: `${pagePath(ar)}&lang=en` });
    assert.match(switched.body, /<html[^>]*lang="en"/);
    const en = await createOk(emu);
    assert.match((await emu.app.inject({ method: 'GET', url: pagePath(en) })).body, /<html[^>]*lang="en"/);
  });
});

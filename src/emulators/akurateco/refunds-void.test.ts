import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  expectedHash,
  MERCHANT_KEY,
  MINUTE,
  newEmulator,
  openSession,
  PASSWORD,
  post,
  settledPayment,
  startReceiver,
  status,
  waitFor,
} from './test-support.ts';

type Emu = ReturnType<typeof newEmulator>;
const HOUR = 60 * MINUTE;

function refund(emu: Emu, id: string, amount?: string) {
  const hash = amount === undefined ? expectedHash(id, PASSWORD) : expectedHash(id, amount, PASSWORD);
  return post(emu, '/api/v1/payment/refund', {
    merchant_key: MERCHANT_KEY,
    payment_id: id,
    ...(amount !== undefined && { amount }),
    hash,
  });
}

function voidIt(emu: Emu, id: string) {
  return post(emu, '/api/v1/payment/void', {
    merchant_key: MERCHANT_KEY,
    payment_id: id,
    hash: expectedHash(id, PASSWORD),
  });
}

const waitingRefunds = (emu: Emu) => emu.control.listRefunds().filter((r) => r.status === 'waiting');

describe('refunds', () => {
  test('accepted asynchronously, then approved → callback refund success, status refund', async () => {
    const rx = await startReceiver();
    const emu = newEmulator({ notificationUrl: rx.url('/cb') });
    const id = await settledPayment(emu);
    const res = await refund(emu, id);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { payment_id: id, result: 'accepted' });
    assert.equal((await status(emu, id)).json().status, 'settled');
    const [pending] = waitingRefunds(emu);
    assert.equal(pending?.amount, '3.01');
    const approved = await emu.app.inject({ method: 'POST', url: `/__control/refunds/${pending?.id}/approve` });
    assert.equal(approved.json().status, 'success');
    assert.equal((await status(emu, id)).json().status, 'refund');
    await waitFor(() => rx.hits.length === 2, 'sale + refund callbacks');
    const form = rx.hits[1]?.form ?? {};
    assert.deepEqual([form.type, form.status, form.order_status], ['refund', 'success', 'refund']);
    assert.equal(form.hash, expectedHash(id, 'order-1234', '3.01', 'QAR', 'Very important gift', PASSWORD));
  });

  test('partials up to the amount; status stays settled until fully refunded', async () => {
    const emu = newEmulator();
    const id = await settledPayment(emu);
    assert.equal((await refund(emu, id, '1.00')).statusCode, 200);
    assert.equal((await refund(emu, id, '2.00')).statusCode, 200);
    const over = await refund(emu, id, '0.02');
    assert.equal(over.statusCode, 400);
    assert.equal(over.json().error_code, 208006, 'documented: refund bigger than the payment');
    for (const r of waitingRefunds(emu)) emu.control.settleRefund(r.id as string, 'approve');
    assert.equal((await status(emu, id)).json().status, 'settled');
    assert.equal((await refund(emu, id)).statusCode, 200, 'the rest (0.01) as a full refund');
    const [last] = waitingRefunds(emu);
    assert.equal(last?.amount, '0.01');
    emu.control.settleRefund(last?.id as string, 'approve');
    assert.equal((await status(emu, id)).json().status, 'refund');
  });

  test('a declined refund frees its amount and sends refund fail', async () => {
    const emu = newEmulator();
    const events: string[] = [];
    emu.control.onEvent((e) => events.push(`${e.type}.${e.status}`));
    const id = await settledPayment(emu);
    await refund(emu, id, '3.01');
    const [r] = waitingRefunds(emu);
    emu.control.settleRefund(r?.id as string, 'decline');
    assert.equal((await status(emu, id)).json().status, 'settled');
    assert.deepEqual(events, ['sale.success', 'refund.fail']);
    assert.equal((await refund(emu, id, '3.01')).statusCode, 200);
    assert.equal(emu.control.settleRefund(r?.id as string, 'approve').ok, false);
  });

  test('a configured delay on the emulator clock settles it', async () => {
    const emu = newEmulator({ refundApprovalDelayMs: 10 * MINUTE });
    const id = await settledPayment(emu);
    await refund(emu, id, '3.01');
    assert.deepEqual(emu.control.advanceClock(10 * MINUTE - 1).refunded, []);
    assert.equal(emu.control.advanceClock(1).refunded.length, 1);
    assert.equal((await status(emu, id)).json().status, 'refund');
  });

  test('refused: not settled, bad hash, bad amount format', async () => {
    const emu = newEmulator();
    const { id } = await openSession(emu);
    const notSettled = await refund(emu, id);
    assert.equal(notSettled.statusCode, 400);
    assert.equal(notSettled.json().error_code, 208005, 'documented: refund not in settled status');
    const paid = await settledPayment(emu);
    const badHash = await post(emu, '/api/v1/payment/refund', {
      merchant_key: MERCHANT_KEY,
      payment_id: paid,
      amount: '1.00',
      hash: expectedHash(paid, PASSWORD),
    });
    assert.equal(badHash.statusCode, 401);
    assert.equal((await refund(emu, paid, '1.0')).statusCode, 400);
    assert.equal(waitingRefunds(emu).length, 0);
  });
});

describe('void', () => {
  test('same Qatar day before 21:00 → VOID, status void, callback void', async () => {
    const rx = await startReceiver();
    const emu = newEmulator({ notificationUrl: rx.url('/cb') });
    const id = await settledPayment(emu); // 10:00 Qatar
    emu.control.advanceClock(10 * HOUR + 59 * MINUTE); // 20:59 Qatar
    const res = await voidIt(emu, id);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      status: 'VOID',
      payment_id: id,
      date: '2026-01-15 17:59:00',
      order: { number: 'order-1234', amount: '3.01', currency: 'QAR', description: 'Very important gift' },
    });
    assert.equal((await status(emu, id)).json().status, 'void');
    await waitFor(() => rx.hits.length === 2, 'void callback');
    assert.deepEqual([rx.hits[1]?.form.type, rx.hits[1]?.form.status], ['void', 'success']);
  });

  test('at 21:00 Qatar or on a later day → stays SETTLED with a reason', async () => {
    const emu = newEmulator();
    const id = await settledPayment(emu);
    emu.control.advanceClock(11 * HOUR); // 21:00 Qatar
    const late = (await voidIt(emu, id)).json();
    assert.equal(late.status, 'SETTLED');
    assert.match(late.reason, /21:00/);
    emu.control.advanceClock(4 * HOUR); // next day, 01:00 Qatar
    const nextDay = (await voidIt(emu, id)).json();
    assert.equal(nextDay.status, 'SETTLED');
    assert.match(nextDay.reason, /day of the payment/);
    assert.equal((await status(emu, id)).json().status, 'settled');
  });

  test('not settled → error body; refunded payments are not voided', async () => {
    const emu = newEmulator();
    const { id } = await openSession(emu);
    const res = await voidIt(emu, id);
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error_code, 301);
    const paid = await settledPayment(emu);
    await refund(emu, paid, '1.00');
    assert.equal((await voidIt(emu, paid)).json().status, 'SETTLED');
  });

  test('forced statuses: chargeback reachable over the control API with its callback', async () => {
    const emu = newEmulator();
    const events: string[] = [];
    emu.control.onEvent((e) => events.push(`${e.type}.${e.status}`));
    const id = await settledPayment(emu);
    const res = await emu.app.inject({
      method: 'POST',
      url: `/__control/payments/${id}/status`,
      payload: { status: 'chargeback' },
    });
    assert.equal(res.statusCode, 200);
    assert.equal((await status(emu, id)).json().status, 'chargeback');
    assert.deepEqual(events, ['sale.success', 'chargeback.success']);
    const bad = await emu.app.inject({
      method: 'POST',
      url: `/__control/payments/${id}/status`,
      payload: { status: 'settled' },
    });
    assert.equal(bad.statusCode, 400);
  });
});

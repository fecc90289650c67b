import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  expectedHash,
  MERCHANT_KEY,
  newEmulator,
  openSession,
  PASSWORD,
  post,
  sessionBody,
  settledPayment,
} from './test-support.ts';

type Emu = ReturnType<typeof newEmulator>;

const voidIt = (emu: Emu, id: string) =>
  post(emu, '/api/v1/payment/void', { merchant_key: MERCHANT_KEY, payment_id: id, hash: expectedHash(id, PASSWORD) });

describe('void answers in each documented shape', () => {
  test('VOID (TESS reference), the default', async () => {
    const emu = newEmulator();
    const json = (await voidIt(emu, await settledPayment(emu))).json();
    assert.equal(json.status, 'VOID');
    assert.equal(json.payment_status, undefined);
  });

  test('SUCCESS (TESS "void successful" example)', async () => {
    const emu = newEmulator({ voidAnswer: 'SUCCESS' });
    const id = await settledPayment(emu);
    const json = (await voidIt(emu, id)).json();
    assert.equal(json.status, 'SUCCESS');
    assert.equal(json.payment_id, id);
  });

  test('Success + payment_status void (Akurateco generic), set per merchant over the control API', async () => {
    const emu = newEmulator({ voidAnswer: 'SUCCESS' });
    const created = await emu.app.inject({
      method: 'POST',
      url: '/__control/merchants',
      payload: { password: 'pw-generic', void_answer: 'payment_status' },
    });
    assert.equal(created.statusCode, 201);
    assert.equal(created.json().void_answer, 'payment_status');
    const key = created.json().merchant_key as string;
    const o = { number: 'order-g', amount: '3.01', currency: 'QAR', description: 'Gift' };
    const session = await post(
      emu,
      '/api/v1/session',
      sessionBody(
        { merchant_key: key, hash: expectedHash(o.number, o.amount, o.currency, o.description, 'pw-generic') },
        o,
      ),
    );
    assert.equal(session.statusCode, 200);
    const payment = emu.control.listPayments().find((p) => (p.order as { number: string }).number === 'order-g');
    assert.ok(payment);
    const id = payment.payment_id as string;
    assert.equal(emu.control.completePayment(id, 'approve').ok, true);
    const json = (
      await post(emu, '/api/v1/payment/void', {
        merchant_key: key,
        payment_id: id,
        hash: expectedHash(id, 'pw-generic'),
      })
    ).json();
    assert.deepEqual([json.status, json.payment_status], ['Success', 'void']);
  });

  test('a refused void keeps the reference shape: SETTLED with a reason', async () => {
    const emu = newEmulator({ voidAnswer: 'SUCCESS' });
    const id = await settledPayment(emu);
    await post(emu, '/api/v1/payment/refund', {
      merchant_key: MERCHANT_KEY,
      payment_id: id,
      amount: '1.00',
      hash: expectedHash(id, '1.00', PASSWORD),
    });
    const json = (await voidIt(emu, id)).json();
    assert.equal(json.status, 'SETTLED');
    assert.equal(typeof json.reason, 'string');
  });
});

describe('request bodies', () => {
  test('the documents’ curl: a JSON text sent with the form Content-Type', async () => {
    const emu = newEmulator();
    const { id } = await openSession(emu);
    const res = await emu.app.inject({
      method: 'POST',
      url: '/api/v1/payment/status',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: JSON.stringify({ merchant_key: MERCHANT_KEY, payment_id: id, hash: expectedHash(id, PASSWORD) }),
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().payment_id, id);
  });

  test('a true key=value form, nested order fields included', async () => {
    const emu = newEmulator();
    const id = await settledPayment(emu);
    const form = new URLSearchParams({ merchant_key: MERCHANT_KEY, payment_id: id, hash: expectedHash(id, PASSWORD) });
    const res = await emu.app.inject({
      method: 'POST',
      url: '/api/v1/payment/void',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form.toString(),
    });
    assert.equal(res.json().status, 'VOID');
    const body = sessionBody({}, { number: 'order-form' });
    const session = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === 'object' && v !== null) {
        for (const [ik, iv] of Object.entries(v)) session.set(`${k}[${ik}]`, String(iv));
      } else session.set(k, String(v));
    }
    const created = await emu.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: session.toString(),
    });
    assert.equal(created.statusCode, 200, created.body);
  });
});

describe('session_expiry and lookups', () => {
  test('session_expiry as a digit string ("15") is read as minutes', async () => {
    const emu = newEmulator();
    const { id } = await openSession(emu, { session_expiry: '15' });
    const payment = emu.state.get(id);
    assert.ok(payment);
    assert.equal(payment.expiresAt - payment.createdAt, 15 * 60_000);
    const bad = await post(emu, '/api/v1/session', sessionBody({ session_expiry: '15 minutes' }));
    assert.equal(bad.statusCode, 400);
  });

  test('a merchant whose platform looks up by payment_id only refuses order_id', async () => {
    const emu = newEmulator({ statusByOrderId: false });
    await openSession(emu);
    const res = await post(emu, '/api/v1/payment/status', {
      merchant_key: MERCHANT_KEY,
      order_id: 'order-1234',
      hash: expectedHash('order-1234', PASSWORD),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error_code, 100000);
  });

  test('an unknown payment answers the documented code 208001', async () => {
    const emu = newEmulator();
    const id = 'dc66cdd8-d702-11ea-9a2f-0242c0a87002';
    const res = await post(emu, '/api/v1/payment/status', {
      merchant_key: MERCHANT_KEY,
      payment_id: id,
      hash: expectedHash(id, PASSWORD),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error_code, 208001);
  });
});

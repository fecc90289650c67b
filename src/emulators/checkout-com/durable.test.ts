import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOnStore, stopOnStore, storeFile } from '../kit/durable-test-support.ts';
import { type CheckoutComEmulator, createCheckoutComEmulator } from './server.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read parsed JSON answers field by field.
type Json = Record<string, any>;

const BODY = {
  amount: 100,
  currency: 'QAR',
  source: { type: 'qpay', description: 'QPay Demo Payment', quantity: '1', national_id: '070AYY010BU234M' },
};
const GOOD_CARD = { card_number: '4215375500883243', expiry: '12/99', pin: '677', otp: '123456' };

const start = (path: string) =>
  startOnStore(path, 'checkout_com', (book) => createCheckoutComEmulator({ sweepIntervalMs: 0, book }));
const stop = stopOnStore;

async function create(emu: CheckoutComEmulator, key: string, headers: Record<string, string> = {}) {
  return emu.app.inject({
    method: 'POST',
    url: '/payments',
    headers: { authorization: `Bearer ${key}`, ...headers },
    payload: BODY,
  });
}

const punOf = (created: Json): string => new URL(created._links.redirect.href).searchParams.get('pun') ?? '';

function pay(emu: CheckoutComEmulator, pun: string) {
  return emu.app.inject({
    method: 'POST',
    url: '/qpay-external/pay',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ pun, ...GOOD_CARD }).toString(),
  });
}

test('payments, refunds, entities, answers, settings and the clock survive a restart on the same file', async () => {
  const path = storeFile('cko');

  const first = start(path);
  const key = first.emu.credentials.secretKey;
  const other = first.emu.control.createEntity({});
  first.emu.control.updateSettings({ paymentWindowMs: 60 * 60_000 });
  first.emu.control.advanceClock(5 * 60_000);
  const pendingRes = await create(first.emu, key, { 'cko-idempotency-key': 'order-1' });
  assert.equal(pendingRes.statusCode, 202);
  const pending: Json = pendingRes.json();
  const paid: Json = (await create(first.emu, key)).json();
  assert.equal((await pay(first.emu, punOf(paid))).statusCode, 200);
  assert.equal(first.emu.control.getPayment(paid.id)?.status, 'Captured');
  const refundRes = await first.emu.app.inject({
    method: 'POST',
    url: `/payments/${paid.id}/refunds`,
    headers: { authorization: `Bearer ${key}` },
    payload: { amount: 40 },
  });
  assert.equal(refundRes.statusCode, 202, refundRes.body);
  const refundId: string = refundRes.json().action_id;
  const clockBefore = first.emu.clock.offsetMs();
  await stop(first);

  const second = start(path);
  try {
    const { emu } = second;
    assert.equal(emu.credentials.secretKey, key, 'the default entity keeps its keys');
    assert.equal(emu.clock.offsetMs(), clockBefore);
    assert.equal(emu.control.settings().paymentWindowMs, 60 * 60_000);
    const got = await emu.app.inject({
      method: 'GET',
      url: `/payments/${pending.id}`,
      headers: { authorization: `Bearer ${key}` },
    });
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().status, 'Pending');
    const replay = await create(emu, key, { 'cko-idempotency-key': 'order-1' });
    assert.equal(replay.json().id, pending.id, 'an idempotent repeat answers the first payment');
    const page = await emu.app.inject({
      method: 'GET',
      url: `/qpay-external/redirect-to-qpay?pun=${punOf(pending)}`,
    });
    assert.equal(page.statusCode, 200, 'the hosted page still opens');
    assert.equal((await pay(emu, punOf(pending))).statusCode, 200);
    assert.equal(emu.control.getPayment(pending.id)?.status, 'Captured');
    assert.ok(emu.control.getPayment(pending.id)?.sessions[0]?.id, 'a session for the lookup after the redirect');
    assert.deepEqual(emu.control.approveRefund(refundId).ok, true, 'the pending refund can still be settled');
    assert.equal(emu.control.getPayment(paid.id)?.status, 'Partially Refunded');
    const otherCreate = await create(emu, other.secretKey);
    assert.equal(otherCreate.statusCode, 202, 'an entity made over the control API keeps its key');
    emu.control.reset();
  } finally {
    await stop(second);
  }

  const third = start(path);
  try {
    assert.equal(third.emu.control.listPayments().length, 0, 'a reset forgets the payments on file too');
    assert.equal(third.emu.control.listEntities().length, 1);
  } finally {
    await stop(third);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AkuratecoControl } from '../../emulators/akurateco/control.ts';
import { type RunningEmulator, startEmulator } from '../../emulators/registry.ts';
import { runConformanceSuite } from '../conformance.ts';
import { callbackHash } from './hash.ts';
import { createAkuratecoConnector, refundOutcome } from './index.ts';
import { AKURATECO_STATUS_MAP, isNotFound, parseStatus, sessionOrder, voidSucceeded } from './mapper.ts';

let emulator: RunningEmulator<AkuratecoControl>;
type Row = { payment_id: string; order: { number: string }; status: string };

/** The emulator's public payment id of our order (the platform's own id is a UUID). */
function publicId(orderNumber: string): string {
  const row = (emulator.control.listPayments() as unknown as Row[]).find((p) => p.order.number === orderNumber);
  if (!row) throw new Error(`no emulator payment for order ${orderNumber}`);
  return row.payment_id;
}

runConformanceSuite({
  name: 'akurateco',
  async start(notificationUrl) {
    emulator = await startEmulator('akurateco', { port: 0, notificationUrl });
    const connector = createAkuratecoConnector({ timeoutMs: 400 });
    const account = {
      id: 'ca_conformance',
      accountId: 'acct_conformance',
      mode: 'test' as const,
      connector: 'akurateco',
      credentials: { merchant_key: emulator.credentials.secretKey, password: emulator.credentials.webhookSignatureKey },
      // The emulator's first merchant answers lookups by order_id, as some white labels do.
      settings: { base_url: emulator.baseUrl, status_by_order_id: 'true' },
      priority: 100,
      createdAt: 0,
      updatedAt: 0,
    };
    return { connector, account, close: () => emulator.close() };
  },
  request(paymentId, notificationUrl) {
    return {
      paymentId,
      money: { amount: 1500, currency: 'QAR' },
      paymentMethod: 'card' as const,
      description: 'Conformance',
      reference: null,
      customer: { name: 'Mariam Al-Thani', email: 'mariam@example.qa' },
      metadata: {},
      returnUrl: `http://bawaba.test/return/akurateco/${paymentId}`,
      idempotencyKey: `${paymentId}:create`,
      locale: 'en' as const,
      notificationUrl,
    };
  },
  complete(providerPaymentId, outcome) {
    const done = emulator.control.completePayment(publicId(providerPaymentId), outcome);
    if (!done.ok) throw new Error(JSON.stringify(done));
    return Object.fromEntries(new URL(done.redirect_url).searchParams);
  },
  advanceClock: (ms) => void emulator.control.advanceClock(ms),
  addFault: (kind, match) =>
    void emulator.control.addFault({
      kind,
      count: 1,
      match: match === 'create' ? 'session' : match === 'retrieve' ? 'status' : 'refund',
    }),
  clearFaults: () => emulator.control.clearFaults(),
  settleRefund(providerRefundId, outcome) {
    const paymentId = providerRefundId.split('/')[0] ?? '';
    const refund = (
      emulator.control.listRefunds() as unknown as { id: string; payment_id: string; status: string }[]
    ).find((r) => r.payment_id === paymentId && r.status === 'waiting');
    if (!refund)
      throw new Error(`no waiting refund for ${paymentId}: ${JSON.stringify(emulator.control.listRefunds())}`);
    const r = emulator.control.settleRefund(refund.id, outcome);
    if (!r.ok) throw new Error(JSON.stringify(r));
  },
  returnCarriesReference: false,
  wrongCredentials: (a) => ({ ...a, credentials: { ...a.credentials, password: 'not-the-password' } }),
  refundAmount: 1500,
  refundDeclineVisible: true,
  notifications: 'signed-hint',
  unsignedRewrites: [
    (body) => body.replace(/type=[^&]*/, 'type=refund'),
    (body) => body.replace(/type=[^&]*/, 'type=void'),
    (body) => body.replace(/type=[^&]*/, 'type=chargeback'),
    (body) => body.replace(/status=[^&]*/, 'status=fail').replace(/order_status=[^&]*/, 'order_status=decline'),
  ],
  outcomes: { approve: 'captured', decline: 'failed', cancel: 'failed', abandon: 'failed' },
});

test('the session order carries our payment id and the amount as an exact decimal string', () => {
  assert.deepEqual(sessionOrder('pay_1', { amount: 301, currency: 'QAR' }, 'Very important gift'), {
    number: 'pay_1',
    amount: '3.01',
    currency: 'QAR',
    description: 'Very important gift',
  });
  assert.equal(sessionOrder('pay_2', { amount: 5, currency: 'KWD' }, 'x').amount, '0.005');
});

test('the seed’s two status answers read right, and every status maps', () => {
  const settled = parseStatus({
    payment_id: '24f7401c-fc47-11ec-8d07-0242ac120015',
    date: '2022-07-05 09:45:03',
    status: 'settled',
    order: {
      number: 'f0a51dfa-fc43-11ec-8128-0242ac120004-1',
      amount: '3.01',
      currency: 'QAR',
      description: 'bloodline',
    },
    customer: { name: 'John Doe', email: 'success@gmail.com' },
  });
  assert.equal(settled?.status, 'captured');
  assert.deepEqual(settled?.money, { amount: 301, currency: 'QAR' });
  const declined = parseStatus({
    payment_id: '03e46e96-de42-11eb-aea7-0242ac140002',
    date: '2021-07-06 10:07:47',
    status: 'decline',
    reason: 'Declined by processing',
    order: { number: 'order-1234', amount: '0.19', currency: 'QAR', description: 'Important gift' },
    customer: { name: 'John Doe', email: 'test@mail.com' },
  });
  assert.equal(declined?.status, 'failed');
  assert.equal(declined?.failureMessage, 'Declined by processing');
  for (const s of [
    'prepare',
    'settled',
    'pending',
    '3ds',
    'redirect',
    'decline',
    'refund',
    'void',
    'reversal',
    'chargeback',
  ]) {
    assert.ok(AKURATECO_STATUS_MAP[s], s);
  }
});

test('a refund is decided only by the history entry at its own place, never by an earlier refund of the same amount', () => {
  const answer = (refunds: { status: 'success' | 'fail' | 'waiting'; amount: number }[] | null) => ({
    providerPaymentId: 'pay_1',
    publicId: 'p-1',
    status: 'captured' as const,
    providerStatus: 'settled',
    money: { amount: 5000, currency: 'QAR' },
    redirectUrl: null,
    failureMessage: null,
    refunds,
  });
  const ours = 'p-1/re_2/1'; // the payment's second refund
  const earlierDeclined = [{ status: 'fail' as const, amount: 1000 }];
  assert.deepEqual(refundOutcome(answer(earlierDeclined), ours, 1000), {
    kind: 'found',
    status: 'pending',
    failureMessage: null,
  });
  const both = [...earlierDeclined, { status: 'success' as const, amount: 1000 }];
  assert.equal((refundOutcome(answer(both), ours, 1000) as { status: string }).status, 'succeeded');
  const otherAmount = [...earlierDeclined, { status: 'fail' as const, amount: 999 }];
  assert.equal((refundOutcome(answer(otherAmount), ours, 1000) as { status: string }).status, 'pending');
  assert.equal((refundOutcome(answer(null), 'p-1/re_2', 1000) as { status: string }).status, 'pending');
  assert.equal(
    (refundOutcome({ ...answer(null), providerStatus: 'refund' }, 'p-1/re_2', 5000) as { status: string }).status,
    'succeeded',
  );
});

test('every documented void success shape is a void; SETTLED and a non-void payment_status are not', () => {
  assert.equal(voidSucceeded({ status: 'VOID' }), true);
  assert.equal(voidSucceeded({ status: 'SUCCESS' }), true);
  assert.equal(voidSucceeded({ status: 'Success', payment_status: 'void' }), true);
  assert.equal(voidSucceeded({ status: 'SETTLED', reason: 'late' }), false);
  assert.equal(voidSucceeded({ status: 'Success', payment_status: 'settled' }), false);
});

test('"not found" is read from the documented code or a 404, never from the message', () => {
  assert.equal(isNotFound(400, { error_code: 208001, error_message: 'anything' }), true);
  assert.equal(isNotFound(400, { error_code: 100000, errors: [{ error_code: '208001', error_message: '' }] }), true);
  assert.equal(isNotFound(404, undefined), true);
  assert.equal(isNotFound(400, { error_code: 100000, error_message: 'Payment not found' }), false);
});

test('lookups go by the platform payment_id, learnt from the callback, where order_id is not supported', async () => {
  const own = await startEmulator('akurateco', { port: 0 });
  try {
    const merchant = own.control.createMerchant({ statusByOrderId: false });
    const account = {
      id: 'ca_payment_id',
      accountId: 'acct_payment_id',
      mode: 'test' as const,
      connector: 'akurateco',
      credentials: { merchant_key: merchant.merchantKey, password: merchant.password },
      settings: { base_url: own.baseUrl },
      priority: 100,
      createdAt: 0,
      updatedAt: 0,
    };
    const connector = createAkuratecoConnector({ timeoutMs: 2000 });
    const created = await connector.createPayment(account, {
      paymentId: 'pay_by_public_id',
      money: { amount: 301, currency: 'QAR' },
      paymentMethod: 'card',
      description: 'Very important gift',
      reference: null,
      customer: null,
      metadata: {},
      returnUrl: 'http://bawaba.test/return/akurateco/pay_by_public_id',
      idempotencyKey: 'pay_by_public_id:create',
      locale: 'en',
      notificationUrl: 'http://bawaba.test/hooks/akurateco/ca_payment_id',
    } as unknown as Parameters<typeof connector.createPayment>[1]);
    assert.equal(created.kind, 'created');
    // No payment_id yet: nothing to ask by, so the outcome is unknown (never failed).
    assert.equal((await connector.retrievePayment(account, 'pay_by_public_id')).kind, 'unknown');
    const row = (own.control.listPayments() as unknown as Row[]).find((p) => p.order.number === 'pay_by_public_id');
    assert.ok(row);
    const fields = {
      id: row.payment_id,
      order_number: 'pay_by_public_id',
      order_amount: '3.01',
      order_currency: 'QAR',
      order_description: 'Very important gift',
    };
    const rawBody = new URLSearchParams({
      ...fields,
      type: 'sale',
      status: 'success',
      hash: callbackHash(fields, merchant.password),
    }).toString();
    assert.equal(connector.parseNotification(account, { headers: {}, rawBody }).kind, 'hint');
    const found = await connector.retrievePayment(account, 'pay_by_public_id');
    assert.equal(found.kind, 'found');
    // The platform itself refuses order_id lookups for this merchant, with the documented code.
    const res = await fetch(`${own.baseUrl}/api/v1/payment/status`, {
      method: 'POST',
      body: JSON.stringify({ merchant_key: merchant.merchantKey, order_id: 'pay_by_public_id', hash: 'x' }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error_code: number }).error_code, 100000);
  } finally {
    await own.close();
  }
});

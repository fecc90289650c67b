import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { ConnectorAccount, ProviderPaymentRequest } from '../../core/connector-contract.ts';
import type { CheckoutComControl } from '../../emulators/checkout-com/control.ts';
import { type RunningEmulator, startEmulator } from '../../emulators/registry.ts';
import { createCheckoutComConnector } from './index.ts';
import { buildCreateBody, CHECKOUT_STATUS_MAP } from './mapper.ts';

let emulator: RunningEmulator<CheckoutComControl>;
let account: ConnectorAccount;
const connector = createCheckoutComConnector({
  defaultBaseUrls: { test: 'http://unused.invalid', live: 'http://unused.invalid' },
  timeoutMs: 400,
});

before(async () => {
  emulator = await startEmulator('checkout_com', { port: 0 });
  account = {
    id: 'ca_test',
    accountId: 'acct_test',
    mode: 'test',
    connector: 'checkout_com',
    credentials: { secret_key: emulator.credentials.secretKey },
    settings: { base_url: emulator.baseUrl },
    priority: 100,
    createdAt: 0,
    updatedAt: 0,
  };
});
after(() => emulator.close());
beforeEach(() => emulator.control.clearFaults());

let seq = 0;
function request(overrides: Partial<ProviderPaymentRequest> = {}): ProviderPaymentRequest {
  const paymentId = `pay_${String(++seq).padStart(26, '0')}`;
  return {
    paymentId,
    money: { amount: 100, currency: 'QAR' },
    paymentMethod: 'qpay',
    description: 'Order #1001 — café',
    reference: 'ORDER-1001',
    customer: { name: 'Mariam', email: 'm@example.qa', nationalId: '070AYY010BU234M' },
    metadata: {},
    returnUrl: `http://bawaba.test/return/checkout_com/${paymentId}`,
    idempotencyKey: `${paymentId}:create`,
    locale: 'en',
    notificationUrl: 'http://bawaba.test/hooks/checkout_com/ca_test',
    ...overrides,
  };
}

async function created(req = request()) {
  const out = await connector.createPayment(account, req);
  assert.equal(out.kind, 'created', JSON.stringify(out));
  if (out.kind !== 'created') throw new Error('unreachable');
  return out.snapshot;
}

describe('Checkout.com connector against the emulator', () => {
  test('create: 202 Pending with a redirect link', async () => {
    const s = await created();
    assert.match(s.providerPaymentId, /^pay_[a-z2-7]{26}$/);
    assert.equal(s.status, 'pending');
    assert.equal(s.providerStatus, 'Pending');
    assert.ok(s.redirectUrl?.startsWith(`${emulator.baseUrl}/qpay-external/redirect-to-qpay?pun=`));
  });

  test('the request body is what QPay takes: alphanumeric description, national id, return URLs', () => {
    const body = buildCreateBody(request(), {});
    const source = body.source as Record<string, unknown>;
    assert.equal(source.type, 'qpay');
    assert.equal(source.description, 'Order 1001 caf');
    assert.equal(source.national_id, '070AYY010BU234M');
    assert.equal(body.success_url, body.failure_url);
    assert.equal(body.amount, 100);
  });

  test('retrieve by pay_ id and by sid_ session id, for every outcome', async () => {
    for (const [outcome, status, word] of [
      ['approve', 'captured', 'Captured'],
      ['decline', 'failed', 'Declined'],
      ['cancel', 'canceled', 'Canceled'],
    ] as const) {
      const s = await created();
      const done = emulator.control.completePayment(s.providerPaymentId, outcome);
      assert.ok(done.ok);
      for (const ref of [s.providerPaymentId, done.session_id]) {
        const got = await connector.retrievePayment(account, ref);
        assert.equal(got.kind, 'found', `${outcome} ${ref}`);
        if (got.kind !== 'found') continue;
        assert.equal(got.snapshot.providerPaymentId, s.providerPaymentId);
        assert.equal(got.snapshot.status, status);
        assert.equal(got.snapshot.providerStatus, word);
      }
    }
  });

  test('a payment never completed is Expired after its window', async () => {
    const s = await created();
    emulator.control.advanceClock(15 * 60_000 + 1000);
    const got = await connector.retrievePayment(account, s.providerPaymentId);
    assert.equal(got.kind === 'found' && got.snapshot.status, 'expired');
  });

  test('unknown ids and expired sessions are not_found', async () => {
    assert.equal((await connector.retrievePayment(account, 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa')).kind, 'not_found');
    const s = await created();
    const done = emulator.control.completePayment(s.providerPaymentId, 'approve');
    assert.ok(done.ok);
    emulator.control.advanceClock(15 * 60_000 + 1);
    assert.equal((await connector.retrievePayment(account, done.session_id)).kind, 'not_found');
    assert.equal((await connector.retrievePayment(account, s.providerPaymentId)).kind, 'found');
  });

  test('the same idempotency key never makes a second provider payment', async () => {
    const req = request();
    const a = await created(req);
    const b = await created(req);
    assert.equal(a.providerPaymentId, b.providerPaymentId);
  });

  test('422 is translated, naming the merchant field', async () => {
    const out = await connector.createPayment(account, request({ money: { amount: 100, currency: 'KWD' } }));
    assert.equal(out.kind, 'rejected');
    if (out.kind !== 'rejected') return;
    assert.equal(out.failure.code, 'currency_not_supported');
    assert.equal(out.failure.param, 'currency');
    assert.ok(out.failure.providerCodes.includes('currency_not_supported'));
  });

  test('401 is provider_authentication_failed', async () => {
    const bad = { ...account, credentials: { secret_key: `sk_sbox_${'b'.repeat(27)}` } };
    const out = await connector.createPayment(bad, request());
    assert.equal(out.kind === 'rejected' && out.failure.code, 'provider_authentication_failed');
    const got = await connector.retrievePayment(bad, 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa');
    assert.equal(got.kind === 'rejected' && got.failure.code, 'provider_authentication_failed');
  });

  for (const [kind, reason] of [
    ['timeout', 'timeout'],
    ['server_error', 'server_error'],
    ['malformed', 'malformed_response'],
    ['reset', 'network'],
  ] as const) {
    test(`fault ${kind} → unknown (${reason}) on create and on retrieve, never a failure`, async () => {
      emulator.control.addFault({ kind, count: 1, match: 'create' });
      const out = await connector.createPayment(account, request());
      assert.equal(out.kind, 'unknown', JSON.stringify(out));
      assert.equal(out.kind === 'unknown' && out.reason, reason);
      const s = await created();
      emulator.control.addFault({ kind, count: 1, match: 'retrieve' });
      const got = await connector.retrievePayment(account, s.providerPaymentId);
      assert.equal(got.kind === 'unknown' && got.reason, reason);
    });
  }

  test('slow answers: within the time limit they count, past it they are unknown', async () => {
    emulator.control.addFault({ kind: 'slow', delayMs: 100, count: 1 });
    assert.equal((await connector.createPayment(account, request())).kind, 'created');
    emulator.control.addFault({ kind: 'slow', delayMs: 1500, count: 1 });
    const out = await connector.createPayment(account, request());
    assert.equal(out.kind === 'unknown' && out.reason, 'timeout');
  });

  test('a provider that is not listening → unknown (connection_refused)', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const down = { ...account, settings: { base_url: `http://127.0.0.1:${port}` } };
    const out = await connector.createPayment(down, request());
    assert.equal(out.kind === 'unknown' && out.reason, 'connection_refused');
  });

  test('every documented status maps, and return references are checked', () => {
    for (const s of [
      'Pending',
      'Authorized',
      'Card Verified',
      'Captured',
      'Partially Captured',
      'Declined',
      'Canceled',
      'Expired',
      'Voided',
      'Refunded',
      'Partially Refunded',
      'Chargeback',
    ]) {
      assert.ok(CHECKOUT_STATUS_MAP[s], s);
    }
    assert.equal(
      connector.returnReference({ 'cko-session-id': 'sid_vii64oquze5u3h2x6hh4rurc4y' }),
      'sid_vii64oquze5u3h2x6hh4rurc4y',
    );
    assert.equal(connector.returnReference({ 'cko-session-id': 'pay_vii64oquze5u3h2x6hh4rurc4y' }), undefined);
    assert.equal(connector.returnReference({ 'cko-session-id': 'sid_../../x' }), undefined);
    assert.equal(connector.returnReference({}), undefined);
  });

  test('refunds: accepted pending, then found succeeded or failed through the action list', async () => {
    for (const [decision, status] of [
      ['approve', 'succeeded'],
      ['decline', 'failed'],
    ] as const) {
      const s = await created();
      assert.ok(emulator.control.completePayment(s.providerPaymentId, 'approve').ok);
      const out = await connector.refundPayment(account, {
        refundId: `re_${decision}`,
        providerPaymentId: s.providerPaymentId,
        money: { amount: 40, currency: 'QAR' },
        idempotencyKey: `re_${decision}:${s.providerPaymentId}`,
        notificationUrl: 'http://bawaba.test/hooks/checkout_com/ca_test',
      });
      assert.equal(out.kind, 'accepted', JSON.stringify(out));
      if (out.kind !== 'accepted') continue;
      assert.match(out.providerRefundId, /^act_/);
      const pending = await connector.retrieveRefund(account, s.providerPaymentId, out.providerRefundId, {
        amount: 500,
        currency: 'QAR',
      });
      assert.equal(pending.kind === 'found' && pending.status, 'pending');
      const decided =
        decision === 'approve'
          ? emulator.control.approveRefund(out.providerRefundId)
          : emulator.control.declineRefund(out.providerRefundId);
      assert.ok(decided.ok);
      const after = await connector.retrieveRefund(account, s.providerPaymentId, out.providerRefundId, {
        amount: 500,
        currency: 'QAR',
      });
      assert.equal(after.kind === 'found' && after.status, status);
    }
  });

  test('refunds: over the balance is rejected naming no merchant field; faults are unknown; a retry is one refund', async () => {
    const s = await created();
    assert.ok(emulator.control.completePayment(s.providerPaymentId, 'approve').ok);
    const req = (amount: number, key: string) => ({
      refundId: key,
      providerPaymentId: s.providerPaymentId,
      money: { amount, currency: 'QAR' },
      idempotencyKey: key,
      notificationUrl: 'http://bawaba.test/hooks/checkout_com/ca_test',
    });
    const over = await connector.refundPayment(account, req(101, 'over'));
    assert.equal(over.kind, 'rejected');
    assert.ok(over.kind === 'rejected' && over.failure.providerCodes.includes('refund_amount_exceeds_balance'));
    emulator.control.addFault({ kind: 'timeout', count: 1, match: 'refund' });
    const lost = await connector.refundPayment(account, req(30, 'same'));
    assert.equal(lost.kind === 'unknown' && lost.reason, 'timeout');
    const again = await connector.refundPayment(account, req(30, 'same'));
    assert.equal(again.kind, 'accepted');
    const atQpay = emulator.control.listRefunds().filter((r) => r.payment_id === s.providerPaymentId);
    assert.equal(atQpay.length, 1, 'the retry with the same key made no second refund');
    const notPaid = await created();
    const refused = await connector.refundPayment(account, {
      ...req(10, 'np'),
      providerPaymentId: notPaid.providerPaymentId,
    });
    assert.equal(refused.kind, 'rejected');
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulators/registry.ts';
import type { TapControl } from '../../emulators/tap/control.ts';
import { runConformanceSuite } from '../conformance.ts';
import { createTapConnector } from './index.ts';
import { buildChargeBody, parseCharge, TAP_REFUND_STATUS, TAP_STATUS_MAP, translateTapError } from './mapper.ts';
import { parseTapNotification, tapHashstring } from './webhook.ts';

let emulator: RunningEmulator<TapControl>;

function request(paymentId: string, notificationUrl: string) {
  return {
    paymentId,
    money: { amount: 1500, currency: 'QAR' },
    paymentMethod: 'qpay' as const,
    description: 'Conformance',
    reference: 'ORDER-1',
    customer: { name: 'Mariam Al Thani', email: 'mariam@example.qa', phone: '+97455501234' },
    metadata: {},
    returnUrl: `http://bawaba.test/return/tap/${paymentId}`,
    idempotencyKey: `${paymentId}:create`,
    locale: 'en' as const,
    notificationUrl,
  };
}

runConformanceSuite({
  name: 'tap',
  async start() {
    emulator = await startEmulator('tap', { port: 0 });
    const connector = createTapConnector({ timeoutMs: 400 });
    const account = {
      id: 'ca_conformance',
      accountId: 'acct_conformance',
      mode: 'test' as const,
      connector: 'tap',
      credentials: { secret_key: emulator.credentials.secretKey },
      settings: { base_url: emulator.baseUrl },
      priority: 200,
      createdAt: 0,
      updatedAt: 0,
    };
    return { connector, account, close: () => emulator.close() };
  },
  request,
  complete(providerPaymentId, outcome) {
    const done = emulator.control.completeCharge(providerPaymentId, outcome);
    if (!done.ok) throw new Error(JSON.stringify(done));
    return { tap_id: done.tap_id };
  },
  advanceClock: (ms) => void emulator.control.advanceClock(ms),
  addFault: (kind, match) => void emulator.control.addFault({ kind, count: 1, match }),
  clearFaults: () => emulator.control.clearFaults(),
  settleRefund(id, outcome) {
    const r = emulator.control.settleRefund(id, outcome);
    if (!r.ok) throw new Error(JSON.stringify(r));
  },
  returnCarriesReference: true,
  wrongCredentials: (a) => ({
    ...a,
    credentials: { ...a.credentials, secret_key: 'sk_test_wrongwrongwrongwrongwrong' },
  }),
  refundAmount: 100,
  refundDeclineVisible: true,
  // A charge whose window ran out is ABANDONED with response code 304 (Tap's table): expired.
  outcomes: { approve: 'captured', decline: 'failed', cancel: 'canceled', abandon: 'expired' },
});

test('charges carry major units, the customer split as Tap wants, and the hook and return URLs', () => {
  const body = buildChargeBody(request('pay_x', 'https://bawaba.example/hooks/tap/ca_1'));
  assert.equal(body.amount, 15);
  assert.deepEqual(body.source, { id: 'src_qa.qpay' });
  assert.deepEqual(body.customer, {
    first_name: 'Mariam',
    last_name: 'Al Thani',
    email: 'mariam@example.qa',
    phone: { country_code: 974, number: 55501234 },
  });
  assert.deepEqual(body.post, { url: 'https://bawaba.example/hooks/tap/ca_1' });
  assert.deepEqual(body.reference, { transaction: 'pay_x', order: 'ORDER-1', idempotent: 'pay_x:create' });
  assert.equal(body.lang_code, 'en');
  const kwd = buildChargeBody({ ...request('pay_y', 'u'), money: { amount: 1500, currency: 'KWD' } });
  assert.equal(kwd.amount, 1.5);
});

test('hashstring: the amount is written with the currency’s decimals (QAR 2, KWD 3)', () => {
  const base = {
    id: 'chg_1',
    status: 'CAPTURED',
    reference: { gateway: '123', payment: '456' },
    transaction: { created: '1718796783000' },
  };
  const key = 'sk_test_XKokBfNWv6FIYuTMg5sLPjhJ';
  const sign = (msg: string) => createHmac('sha256', key).update(msg).digest('hex');
  assert.equal(
    tapHashstring({ ...base, amount: 1, currency: 'QAR' }, key),
    sign(
      'x_idchg_1x_amount1.00x_currencyQARx_gateway_reference123x_payment_reference456x_statusCAPTUREDx_created1718796783000',
    ),
  );
  assert.equal(
    tapHashstring({ ...base, amount: 1.5, currency: 'KWD' }, key),
    sign(
      'x_idchg_1x_amount1.500x_currencyKWDx_gateway_reference123x_payment_reference456x_statusCAPTUREDx_created1718796783000',
    ),
  );
  assert.equal(
    tapHashstring({ ...base, amount: 1.005, currency: 'QAR' }, key),
    undefined,
    'unrepresentable amounts do not verify',
  );
});

test('every documented charge status maps; errors name the merchant field', () => {
  for (const s of [
    'INITIATED',
    'IN_PROGRESS',
    'ABANDONED',
    'CANCELLED',
    'FAILED',
    'DECLINED',
    'RESTRICTED',
    'CAPTURED',
    'AUTHORIZED',
    'UNKNOWN',
    'VOID',
  ]) {
    assert.ok(TAP_STATUS_MAP[s], s);
  }
  assert.equal(parseCharge({ id: 'chg_1', status: 'CAPTURED', amount: 15, currency: 'QAR' })?.money?.amount, 1500);
  assert.equal(parseCharge({ id: 'chg_1', status: 'SOMETHING', amount: 15, currency: 'QAR' }), undefined);
  assert.deepEqual(
    { ...translateTapError(400, [{ code: '1117', description: 'Invalid Amount' }]), message: '' },
    { code: 'amount_invalid', param: 'amount', message: '', providerCodes: ['1117'] },
  );
  assert.equal(
    translateTapError(401, [{ code: '2104', description: 'Invalid API Key' }]).code,
    'provider_authentication_failed',
  );
});

const ownAccount = (baseUrl: string, secretKey: string) => ({
  id: 'ca_tap_own',
  accountId: 'acct_tap_own',
  mode: 'test' as const,
  connector: 'tap',
  credentials: { secret_key: secretKey },
  settings: { base_url: baseUrl },
  priority: 200,
  createdAt: 0,
  updatedAt: 0,
});

test('ABANDONED is an expiry only with the table’s code 304; 301 (left) and 302 (cancel) are cancels', () => {
  const charge = (status: string, code: string) =>
    parseCharge({ id: 'chg_1', status, amount: 1, currency: 'QAR', response: { code, message: '' } })?.status;
  assert.equal(charge('ABANDONED', '304'), 'expired');
  assert.equal(charge('ABANDONED', '301'), 'canceled');
  assert.equal(charge('ABANDONED', ''), 'canceled');
  assert.equal(charge('CANCELLED', '302'), 'canceled');
  assert.equal(charge('TIMEDOUT', ''), 'expired');
});

test('every documented refund status maps: on its way stays pending, refused fails', () => {
  const expected: Record<string, string> = {
    PENDING: 'pending',
    IN_PROGRESS: 'pending',
    ACCEPTED: 'pending',
    UNKNOWN: 'pending',
    REFUNDED: 'succeeded',
    DECLINED: 'failed',
    FAILED: 'failed',
    CANCELLED: 'failed',
    RESTRICTED: 'failed',
    TIMEDOUT: 'failed',
  };
  assert.deepEqual({ ...TAP_REFUND_STATUS }, expected);
});

test('a signed refund notification with each refused status fails the refund; pending-like ones stay pending', () => {
  const key = 'sk_test_XKokBfNWv6FIYuTMg5sLPjhJ';
  const account = ownAccount('http://unused', key);
  for (const [status, want] of [
    ['CANCELLED', 'failed'],
    ['RESTRICTED', 'failed'],
    ['TIMEDOUT', 'failed'],
    ['IN_PROGRESS', 'pending'],
    ['ACCEPTED', 'pending'],
    ['UNKNOWN', 'pending'],
  ] as const) {
    const body = {
      id: 're_1',
      object: 'refund',
      status,
      amount: 1,
      currency: 'QAR',
      charge_id: 'chg_1',
      created: 1718796783000,
      response: { code: '401', message: '' },
    };
    const hashstring = tapHashstring(body, key) ?? '';
    const out = parseTapNotification(account, { headers: { hashstring }, rawBody: JSON.stringify(body) });
    assert.equal(out.kind === 'verified' && out.refund?.status, want, status);
    if (want === 'failed') assert.ok(out.kind === 'verified' && out.refund?.failureMessage, status);
  }
});

test('reference.idempotent: a create whose answer was lost, sent again, gets the same charge; refunds too', async () => {
  const own = await startEmulator('tap', { port: 0 });
  try {
    const connector = createTapConnector({ timeoutMs: 400 });
    const account = ownAccount(own.baseUrl, own.credentials.secretKey);
    const req = request('pay_lost_answer', 'http://bawaba.test/hooks/tap/ca_tap_own');
    own.control.addFault({ kind: 'timeout', count: 1, match: 'create' });
    const lost = await connector.createPayment(account, req);
    assert.equal(lost.kind, 'unknown');
    assert.equal(connector.capabilities.idempotentCalls, true);
    const again = await connector.createPayment(account, req);
    assert.equal(again.kind, 'created');
    assert.equal(own.control.listCharges().length, 1, 'no second charge');
    assert.equal(again.kind === 'created' && again.snapshot.providerPaymentId, own.control.listCharges()[0]?.id);
    const chargeId = again.kind === 'created' ? again.snapshot.providerPaymentId : '';
    assert.ok(own.control.completeCharge(chargeId, 'approve').ok);
    const refundReq = {
      refundId: 're_lost_answer',
      providerPaymentId: chargeId,
      money: { amount: 500, currency: 'QAR' },
      idempotencyKey: 're_lost_answer:refund',
      notificationUrl: 'http://bawaba.test/hooks/tap/ca_tap_own',
    };
    const first = await connector.refundPayment(account, refundReq);
    const second = await connector.refundPayment(account, refundReq);
    assert.equal(first.kind, 'accepted');
    assert.deepEqual(second, first);
    assert.equal(own.control.listRefunds().length, 1, 'no second refund');
  } finally {
    await own.close();
  }
});

test('refunds on their way stay pending; a refused one fails and its amount can be refunded again', async () => {
  const own = await startEmulator('tap', { port: 0 });
  try {
    const connector = createTapConnector({ timeoutMs: 2000 });
    const account = ownAccount(own.baseUrl, own.credentials.secretKey);
    const created = await connector.createPayment(account, request('pay_refunds', 'http://bawaba.test/h'));
    const chargeId = created.kind === 'created' ? created.snapshot.providerPaymentId : '';
    assert.ok(own.control.completeCharge(chargeId, 'approve').ok);
    const refund = (n: number) =>
      connector.refundPayment(account, {
        refundId: `re_${n}`,
        providerPaymentId: chargeId,
        money: { amount: 1500, currency: 'QAR' },
        idempotencyKey: `re_${n}:refund`,
        notificationUrl: 'http://bawaba.test/h',
      });
    const first = await refund(1);
    const id = first.kind === 'accepted' ? first.providerRefundId : '';
    for (const step of ['progress', 'accept', 'unknown'] as const) {
      assert.ok(own.control.settleRefund(id, step).ok, step);
      const seen = await connector.retrieveRefund(account, chargeId, id, { amount: 1500, currency: 'QAR' });
      assert.equal(seen.kind === 'found' && seen.status, 'pending', step);
    }
    assert.equal((await refund(2)).kind, 'rejected', 'the whole amount is held while the first is on its way');
    assert.ok(own.control.settleRefund(id, 'restrict').ok);
    const refused = await connector.retrieveRefund(account, chargeId, id, { amount: 1500, currency: 'QAR' });
    assert.equal(refused.kind === 'found' && refused.status, 'failed');
    assert.equal((await refund(3)).kind, 'accepted', 'the refused refund released its amount');
  } finally {
    await own.close();
  }
});

test('the QPay page opens in Arabic when the payment’s locale is Arabic', async () => {
  const own = await startEmulator('tap', { port: 0 });
  try {
    const connector = createTapConnector({ timeoutMs: 2000 });
    const account = ownAccount(own.baseUrl, own.credentials.secretKey);
    const created = await connector.createPayment(account, {
      ...request('pay_ar', 'http://bawaba.test/h'),
      locale: 'ar' as const,
    });
    const url = created.kind === 'created' ? created.snapshot.redirectUrl : null;
    assert.ok(url);
    const page = await (await fetch(url)).text();
    assert.match(page, /<html[^>]*lang="ar"/);
    assert.match(page, /dir="rtl"/);
  } finally {
    await own.close();
  }
});

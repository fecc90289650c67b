import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../../emulators/registry.ts';
import type { TapControl } from '../../emulators/tap/control.ts';
import { runConformanceSuite } from '../conformance.ts';
import { createTapConnector } from './index.ts';
import { buildChargeBody, parseCharge, TAP_STATUS_MAP, translateTapError } from './mapper.ts';
import { tapHashstring } from './webhook.ts';

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
  outcomes: { approve: 'captured', decline: 'failed', cancel: 'canceled', abandon: 'canceled' },
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
  assert.deepEqual(body.reference, { transaction: 'pay_x', order: 'ORDER-1' });
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

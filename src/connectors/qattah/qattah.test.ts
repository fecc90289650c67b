import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import type { ConnectorAccount, ProviderPaymentRequest } from '../../core/connector-contract.ts';
import { allocate, formatMajor, fromMajorNumber } from '../../core/money.ts';
import type { QattahControl } from '../../emulators/qattah/control.ts';
import { type RunningEmulator, startEmulator } from '../../emulators/registry.ts';
import { runConformanceSuite } from '../conformance.ts';
import { createQattahConnector } from './index.ts';
import {
  ACTIVITY_STATUSES,
  buildOrderBody,
  PAYMENT_STATUSES,
  parseOrder,
  parseOrderAnswer,
  parseQattahAmount,
  parseQattahCallback,
  qattahStatus,
  translateQattahError,
} from './mapper.ts';

let emulator: RunningEmulator<QattahControl>;

function request(paymentId: string, notificationUrl: string, amount = 10_000): ProviderPaymentRequest {
  return {
    paymentId,
    money: { amount, currency: 'SAR' },
    paymentMethod: 'qattah',
    description: 'Dinner at Najd Village',
    reference: 'ORDER-1',
    customer: { name: 'Sara Al Harbi', email: 'sara@example.sa', phone: '+966551234567' },
    metadata: {},
    returnUrl: `http://bawaba.test/return/qattah/${paymentId}`,
    idempotencyKey: `${paymentId}:create`,
    locale: 'en',
    notificationUrl,
  };
}

function accountOf(emu: RunningEmulator<QattahControl>): ConnectorAccount {
  return {
    id: 'ca_conformance',
    accountId: 'acct_conformance',
    mode: 'test',
    connector: 'qattah',
    credentials: { api_token: emu.credentials.secretKey },
    settings: { base_url: emu.baseUrl },
    priority: 300,
    createdAt: 0,
    updatedAt: 0,
  };
}

/** Every share paid on the hosted page: the bill split in two, one paid with mada, one with Apple Pay. */
function payInFull(
  control: QattahControl,
  orderId: string,
  split: Parameters<QattahControl['split']>[1] = { people: 2 },
) {
  const done = control.split(orderId, split);
  if (!done.ok) throw new Error(JSON.stringify(done));
  const brands = ['MADA', 'APPLEPAY'] as const;
  for (const [i, inv] of done.order.invoices.entries()) {
    const paid = control.pay(orderId, inv.id, brands[i % 2] ?? 'MADA');
    if (!paid.ok) throw new Error(JSON.stringify(paid));
  }
}

runConformanceSuite({
  name: 'qattah',
  async start() {
    emulator = await startEmulator('qattah', { port: 0 });
    const connector = createQattahConnector({ timeoutMs: 400 });
    return { connector, account: accountOf(emulator), close: () => emulator.close() };
  },
  request: (paymentId, notificationUrl) => request(paymentId, notificationUrl),
  complete(providerPaymentId, outcome) {
    if (outcome !== 'approve') throw new Error(`Qattah's page has no ${outcome}`);
    payInFull(emulator.control, providerPaymentId);
    return {};
  },
  advanceClock: (ms) => void emulator.control.advanceClock(ms),
  addFault: (kind, match) => void emulator.control.addFault({ kind, count: 1, match }),
  clearFaults: () => emulator.control.clearFaults(),
  returnCarriesReference: false,
  wrongCredentials: (a) => ({ ...a, credentials: { ...a.credentials, api_token: 'wrongwrongwrongwrongwrongwrong' } }),
  refundAmount: 10_000,
  refundDeclineVisible: false,
  // Only "every share paid" and "15 minutes passed" exist on Qattah's page (providers.md §3.4).
  outcomes: { approve: 'captured', decline: null, cancel: null, abandon: 'expired' },
  currency: 'SAR',
  notifications: 'hint',
  refunds: 'immediate',
});

/** The GET order answer of seed 002, verbatim. */
const SEED_002 = JSON.parse(`{
"successful": true,
"data": {
"order": {
"id": "ord_o9MmBw6vowxrR",
"merchant_id": "mer_o9MmBQ6VQxrRe",
"merchant_name": "ShgardiTest",
"reference": "unique_order_reference",
"amount": "100.00",
"started_at": "2024-02-26T02:22:53.000000Z",
"is_expired": true,
"is_timed_out": true,
"remaining_time": {
"min": 0,
"sec": 0
},
"activity_status": "TIMEOUT",
"payment_status": "EXPIRED",
"callback_url": "https://testing-callback.qattahpay.sa",
"success_url": null,
"failure_url": null,
"invoices": [
{
"id": "inv_kRjqlXxpLX9WN",
"order_id": "ord_o9MmBw6vowxrR",
"reference": "ecf4c494-1185-4417-b8a9-1e22083e6c65",
"name": "شخص 1",
"amount": "50.00",
"payment_status": "EXPIRED",
"payment_brand": null,
"applepay_checkout_id": null,
"mada_checkout_id": null,
"session_id": "ecf4c494-1185-4417-b8a9-1e22083e6c65",
"session_country_code": "KWT",
"external_payment_link": null,
"external_status": null,
"results": null
},
{
"id": "inv_j8BrzXok3XMkR",
"order_id": "ord_o9MmBw6vowxrR",
"reference": "2656e5ed-cf91-4733-9132-61b5efdd18c3",
"name": "شخص 2",
"amount": "50.00",
"payment_status": "EXPIRED",
"payment_brand": null,
"applepay_checkout_id": null,
"mada_checkout_id": null,
"session_id": "2656e5ed-cf91-4733-9132-61b5efdd18c3",
"session_country_code": "KWT",
"external_payment_link": null,
"external_status": null,
"results": null
}
]
}
}
}`) as { data: { order: Record<string, unknown> } };

const order = (patch: Record<string, unknown> = {}) => ({ ...SEED_002.data.order, ...patch });
const invoice = (i: number, patch: Record<string, unknown> = {}) => ({
  ...((SEED_002.data.order.invoices as Record<string, unknown>[])[i] ?? {}),
  ...patch,
});

describe('qattah mapping', () => {
  test('the order body: a JSON number in SAR, our payment id as reference, camelCase customer fields', () => {
    const body = buildOrderBody(request('pay_01JQATTAH0000000000000000', 'https://bawaba.example/hooks/qattah/ca_1'));
    assert.deepEqual(body, {
      amount: 100,
      currency: 'SAR',
      reference: 'pay_01JQATTAH0000000000000000',
      callback_url: 'https://bawaba.example/hooks/qattah/ca_1',
      success_url: 'http://bawaba.test/return/qattah/pay_01JQATTAH0000000000000000',
      failure_url: 'http://bawaba.test/return/qattah/pay_01JQATTAH0000000000000000',
      lang: 'en',
      theme: 'light',
      description: 'Dinner at Najd Village',
      emailAddress: 'sara@example.sa',
      mobileNumber: '+966551234567',
    });
    const bare = buildOrderBody({ ...request('pay_x', 'https://h'), description: null, customer: null, locale: 'ar' });
    assert.equal(bare.lang, 'ar');
    assert.equal('description' in bare || 'emailAddress' in bare || 'mobileNumber' in bare, false);
    assert.equal(JSON.stringify(buildOrderBody(request('pay_x', 'https://h', 1)).amount), '0.01');
    assert.equal(JSON.stringify(buildOrderBody(request('pay_x', 'https://h', 12_345)).amount), '123.45');
  });

  test('the body amount is the exact decimal of the minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999_99 }), (minor) => {
        const amount = buildOrderBody(request('pay_x', 'https://h', minor)).amount as number;
        assert.equal(fromMajorNumber(amount, 'SAR').amount, minor);
      }),
    );
  });

  test('amount strings parse exactly; anything but two decimals is garbage', () => {
    assert.equal(parseQattahAmount('100.00'), 10_000);
    assert.equal(parseQattahAmount('0.10'), 10);
    assert.equal(parseQattahAmount('0.01'), 1);
    assert.equal(parseQattahAmount('1234567.89'), 123_456_789);
    for (const garbage of [
      '100.1',
      '100.0',
      '100',
      '1e2',
      '100.001',
      '-1.00',
      '+1.00',
      '0.00',
      '01.00',
      ' 1.00',
      '1,00',
      '',
      100,
      100.5,
      null,
    ]) {
      assert.equal(parseQattahAmount(garbage), undefined, JSON.stringify(garbage));
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (minor) => {
        assert.equal(parseQattahAmount(formatMajor({ amount: minor, currency: 'SAR' })) ?? minor, minor);
      }),
    );
  });

  test('every status pair maps, and contradictions are garbage', () => {
    const expected: Record<string, Record<string, string | undefined>> = {
      CREATED: {
        PENDING: 'pending',
        AUTHORIZED: 'processing',
        PAID: 'captured',
        EXPIRED: 'expired',
        REFUNDED: 'refunded',
      },
      STARTED: {
        PENDING: 'pending',
        AUTHORIZED: 'processing',
        PAID: 'captured',
        EXPIRED: 'expired',
        REFUNDED: 'refunded',
      },
      PAID: {
        PENDING: 'processing',
        AUTHORIZED: 'processing',
        PAID: 'captured',
        EXPIRED: undefined,
        REFUNDED: 'refunded',
      },
      TIMEOUT: {
        PENDING: 'expired',
        AUTHORIZED: 'processing',
        PAID: 'captured',
        EXPIRED: 'expired',
        REFUNDED: 'refunded',
      },
      ABANDONED: {
        PENDING: 'canceled',
        AUTHORIZED: 'processing',
        PAID: 'captured',
        EXPIRED: 'canceled',
        REFUNDED: 'refunded',
      },
    };
    for (const activity of ACTIVITY_STATUSES) {
      for (const payment of PAYMENT_STATUSES) {
        assert.equal(qattahStatus(activity, payment), expected[activity]?.[payment], `${activity}/${payment}`);
        // The seed's order is flagged timed out; here the flags say what the words say (an open
        // order is not flagged), so only the words decide.
        const open = (activity === 'CREATED' || activity === 'STARTED') && payment === 'PENDING';
        const flags = { is_expired: !open, is_timed_out: !open && activity === 'TIMEOUT' };
        const s = parseOrder(order({ activity_status: activity, payment_status: payment, ...flags }));
        assert.equal(s?.status, expected[activity]?.[payment], `${activity}/${payment}`);
        if (s) assert.equal(s.providerStatus, `${activity}/${payment}`);
      }
    }
    for (const [activity, payment] of [
      ['PAID', 'CAPTURED'],
      ['paid', 'PAID'],
      ['DONE', 'PAID'],
      ['', ''],
    ] as const) {
      assert.equal(qattahStatus(activity, payment), undefined);
      assert.equal(parseOrder(order({ activity_status: activity, payment_status: payment })), undefined);
    }
  });

  test("seed 002's answer is an expired order with two expired shares of 50.00", () => {
    const s = parseOrderAnswer(SEED_002 as unknown as Record<string, unknown>);
    assert.deepEqual(s, {
      providerPaymentId: 'ord_o9MmBw6vowxrR',
      status: 'expired',
      providerStatus: 'TIMEOUT/EXPIRED',
      money: { amount: 10_000, currency: 'SAR' },
      redirectUrl: null,
      failureMessage: 'The split bill was not fully paid within 15 minutes.',
      parts: [
        { providerPartId: 'inv_kRjqlXxpLX9WN', name: 'شخص 1', amount: 5000, status: 'expired', method: null },
        { providerPartId: 'inv_j8BrzXok3XMkR', name: 'شخص 2', amount: 5000, status: 'expired', method: null },
      ],
    });
  });

  test('shares: their statuses, how each was paid, and a bill that does not add up is garbage', () => {
    const paid = parseOrder(
      order({
        activity_status: 'PAID',
        payment_status: 'PAID',
        invoices: [
          invoice(0, { payment_status: 'PAID', payment_brand: 'APPLEPAY', amount: '33.34' }),
          invoice(1, { payment_status: 'PAID', payment_brand: 'MADA', amount: '66.66' }),
        ],
      }),
    );
    assert.equal(paid?.status, 'captured');
    assert.equal(paid?.failureMessage, null);
    assert.deepEqual(
      paid?.parts?.map((p) => [p.amount, p.status, p.method]),
      [
        [3334, 'paid', 'applepay'],
        [6666, 'paid', 'mada'],
      ],
    );
    const mixed = parseOrder(
      order({
        activity_status: 'STARTED',
        payment_status: 'PENDING',
        invoices: [invoice(0, { payment_status: 'AUTHORIZED' }), invoice(1, { payment_status: 'REFUNDED' })],
      }),
    );
    assert.deepEqual(
      mixed?.parts?.map((p) => p.status),
      ['pending', 'refunded'],
    );
    assert.deepEqual(
      parseOrder(order({ activity_status: 'CREATED', payment_status: 'PENDING', invoices: [] }))?.parts,
      [],
    );
    for (const bad of [
      { invoices: [invoice(0)] },
      { invoices: [invoice(0), invoice(1, { amount: '50.01' })] },
      { invoices: [invoice(0), invoice(1, { amount: '50' })] },
      { invoices: [invoice(0), invoice(1, { payment_status: 'GONE' })] },
      { invoices: [invoice(0), invoice(1, { id: 'x' })] },
      { invoices: [invoice(0), invoice(1, { order_id: 'ord_AAAAAAAAAAAAA' })] },
      { invoices: [invoice(0), invoice(1, { payment_brand: 7 })] },
      { invoices: 'none' },
      { id: 'ord_../../x' },
      { id: 'chg_o9MmBw6vowxrR' },
      { id: 42 },
      { amount: 100 },
      { amount: '100.0' },
      { amount: '1e2' },
    ]) {
      assert.equal(parseOrder(order(bad)), undefined, JSON.stringify(bad));
    }
    assert.equal(parseOrder('not an order'), undefined);
  });

  test("the callback is a hint naming an order; anything else is not Qattah's", () => {
    const get = { headers: {}, rawBody: '', method: 'GET' as const, query: { order_id: 'ord_o9MmBw6vowxrR' } };
    assert.deepEqual(parseQattahCallback(get), {
      kind: 'hint',
      eventType: 'order.paid',
      providerPaymentId: 'ord_o9MmBw6vowxrR',
    });
    for (const bad of [
      { ...get, method: 'POST' as const },
      { headers: {}, rawBody: '', query: get.query },
      { ...get, rawBody: '{"order_id":"ord_o9MmBw6vowxrR"}' },
      { ...get, query: {} },
      { ...get, query: { order_id: 'ord_' } },
      { ...get, query: { order_id: 'ord_o9MmBw6vowxrR/../refund' } },
      { ...get, query: { id: 'ord_o9MmBw6vowxrR' } },
    ]) {
      assert.equal(parseQattahCallback(bad).kind, 'unverified', JSON.stringify(bad));
    }
    const connector = createQattahConnector({ timeoutMs: 100 });
    assert.equal(connector.returnReference({ order_id: 'ord_o9MmBw6vowxrR' }), 'ord_o9MmBw6vowxrR');
    assert.equal(connector.returnReference({}), undefined);
    assert.equal(connector.returnReference({ order_id: 'nope' }), undefined);
  });

  test('errors: 401 is authentication, field errors name the merchant parameter', () => {
    assert.equal(
      translateQattahError(401, { message: 'Unauthenticated.', errors: {} }).code,
      'provider_authentication_failed',
    );
    assert.deepEqual(
      translateQattahError(422, {
        message: 'The amount must be a number.',
        errors: { amount: ['The amount must be a number.'] },
      }),
      {
        code: 'amount_invalid',
        param: 'amount',
        message: 'Qattah Pay rejected the order: The amount must be a number.',
        providerCodes: ['amount'],
      },
    );
    assert.equal(
      translateQattahError(422, { message: 'x', errors: { currency: ['Only SAR'] } }).code,
      'currency_not_supported',
    );
    assert.deepEqual(translateQattahError(422, { message: 'Only a fully paid order can be refunded.', errors: {} }), {
      code: 'provider_request_rejected',
      message: 'Qattah Pay answered 422: Only a fully paid order can be refunded.',
      providerCodes: [],
    });
  });
});

describe('qattah connector against the emulator', () => {
  let emu: RunningEmulator<QattahControl>;
  let account: ConnectorAccount;
  const connector = createQattahConnector({ timeoutMs: 400 });
  let n = 0;
  const create = async (amount = 10_000) => {
    const out = await connector.createPayment(
      account,
      request(`pay_emulator${String(++n).padStart(14, '0')}`, 'http://127.0.0.1:9/hook', amount),
    );
    if (out.kind !== 'created') throw new Error(JSON.stringify(out));
    return out.snapshot;
  };
  const refund = (orderId: string) =>
    connector.refundPayment(account, {
      refundId: `re_${orderId}`,
      providerPaymentId: orderId,
      money: { amount: 10_000, currency: 'SAR' },
      idempotencyKey: `re_${orderId}:refund`,
      notificationUrl: 'http://127.0.0.1:9/hook',
    });

  before(async () => {
    emu = await startEmulator('qattah', { port: 0 });
    account = accountOf(emu);
  });
  after(() => emu.close());

  test('create: pending, the hosted page, our payment id as reference, no shares yet', async () => {
    const s = await create(12_345);
    assert.equal(s.status, 'pending');
    assert.equal(s.providerStatus, 'CREATED/PENDING');
    assert.deepEqual(s.money, { amount: 12_345, currency: 'SAR' });
    assert.equal(s.redirectUrl, `${emu.baseUrl}/${s.providerPaymentId}`);
    assert.deepEqual(s.parts, []);
    const view = emu.control.getOrder(s.providerPaymentId);
    assert.equal(view?.amount, '123.45');
    assert.match(view?.reference ?? '', /^pay_emulator\d{14}$/);
    assert.equal(view?._emulator.lang, 'en');
    const got = await connector.retrievePayment(account, s.providerPaymentId);
    assert.equal(got.kind === 'found' && got.snapshot.redirectUrl, null);
  });

  test('a QAR payment or a bad amount is refused with the parameter named', async () => {
    const qar = await connector.createPayment(account, {
      ...request('pay_qar', 'http://127.0.0.1:9/hook'),
      money: { amount: 100, currency: 'QAR' },
    });
    assert.equal(qar.kind === 'rejected' && qar.failure.code, 'currency_not_supported', JSON.stringify(qar));
    const zero = await connector.createPayment(account, request('pay_zero', 'http://127.0.0.1:9/hook', 0));
    assert.equal(zero.kind === 'rejected' && zero.failure.param, 'amount', JSON.stringify(zero));
  });

  test('retrieval: unknown order is not_found; shares show up as they are paid', async () => {
    assert.deepEqual(await connector.retrievePayment(account, 'ord_AAAAAAAAAAAAA'), { kind: 'not_found' });
    const s = await create();
    const split = emu.control.split(s.providerPaymentId, {
      shares: [
        { name: 'Sara', amount: '60.00' },
        { name: 'Noura', amount: '40.00' },
      ],
    });
    assert.ok(split.ok);
    const first = split.ok ? split.order.invoices[0] : undefined;
    emu.control.pay(s.providerPaymentId, first?.id ?? '', 'APPLEPAY');
    const got = await connector.retrievePayment(account, s.providerPaymentId);
    assert.equal(got.kind, 'found');
    if (got.kind !== 'found') return;
    assert.equal(got.snapshot.status, 'pending');
    assert.equal(got.snapshot.providerStatus, 'STARTED/PENDING');
    assert.deepEqual(
      got.snapshot.parts?.map((p) => [p.name, p.amount, p.status, p.method]),
      [
        ['Sara', 6000, 'paid', 'applepay'],
        ['Noura', 4000, 'pending', null],
      ],
    );
  });

  test('refund: succeeded at once; asked again, still succeeded; a lookup agrees', async () => {
    const s = await create();
    payInFull(emu.control, s.providerPaymentId);
    assert.deepEqual(await refund(s.providerPaymentId), { kind: 'succeeded', providerRefundId: s.providerPaymentId });
    assert.deepEqual(await refund(s.providerPaymentId), { kind: 'succeeded', providerRefundId: s.providerPaymentId });
    assert.deepEqual(
      await connector.retrieveRefund(account, s.providerPaymentId, s.providerPaymentId, { amount: 0, currency: 'SAR' }),
      {
        kind: 'found',
        status: 'succeeded',
        failureMessage: null,
      },
    );
    const got = await connector.retrievePayment(account, s.providerPaymentId);
    assert.equal(got.kind === 'found' && got.snapshot.status, 'refunded');
    assert.deepEqual(got.kind === 'found' && got.snapshot.parts?.map((p) => p.status), ['refunded', 'refunded']);
  });

  test('refund after a lost answer: the emulator refunded, the retry finds it so, never a failure', async () => {
    const s = await create();
    payInFull(emu.control, s.providerPaymentId);
    // The timeout fault lets the refund happen and withholds only the answer.
    emu.control.addFault({ kind: 'timeout', count: 1, match: 'refund' });
    const lost = await refund(s.providerPaymentId);
    assert.equal(lost.kind === 'unknown' && lost.reason, 'timeout');
    assert.equal(emu.control.getOrder(s.providerPaymentId)?.payment_status, 'REFUNDED');
    assert.deepEqual(await refund(s.providerPaymentId), { kind: 'succeeded', providerRefundId: s.providerPaymentId });
  });

  test('refund: an order not paid in full is rejected; its lookup is not pending', async () => {
    const s = await create();
    const out = await refund(s.providerPaymentId);
    assert.equal(out.kind === 'rejected' && out.failure.code, 'provider_request_rejected', JSON.stringify(out));
    assert.match(out.kind === 'rejected' ? out.failure.message : '', /fully paid/);
    const lookup = await connector.retrieveRefund(account, s.providerPaymentId, s.providerPaymentId, {
      amount: 0,
      currency: 'SAR',
    });
    assert.equal(lookup.kind === 'found' && lookup.status, 'failed');
    const paid = await create();
    payInFull(emu.control, paid.providerPaymentId);
    const before = await connector.retrieveRefund(account, paid.providerPaymentId, paid.providerPaymentId, {
      amount: 0,
      currency: 'SAR',
    });
    assert.equal(before.kind === 'found' && before.status, 'pending');
    const missing = await refund('ord_AAAAAAAAAAAAA');
    assert.equal(missing.kind, 'rejected');
  });

  test('refund faults are unknown, and the lookup too when the check fails', async () => {
    const s = await create();
    payInFull(emu.control, s.providerPaymentId);
    emu.control.addFault({ kind: 'server_error', count: 1, match: 'refund' });
    const out = await refund(s.providerPaymentId);
    assert.equal(out.kind === 'unknown' && out.reason, 'server_error');
    emu.control.addFault({ kind: 'malformed', count: 1, match: 'retrieve' });
    const lookup = await connector.retrieveRefund(account, s.providerPaymentId, s.providerPaymentId, {
      amount: 0,
      currency: 'SAR',
    });
    assert.equal(lookup.kind === 'unknown' && lookup.reason, 'malformed_response');
    emu.control.clearFaults();
  });

  test('cancel: an unpaid order is canceled with its snapshot; a paid one is rejected', async () => {
    const s = await create();
    emu.control.split(s.providerPaymentId, { people: 2 });
    const out = await connector.cancelPayment?.(account, s.providerPaymentId);
    assert.equal(out?.kind, 'canceled');
    if (out?.kind !== 'canceled') return;
    assert.equal(out.snapshot?.status, 'canceled');
    assert.equal(out.snapshot?.providerStatus, 'ABANDONED/EXPIRED');
    assert.deepEqual(
      out.snapshot?.parts?.map((p) => p.status),
      ['expired', 'expired'],
    );
    // Sent again (its first answer lost): the order is canceled already, so that is the outcome.
    assert.equal((await connector.cancelPayment?.(account, s.providerPaymentId))?.kind, 'canceled');
    const paid = await create();
    payInFull(emu.control, paid.providerPaymentId);
    const refused = await connector.cancelPayment?.(account, paid.providerPaymentId);
    assert.equal(refused?.kind, 'rejected');
    assert.equal(refused?.kind === 'rejected' && refused.failure.code, 'provider_request_rejected');
    assert.match(refused?.kind === 'rejected' ? refused.failure.message : '', /PAID/);
    emu.control.addFault({ kind: 'timeout', count: 1, match: 'cancel' });
    const open = await create();
    assert.equal((await connector.cancelPayment?.(account, open.providerPaymentId))?.kind, 'unknown');
  });

  test('split bills: the parsed shares always add up to the parsed order amount', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 99_999_999_99 }),
        fc.oneof(
          fc.record({ people: fc.integer({ min: 1, max: 20 }) }),
          fc.record({ weights: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 20 }) }),
        ),
        fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
        async (total, how, paying) => {
          const count = 'people' in how ? how.people : how.weights.length;
          fc.pre(count <= total);
          const s = await create(total);
          let split: Parameters<QattahControl['split']>[1];
          if ('people' in how) split = { people: how.people };
          else {
            // Every share at least 0.01; the rest spread by the weights, exactly.
            const rest = how.weights.every((w) => w === 0) ? how.weights.map(() => 1) : how.weights;
            const amounts = allocate(total - count, rest).map((a) => a + 1);
            split = {
              shares: amounts.map((a, i) => ({
                name: `Payer ${i + 1}`,
                amount: formatMajor({ amount: a, currency: 'SAR' }),
              })),
            };
          }
          const done = emu.control.split(s.providerPaymentId, split);
          assert.ok(done.ok, JSON.stringify(done));
          if (!done.ok) return;
          for (const [i, inv] of done.order.invoices.entries()) {
            if (paying[i]) emu.control.pay(s.providerPaymentId, inv.id, 'MADA');
          }
          const got = await connector.retrievePayment(account, s.providerPaymentId);
          assert.equal(got.kind, 'found', JSON.stringify(got));
          if (got.kind !== 'found') return;
          const parts = got.snapshot.parts ?? [];
          assert.equal(parts.length, count);
          assert.equal(got.snapshot.money?.amount, total);
          assert.equal(
            parts.reduce((sum, p) => sum + p.amount, 0),
            total,
          );
          const allPaid = parts.every((p) => p.status === 'paid');
          assert.equal(got.snapshot.status, allPaid ? 'captured' : 'pending');
        },
      ),
      { numRuns: 60 },
    );
  });
});

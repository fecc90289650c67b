import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { Agent, request } from 'undici';
import { type RunningEmulator, startEmulator } from '../registry.ts';
import type { CheckoutComControl } from './control.ts';
import { formatAmount } from './pages.ts';
import type { CheckoutComEmulator } from './server.ts';
import { type Json, MINUTE, newEmulator, post as postOver, T0 } from './test-support.ts';

const SEED_BODY = {
  amount: 100,
  currency: 'QAR',
  source: {
    type: 'qpay',
    description: 'QPay Demo Payment',
    language: 'en',
    quantity: '1',
    national_id: '070AYY010BU234M',
  },
};
const GOOD_CARD = { card_number: '4215375500883243', expiry: '12/99', pin: '677', otp: '123456' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Frozen real time (T0), so boundary tests (exactly 15 min, 24 h) depend only on advanceClock().
function auth(emu: CheckoutComEmulator): Record<string, string> {
  return { authorization: `Bearer ${emu.credentials.secretKey}` };
}

async function create(emu: CheckoutComEmulator, body: unknown = SEED_BODY, headers: Record<string, string> = {}) {
  return emu.app.inject({
    method: 'POST',
    url: '/payments',
    headers: { ...auth(emu), ...headers },
    payload: body as object,
  });
}

async function createOk(emu: CheckoutComEmulator, extra: Json = {}): Promise<Json> {
  const res = await create(emu, { ...SEED_BODY, ...extra });
  assert.equal(res.statusCode, 202, res.body);
  return res.json();
}

async function get(emu: CheckoutComEmulator, id: string) {
  return emu.app.inject({ method: 'GET', url: `/payments/${id}`, headers: auth(emu) });
}

const eventTypes = (emu: CheckoutComEmulator, id: string): string[] =>
  (emu.control.getPayment(id)?.events ?? []).map((event) => event.type);

const punOf = (created: Json): string => new URL(created._links.redirect.href).searchParams.get('pun') ?? '';

async function submit(emu: CheckoutComEmulator, pun: string, fields: Record<string, string>) {
  return emu.app.inject({
    method: 'POST',
    url: '/qpay-external/pay',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ pun, ...fields }).toString(),
  });
}

describe('POST /payments', () => {
  const emu = newEmulator();

  test('accepts the seed body and answers 202 Pending in the documented shape', async () => {
    const res = await create(emu);
    assert.equal(res.statusCode, 202);
    assert.match(String(res.headers['cko-request-id']), UUID);
    assert.ok(res.headers['cko-version']);
    const body = res.json();
    assert.match(body.id, /^pay_[a-z2-7]{26}$/);
    assert.equal(body.status, 'Pending');
    assert.match(body.customer.id, /^cus_[a-z2-7]{26}$/);
    assert.equal(body._links.self.href, `http://localhost:80/payments/${body.id}`);
    assert.match(
      body._links.redirect.href,
      /^http:\/\/localhost:80\/qpay-external\/redirect-to-qpay\?pun=[a-z0-9]{20}$/,
    );
    assert.equal('reference' in body, false);
  });

  test('accepts an integer quantity and echoes the reference', async () => {
    const body = await createOk(emu, { reference: 'ORD-1', source: { ...SEED_BODY.source, quantity: 2 } });
    assert.equal(body.reference, 'ORD-1');
  });

  const cases: [string, Json, string][] = [
    ['amount missing', { amount: undefined }, 'amount_required'],
    ['amount decimal', { amount: 10.5 }, 'amount_invalid'],
    ['amount string', { amount: '100' }, 'amount_invalid'],
    ['amount zero', { amount: 0 }, 'amount_invalid'],
    ['amount ten digits', { amount: 1_000_000_000 }, 'amount_invalid'],
    ['currency missing', { currency: undefined }, 'currency_required'],
    ['currency lowercase', { currency: 'qar' }, 'currency_invalid'],
    ['currency not QAR', { currency: 'SAR' }, 'currency_not_supported'],
    ['source missing', { source: undefined }, 'payment_source_required'],
    ['source type missing', { source: { description: 'x' } }, 'payment_source_type_required'],
    ['source type card', { source: { type: 'card' } }, 'payment_source_not_supported'],
    ['description missing', { source: { type: 'qpay' } }, 'source_description_required'],
    ['quantity zero', { source: { ...SEED_BODY.source, quantity: 0 } }, 'quantity_invalid'],
    ['quantity words', { source: { ...SEED_BODY.source, quantity: 'one' } }, 'quantity_invalid'],
    ['national id empty', { source: { ...SEED_BODY.source, national_id: '' } }, 'national_id_invalid'],
    ['national id number', { source: { ...SEED_BODY.source, national_id: 70 } }, 'national_id_invalid'],
    ['success url relative', { success_url: '/ok' }, 'success_url_invalid'],
    ['failure url ftp', { failure_url: 'ftp://x.example/' }, 'failure_url_invalid'],
    ['reference too long', { reference: 'r'.repeat(51) }, 'reference_invalid'],
    ['reference number', { reference: 7 }, 'reference_invalid'],
  ];
  for (const [name, patch, code] of cases) {
    test(`422 ${code} (${name})`, async () => {
      const res = await create(emu, { ...SEED_BODY, ...patch });
      assert.equal(res.statusCode, 422, res.body);
      const body = res.json();
      assert.equal(body.error_type, 'request_invalid');
      assert.deepEqual(body.error_codes, [code]);
      assert.equal(body.request_id, res.headers['cko-request-id']);
    });
  }

  test('422 lists every applicable code at once', async () => {
    const res = await create(emu, { amount: -1, currency: 'usd', success_url: 'nope' });
    assert.deepEqual(res.json().error_codes, [
      'amount_invalid',
      'currency_invalid',
      'payment_source_required',
      'success_url_invalid',
    ]);
  });

  test('a body that is not JSON is 422 request_body_malformed', async () => {
    const res = await create(emu, '{"amount": 1', { 'content-type': 'application/json' });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(res.json().error_codes, ['request_body_malformed']);
  });

  test('processing_channel_id is required only when the control API says so', async () => {
    const local = newEmulator();
    await createOk(local);
    local.control.updateSettings({ requireProcessingChannelId: true });
    const res = await create(local);
    assert.deepEqual(res.json().error_codes, ['processing_channel_id_required']);
    await createOk(local, { processing_channel_id: 'pc_abcdefghijklmnopqrstuvwxyz' });
  });
});

describe('authentication', () => {
  const emu = newEmulator();
  const bad: [string, Record<string, string>][] = [
    ['missing', {}],
    ['wrong key', { authorization: 'Bearer sk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa' }],
    ['public key', { authorization: `Bearer ${emu.credentials.publicKey}` }],
  ];
  for (const [name, headers] of bad) {
    test(`401 with an empty body (${name})`, async () => {
      const res = await emu.app.inject({ method: 'POST', url: '/payments', headers, payload: SEED_BODY });
      assert.equal(res.statusCode, 401);
      assert.equal(res.body, '');
      assert.ok(res.headers['cko-request-id']);
      assert.equal(emu.control.listPayments().length, 0);
    });
  }

  test('keys have the sandbox format and the bare key is accepted', async () => {
    assert.match(emu.credentials.secretKey, /^sk_sbox_[a-z2-7]{27}$/);
    assert.match(emu.credentials.publicKey, /^pk_sbox_[a-z2-7]{27}$/);
    const res = await emu.app.inject({
      method: 'POST',
      url: '/payments',
      headers: { authorization: emu.credentials.secretKey },
      payload: SEED_BODY,
    });
    assert.equal(res.statusCode, 202);
  });
});

describe('idempotency', () => {
  const emu = newEmulator();

  test('a replay returns the same status and body and creates nothing', async () => {
    const first = await create(emu, SEED_BODY, { 'cko-idempotency-key': 'k-1' });
    const again = await create(emu, SEED_BODY, { 'cko-idempotency-key': 'k-1' });
    assert.equal(again.statusCode, first.statusCode);
    assert.equal(again.body, first.body);
    assert.equal(emu.control.listPayments().length, 1);
    const other = await create(emu, SEED_BODY, { 'cko-idempotency-key': 'k-2' });
    assert.notEqual(other.json().id, first.json().id);
  });

  test('4xx answers are not cached', async () => {
    const rejected = await create(emu, { ...SEED_BODY, amount: 0 }, { 'cko-idempotency-key': 'k-3' });
    assert.equal(rejected.statusCode, 422);
    const accepted = await create(emu, SEED_BODY, { 'cko-idempotency-key': 'k-3' });
    assert.equal(accepted.statusCode, 202);
  });

  test('cached answers are kept for 24 hours of emulator time', async () => {
    const first = (await create(emu, SEED_BODY, { 'cko-idempotency-key': 'k-4' })).json();
    emu.control.advanceClock(24 * 60 * MINUTE - 1);
    assert.equal((await create(emu, SEED_BODY, { 'cko-idempotency-key': 'k-4' })).json().id, first.id);
    emu.control.advanceClock(1);
    assert.notEqual((await create(emu, SEED_BODY, { 'cko-idempotency-key': 'k-4' })).json().id, first.id);
  });
});

describe('GET /payments/{id}', () => {
  const emu = newEmulator();

  test('a pending payment by pay_ id: shape of the seed, national_id never echoed', async () => {
    const created = await createOk(emu, { reference: 'ORD-9', metadata: { order: 9 } });
    const res = await get(emu, created.id);
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.match(body.requested_on, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(body.source, { type: 'qpay', description: 'QPay Demo Payment', pun: punOf(created) });
    assert.equal(body.amount, 100);
    assert.equal(body.currency, 'QAR');
    assert.equal(body.payment_type, 'Regular');
    assert.equal(body.status, 'Pending');
    assert.equal(body.approved, false);
    assert.equal(body.reference, 'ORD-9');
    assert.deepEqual(body.metadata, { order: 9 });
    assert.deepEqual(body.risk, { flagged: false });
    assert.equal(body.customer.id, created.customer.id);
    assert.equal(body._links.redirect.href, created._links.redirect.href);
    assert.equal(body._links.actions.href, `${created._links.self.href}/actions`);
    assert.equal(body._links.refund, undefined);
    assert.equal(body.actions, undefined);
    assert.doesNotMatch(res.body, /070AYY010BU234M|national_id/);
  });

  test('by sid_ after approval: Captured, approved, with actions; session lives 15 minutes', async () => {
    const created = await createOk(emu);
    const done = emu.control.completePayment(created.id, 'approve');
    assert.ok(done.ok);
    assert.match(done.session_id, /^sid_[a-z2-7]{26}$/);
    const body = (await get(emu, done.session_id)).json();
    assert.equal(body.id, created.id);
    assert.equal(body.status, 'Captured');
    assert.equal(body.approved, true);
    assert.match(body.source.confirmation_id, /^\d+$/);
    assert.equal(body._links.redirect, undefined);
    assert.equal(body._links.refund.href, `${created._links.self.href}/refunds`);
    assert.equal(body.actions.length, 1);
    assert.match(body.actions[0].id, /^act_[a-z2-7]{26}$/);
    assert.deepEqual(
      { ...body.actions[0], id: undefined, processed_on: undefined },
      {
        id: undefined,
        processed_on: undefined,
        type: 'Capture',
        amount: 100,
        approved: true,
        response_code: '10000',
        response_summary: 'Approved',
      },
    );
    const actions = await emu.app.inject({ method: 'GET', url: `/payments/${created.id}/actions`, headers: auth(emu) });
    assert.deepEqual(actions.json(), body.actions);

    emu.control.advanceClock(15 * MINUTE - 1);
    assert.equal((await get(emu, done.session_id)).statusCode, 200);
    emu.control.advanceClock(1);
    const expired = await get(emu, done.session_id);
    assert.equal(expired.statusCode, 404);
    assert.equal(expired.body, '');
    assert.equal((await get(emu, created.id)).statusCode, 200);
  });

  test('unknown ids are 404 with an empty body', async () => {
    for (const url of [
      '/payments/pay_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      '/payments/sid_aaaaaaaaaaaaaaaaaaaaaaaaaa',
      '/payments/pay_x/actions',
    ]) {
      const res = await emu.app.inject({ method: 'GET', url, headers: auth(emu) });
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.body, '');
    }
  });
});

describe('payment expiry', () => {
  test('a payment never completed expires after the window, lazily and through the control API', async () => {
    const emu = newEmulator();
    const created = await createOk(emu);
    emu.control.advanceClock(15 * MINUTE - 1);
    assert.equal((await get(emu, created.id)).json().status, 'Pending');
    const advanced = emu.control.advanceClock(1);
    assert.deepEqual(advanced.expired, [created.id]);
    assert.equal(emu.control.getPayment(created.id)?.status, 'Expired');
    const body = (await get(emu, created.id)).json();
    assert.equal(body.status, 'Expired');
    assert.equal(body.approved, false);
    const events = eventTypes(emu, created.id);
    assert.deepEqual(events, ['payment_pending', 'payment_expired']);

    const page = await emu.app.inject({ method: 'GET', url: `/qpay-external/redirect-to-qpay?pun=${punOf(created)}` });
    assert.equal(page.statusCode, 409);
    assert.match(page.body, /Payment expired/);
    assert.doesNotMatch(page.body, /name="pin"/);
    const paid = await submit(emu, punOf(created), GOOD_CARD);
    assert.equal(paid.statusCode, 409);
    assert.deepEqual(emu.control.completePayment(created.id, 'approve'), {
      ok: false,
      error: 'payment_not_pending',
      status: 'Expired',
    });
    assert.equal((await get(emu, created.id)).json().status, 'Expired');
  });

  test('the window is configurable and expiry is seen on a plain read', async () => {
    const emu = newEmulator();
    emu.control.updateSettings({ paymentWindowMs: 2 * MINUTE });
    const created = await createOk(emu);
    emu.clock.advance(2 * MINUTE);
    assert.equal((await get(emu, created.id)).json().status, 'Expired');
  });
});

describe('hosted QPay page', () => {
  const emu = newEmulator();
  const urls = { success_url: 'https://shop.example/ok?order=7&x=a%20b', failure_url: 'https://shop.example/fail' };

  test('renders the form with amount, description, fields, buttons and test data', async () => {
    const created = await createOk(emu, { source: { ...SEED_BODY.source, description: 'Tea <script>' } });
    const page = await emu.app.inject({ method: 'GET', url: `/qpay-external/redirect-to-qpay?pun=${punOf(created)}` });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    for (const needle of [
      'QAR 1.00',
      'name="card_number"',
      'name="expiry"',
      'type="password"',
      'name="pin"',
      'name="otp"',
      'id="pay"',
      'id="cancel"',
      'id="lang-switch"',
      '4215375500883243',
      '677',
      'lang="en" dir="ltr"',
      'Tea &lt;script&gt;',
    ]) {
      assert.ok(page.body.includes(needle), needle);
    }
    assert.doesNotMatch(page.body, /<script>/);
  });

  test('the Arabic page is right-to-left with Arabic labels', async () => {
    const created = await createOk(emu);
    const page = await emu.app.inject({
      method: 'GET',
      url: `/qpay-external/redirect-to-qpay?pun=${punOf(created)}&lang=ar`,
    });
    assert.match(page.body, /<html lang="ar" dir="rtl">/);
    for (const label of ['رقم البطاقة', 'الرقم السري', 'ادفع', 'إلغاء', 'وضع الاختبار'])
      assert.ok(page.body.includes(label), label);
    assert.match(page.body, /id="lang-switch" href="[^"]*lang=en"/);
    const byLanguage = await createOk(emu, { source: { ...SEED_BODY.source, language: 'ar' } });
    const defaulted = await emu.app.inject({
      method: 'GET',
      url: `/qpay-external/redirect-to-qpay?pun=${punOf(byLanguage)}`,
    });
    assert.match(defaulted.body, /dir="rtl"/);
  });

  test('PIN 677 captures and redirects 303 to success_url with cko-session-id', async () => {
    const created = await createOk(emu, urls);
    const res = await submit(emu, punOf(created), GOOD_CARD);
    assert.equal(res.statusCode, 303);
    const location = String(res.headers.location);
    assert.match(location, /^https:\/\/shop\.example\/ok\?order=7&x=a%20b&cko-session-id=sid_[a-z2-7]{26}$/);
    const sid = new URL(location).searchParams.get('cko-session-id') ?? '';
    assert.equal((await get(emu, sid)).json().status, 'Captured');
    const events = eventTypes(emu, created.id);
    assert.deepEqual(events, ['payment_pending', 'payment_capture_pending', 'payment_captured']);

    const again = await submit(emu, punOf(created), GOOD_CARD);
    assert.equal(again.statusCode, 409);
    assert.match(again.body, /already/);
    assert.equal((await get(emu, created.id)).json().status, 'Captured');
    assert.equal(emu.control.getPayment(created.id)?.actions.length, 1);
  });

  test('another PIN declines and redirects to failure_url', async () => {
    const created = await createOk(emu, urls);
    const res = await submit(emu, punOf(created), { ...GOOD_CARD, pin: '1234' });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^https:\/\/shop\.example\/fail\?cko-session-id=sid_/);
    const body = (await get(emu, created.id)).json();
    assert.equal(body.status, 'Declined');
    assert.equal(body.approved, false);
    const [action] = (
      await emu.app.inject({ method: 'GET', url: `/payments/${created.id}/actions`, headers: auth(emu) })
    ).json();
    assert.deepEqual(
      [action.approved, action.response_code, action.response_summary],
      [false, '20005', 'Declined - Do Not Honour'],
    );
    assert.equal(eventTypes(emu, created.id).at(-1), 'payment_capture_declined');
  });

  test('Cancel cancels without validating the card fields', async () => {
    const created = await createOk(emu, urls);
    const res = await submit(emu, punOf(created), { action: 'cancel' });
    assert.equal(res.statusCode, 303);
    assert.match(String(res.headers.location), /^https:\/\/shop\.example\/fail\?cko-session-id=sid_/);
    assert.equal((await get(emu, created.id)).json().status, 'Canceled');
    assert.equal(eventTypes(emu, created.id).at(-1), 'payment_canceled');
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ['card fails Luhn', { card_number: '4215375500883244' }, /card number is not valid/],
    ['card too short', { card_number: '421537550088324' }, /card number is not valid/],
    ['expiry in the past', { expiry: '01/20' }, /expiry date/],
    ['expiry month 13', { expiry: '13/30' }, /expiry date/],
    ['expiry malformed', { expiry: '1230' }, /expiry date/],
    ['PIN too short', { pin: '12' }, /PIN must have/],
    ['PIN not digits', { pin: 'abcd' }, /PIN must have/],
    ['OTP five digits', { otp: '12345' }, /OTP must have/],
  ];
  for (const [name, patch, message] of invalid) {
    test(`invalid input re-renders the form with 400 (${name})`, async () => {
      const created = await createOk(emu, urls);
      const res = await submit(emu, punOf(created), { ...GOOD_CARD, ...patch });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, message);
      assert.match(res.body, /role="alert"/);
      assert.match(res.body, /name="card_number"/);
      assert.equal(emu.control.getPayment(created.id)?.status, 'Pending');
    });
  }

  test('without a merchant URL a result page shows the session id', async () => {
    const created = await createOk(emu);
    const res = await submit(emu, punOf(created), GOOD_CARD);
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Payment approved/);
    const sid = /id="session-id">(sid_[a-z2-7]{26})</.exec(res.body)?.[1] ?? '';
    assert.equal((await get(emu, sid)).json().id, created.id);
  });

  test('an unknown pun is a 404 page', async () => {
    const res = await emu.app.inject({ method: 'GET', url: '/qpay-external/redirect-to-qpay?pun=nope' });
    assert.equal(res.statusCode, 404);
    assert.match(res.body, /Payment not found/);
    assert.equal((await submit(emu, 'nope', GOOD_CARD)).statusCode, 404);
  });

  test('amounts are shown from minor units with two decimals', () => {
    assert.equal(formatAmount(5, 'QAR'), 'QAR 0.05');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999 }), (amount) => {
        const shown = formatAmount(amount, 'QAR');
        assert.match(shown, /^QAR (0|[1-9]\d*)\.\d\d$/);
        assert.equal(Number(shown.slice(4).replace('.', '')), amount);
      }),
    );
  });
});

describe('control API over HTTP', () => {
  const emu = newEmulator();
  const call = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    emu.app.inject({ method, url: `/__control${url}`, ...(payload && { payload }) });

  test('clock, settings, payments, complete, faults and reset', async () => {
    assert.equal((await call('GET', '/clock')).json().now, new Date(T0).toISOString());
    const advanced = (await call('POST', '/clock', { advance_ms: 3_600_000 })).json().now;
    assert.equal(advanced, new Date(T0 + 3_600_000).toISOString());
    assert.equal((await call('POST', '/clock', { advance_ms: -1 })).statusCode, 400);

    const settings = await call('POST', '/settings', {
      payment_window_ms: 60_000,
      require_processing_channel_id: false,
    });
    assert.deepEqual(settings.json(), {
      payment_window_ms: 60_000,
      require_processing_channel_id: false,
      expiry_status: 'Expired',
      canceled_failure_status: 'Canceled',
    });

    const created = await createOk(emu, { success_url: 'https://m.example/ok' });
    const list = (await call('GET', '/payments')).json().payments;
    assert.equal(list.length, 1);
    assert.equal(list[0].national_id, '070AYY010BU234M');
    assert.equal((await call('GET', `/payments/${created.id}`)).json().events[0].type, 'payment_pending');
    assert.equal((await call('GET', '/payments/pay_nope')).statusCode, 404);

    const completed = (await call('POST', `/payments/${created.id}/complete`, { outcome: 'approve' })).json();
    assert.equal(completed.status, 'Captured');
    assert.equal(completed.redirect_url, `https://m.example/ok?cko-session-id=${completed.session_id}`);
    assert.equal((await call('POST', `/payments/${created.id}/complete`, { outcome: 'cancel' })).statusCode, 409);
    assert.equal((await call('POST', `/payments/${created.id}/complete`, { outcome: 'maybe' })).statusCode, 400);

    assert.equal((await call('POST', '/faults', { kind: 'slow', count: 2, match: 'create' })).statusCode, 201);
    assert.equal((await call('POST', '/faults', { kind: 'explode' })).statusCode, 400);
    assert.deepEqual(
      (await call('GET', '/faults')).json().faults.map((f: Json) => [f.kind, f.remaining, f.match]),
      [['slow', 2, 'create']],
    );
    await call('DELETE', '/faults');
    assert.deepEqual((await call('GET', '/faults')).json().faults, []);

    await call('POST', '/faults', { kind: 'reset' });
    await call('POST', '/reset');
    assert.deepEqual((await call('GET', '/payments')).json().payments, []);
    assert.deepEqual(emu.control.listFaults(), []);
    assert.equal((await call('GET', '/clock')).json().now, new Date(T0).toISOString());
    assert.equal(emu.control.settings().paymentWindowMs, 15 * MINUTE);
  });

  test('event listeners see every notification as it is recorded', async () => {
    const seen: string[] = [];
    const stop = emu.control.onEvent((event) => seen.push(event.type));
    const created = await createOk(emu);
    emu.control.completePayment(created.id, 'decline');
    stop();
    await createOk(emu);
    assert.deepEqual(seen, ['payment_pending', 'payment_capture_declined']);
  });
});

describe('faults and registry (real sockets)', () => {
  let emu: RunningEmulator<CheckoutComControl>;
  const agent = new Agent();
  before(async () => {
    emu = await startEmulator('checkout_com', { port: 0, secretKey: 'sk_sbox_abcdefghijklmnopqrstuvwxyz2' });
  });
  after(async () => {
    await emu.close();
    await agent.close();
  });

  const post = (key?: string, headersTimeout = 5_000) =>
    postOver(emu, agent, '/payments', SEED_BODY, key, headersTimeout);
  const count = () => emu.control.listPayments().length;

  test('the base URL has the real port and links use it', async () => {
    assert.match(emu.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(emu.baseUrl, 'http://127.0.0.1:0');
    assert.equal(emu.credentials.secretKey, 'sk_sbox_abcdefghijklmnopqrstuvwxyz2');
    assert.ok(emu.describe().some((line) => line.includes(emu.credentials.secretKey)));
    const res = await post();
    const body = (await res.body.json()) as Json;
    assert.ok(body._links.self.href.startsWith(`${emu.baseUrl}/payments/pay_`));
  });

  test('timeout: processed but never answered; a retry with the same key gets the same payment', async () => {
    emu.control.addFault({ kind: 'timeout', match: 'create' });
    const start = count();
    await assert.rejects(post('t-1', 300), { code: 'UND_ERR_HEADERS_TIMEOUT' });
    assert.equal(count(), start + 1);
    const retry = await post('t-1');
    assert.equal(retry.statusCode, 202);
    const body = (await retry.body.json()) as Json;
    assert.equal(body.id, emu.control.listPayments().at(-1)?.id);
    assert.equal(count(), start + 1);
  });

  test('server_error: not processed, 502 with an HTML body', async () => {
    emu.control.addFault({ kind: 'server_error' });
    const start = count();
    const res = await post();
    assert.equal(res.statusCode, 502);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(await res.body.text(), /Bad Gateway/);
    assert.equal(count(), start);
  });

  test('malformed: processed, 2xx JSON content type, body does not parse', async () => {
    emu.control.addFault({ kind: 'malformed' });
    const start = count();
    const res = await post();
    assert.equal(res.statusCode, 202);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const text = await res.body.text();
    assert.throws(() => JSON.parse(text));
    assert.equal(count(), start + 1);
  });

  test('slow: processed and answered after delay_ms', async () => {
    emu.control.addFault({ kind: 'slow', delayMs: 300 });
    const started = performance.now();
    const res = await post();
    await res.body.dump();
    assert.equal(res.statusCode, 202);
    assert.ok(performance.now() - started >= 290);
  });

  test('reset: not processed, connection dropped', async () => {
    emu.control.addFault({ kind: 'reset' });
    const start = count();
    await assert.rejects(post(), (err: Error & { code?: string }) => /SOCKET|ECONNRESET/.test(String(err.code)));
    assert.equal(count(), start);
  });

  test('faults honour match and count, and skip the control API and hosted page', async () => {
    emu.control.addFault({ kind: 'server_error', match: 'retrieve', count: 2 });
    const created = (await (await post()).body.json()) as Json;
    const page = await request(created._links.redirect.href, { dispatcher: agent });
    assert.equal(page.statusCode, 200);
    await page.body.dump();
    const control = await request(`${emu.baseUrl}/__control/payments`, { dispatcher: agent });
    assert.equal(control.statusCode, 200);
    await control.body.dump();
    for (let i = 0; i < 3; i++) {
      const res = await request(created._links.self.href, {
        dispatcher: agent,
        headers: { authorization: emu.credentials.secretKey },
      });
      await res.body.dump();
      assert.equal(res.statusCode, i < 2 ? 502 : 200);
    }
  });

  test('close() does not hang on a request held by a timeout fault', async () => {
    const local = await startEmulator('checkout_com');
    local.control.addFault({ kind: 'timeout' });
    const held = request(`${local.baseUrl}/payments/pay_x`, {
      dispatcher: agent,
      headers: { authorization: local.credentials.secretKey },
    });
    while (local.control.listFaults().length > 0) await new Promise((resolve) => setImmediate(resolve));
    await local.close();
    await assert.rejects(held);
  });
});

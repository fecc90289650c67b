import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { request } from 'undici';
import { startEmulator } from '../registry.ts';
import { TAP_ID } from './tap-ids.ts';
import {
  auth,
  create,
  createOk,
  GOOD_CARD,
  get,
  type Json,
  MINUTE,
  newEmulator,
  pagePath,
  SEED_BODY,
  submit,
  T0,
} from './test-support.ts';

const SEED_KEYS_INITIATED = [
  'id', 'object', 'live_mode', 'customer_initiated', 'api_version', 'method', 'status', 'amount', 'currency',
  'threeDSecure', 'card_threeDSecure', 'save_card', 'merchant_id', 'product', 'description', 'metadata',
  'transaction', 'reference', 'response', 'receipt', 'customer', 'merchant', 'source', 'redirect', 'post',
  'activities', 'auto_reversed',
]; // biome-ignore format: one list, as in the seed

describe('POST /v2/charges/', () => {
  const emu = newEmulator();

  test('accepts the seed body and answers INITIATED in the seed shape', async () => {
    const res = await create(emu);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body), SEED_KEYS_INITIATED);
    assert.match(body.id, /^chg_TS0/);
    assert.match(body.id, TAP_ID);
    assert.equal(body.object, 'charge');
    assert.equal(body.live_mode, false);
    assert.equal(body.api_version, 'V2');
    assert.equal(body.method, 'CREATE');
    assert.equal(body.status, 'INITIATED');
    assert.equal(body.amount, 1);
    assert.equal(body.currency, 'QAR');
    assert.equal(body.threeDSecure, true);
    assert.equal(body.card_threeDSecure, false);
    assert.equal(body.save_card, false);
    assert.equal(body.product, 'GOSELL');
    assert.match(body.merchant_id, /^\d+$/);
    assert.deepEqual(body.metadata, { udf1: 'Metadata 1' });
    assert.deepEqual(body.transaction.expiry, { period: 30, type: 'MINUTE' });
    assert.equal(body.transaction.created, String(T0));
    assert.equal(body.transaction.timezone, 'UTC+03:00');
    assert.equal(body.transaction.asynchronous, false);
    assert.match(body.transaction.url, /^http:\/\/localhost:80\/test_gosell\/v2\/payment\/tap_process\.aspx\?chg=/);
    assert.deepEqual(body.reference, { transaction: 'txn_01', order: 'ord_01' });
    assert.deepEqual(body.response, { code: '100', message: 'Initiated' });
    assert.deepEqual(body.receipt, { email: true, sms: true });
    assert.deepEqual(body.customer, {
      first_name: 'test',
      last_name: 'test',
      email: 'test@test.com',
      phone: { country_code: '965', number: '51234567' },
    });
    assert.deepEqual(body.source, { object: 'source', id: 'src_qa.qpay', on_file: false });
    assert.deepEqual(body.redirect, { status: 'PENDING', url: SEED_BODY.redirect.url });
    assert.deepEqual(body.post, { status: 'PENDING', url: SEED_BODY.post.url });
    assert.equal(body.activities.length, 1);
    assert.deepEqual({ ...body.activities[0], id: 'x' }, {
      id: 'x', object: 'activity', created: T0, status: 'INITIATED', currency: 'QAR', amount: 1,
      remarks: 'charge - created', txn_id: body.id,
    }); // biome-ignore format: compact
    assert.match(body.activities[0].id, /^activity_TS0/);
    assert.equal(body.auto_reversed, false);
  });

  test('also answers without the trailing slash, and keeps decimals exact', async () => {
    const res = await emu.app.inject({
      method: 'POST',
      url: '/v2/charges',
      headers: { ...auth(emu.credentials.secretKey), 'content-type': 'application/json' },
      payload: JSON.stringify({ ...SEED_BODY, amount: 10.1 }),
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().amount, 10.1);
    assert.equal(emu.state.getCharge(res.json().id)?.amount, 1010);
  });

  const cases: [string, unknown, string[]][] = [
    ['empty body', '', ['1102']],
    ['empty object', {}, ['1102']],
    ['invalid JSON', '{"amount": 1,', ['2100']],
    ['JSON array', [1], ['2100']],
    ['amount zero', { ...SEED_BODY, amount: 0 }, ['1117']],
    ['amount negative', { ...SEED_BODY, amount: -1 }, ['1117']],
    ['amount string', { ...SEED_BODY, amount: '1' }, ['1117']],
    ['amount missing', { ...SEED_BODY, amount: undefined }, ['1117']],
    ['amount three decimals in QAR', { ...SEED_BODY, amount: 1.005 }, ['1117']],
    ['currency lowercase', { ...SEED_BODY, currency: 'qar' }, ['1118']],
    ['currency not ISO', { ...SEED_BODY, currency: 'XYZ' }, ['1118']],
    ['currency missing', { ...SEED_BODY, currency: undefined }, ['1118']],
    ['currency KWD', { ...SEED_BODY, currency: 'KWD' }, ['1119']],
    ['source missing', { ...SEED_BODY, source: undefined }, ['1124']],
    ['source id empty', { ...SEED_BODY, source: { id: '' } }, ['1124']],
    ['source id card', { ...SEED_BODY, source: { id: 'src_card' } }, ['1125']],
    ['customer missing', { ...SEED_BODY, customer: undefined }, ['1129']],
    ['customer only a last name', { ...SEED_BODY, customer: { last_name: 'x' } }, ['1129']],
    ['email invalid', { ...SEED_BODY, customer: { first_name: 'a', email: 'nope' } }, ['1138']],
    [
      'phone invalid',
      { ...SEED_BODY, customer: { first_name: 'a', phone: { country_code: 974, number: 'x' } } },
      ['1135'],
    ],
    ['redirect url relative', { ...SEED_BODY, redirect: { url: '/back' } }, ['1103']],
    [
      'several at once',
      { ...SEED_BODY, amount: 0, currency: 'USD', source: { id: 'src_x' } },
      ['1117', '1119', '1125'],
    ],
  ];
  for (const [name, body, codes] of cases) {
    test(`400 ${codes.join('+')}: ${name}`, async () => {
      const res = await create(emu, body);
      assert.equal(res.statusCode, 400, res.body);
      const json = res.json();
      assert.deepEqual(Object.keys(json), ['errors']);
      assert.deepEqual(
        json.errors.map((e: Json) => e.code),
        codes,
      );
      for (const error of json.errors) assert.ok(typeof error.description === 'string' && error.description !== '');
    });
  }

  test('customer by id alone, or by phone alone, is enough', async () => {
    const byId = await createOk(emu, { customer: { id: 'cus_TS01A0320261000abcd1501000' } });
    assert.equal(byId.customer.id, 'cus_TS01A0320261000abcd1501000');
    const byPhone = await createOk(emu, { customer: { phone: { country_code: '974', number: '55123456' } } });
    assert.deepEqual(byPhone.customer, { phone: { country_code: '974', number: '55123456' } });
  });
});

describe('authentication', () => {
  const emu = newEmulator();
  const variants: [string, Record<string, string>, string][] = [
    ['no Authorization header', {}, '2105'],
    ['an empty bearer', { authorization: 'Bearer ' }, '2105'],
    ['an unknown secret key', { authorization: 'Bearer sk_test_XKokBfNWv6FIYuTMg5sLPjhJ' }, '2104'],
    ['a live key', { authorization: 'Bearer sk_live_XKokBfNWv6FIYuTMg5sLPjhJ' }, '2104'],
  ];
  for (const [name, headers, code] of variants) {
    test(`401 ${code} for ${name}`, async () => {
      for (const [method, url] of [
        ['POST', '/v2/charges/'],
        ['GET', '/v2/charges/chg_x'],
        ['POST', '/v2/refunds'],
      ] as const) {
        const res = await emu.app.inject({
          method,
          url,
          headers,
          ...(method === 'POST' ? { payload: SEED_BODY } : {}),
        });
        assert.equal(res.statusCode, 401, `${method} ${url}`);
        assert.deepEqual(
          res.json().errors.map((e: Json) => e.code),
          [code],
        );
      }
    });
  }

  test('401 2106 for the public key, and the generated keys have Tap’s format', async () => {
    assert.match(emu.credentials.secretKey, /^sk_test_[A-Za-z0-9]{24}$/);
    assert.match(emu.credentials.publicKey, /^pk_test_[A-Za-z0-9]{24}$/);
    assert.equal(emu.credentials.webhookSignatureKey, emu.credentials.secretKey);
    const res = await create(emu, SEED_BODY, emu.credentials.publicKey);
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), { errors: [{ code: '2106', description: res.json().errors[0].description }] });
  });
});

describe('GET /v2/charges/{id}', () => {
  const emu = newEmulator();

  test('returns the charge with method GET; 404 1144 for unknown ids and other merchants’ charges', async () => {
    const created = await createOk(emu);
    const res = await get(emu, `/v2/charges/${created.id}`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual({ ...(res.json() as Json), method: 'CREATE' }, created);
    const unknown = await get(emu, '/v2/charges/chg_TS01A0020261000abcd1501000');
    assert.equal(unknown.statusCode, 404);
    assert.deepEqual(
      unknown.json().errors.map((e: Json) => e.code),
      ['1144'],
    );
    const other = emu.control.createMerchant();
    const foreign = await get(emu, `/v2/charges/${created.id}`, other.secretKey);
    assert.equal(foreign.statusCode, 404);
    assert.deepEqual(
      foreign.json().errors.map((e: Json) => e.code),
      ['1144'],
    );
  });
});

describe('hosted page', () => {
  const emu = newEmulator();

  test('shows the form in English with the test-mode box and the shared element names', async () => {
    const charge = await createOk(emu);
    const res = await emu.app.inject({ method: 'GET', url: pagePath(charge) });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    for (const name of ['card_number', 'expiry', 'pin', 'otp']) assert.match(res.body, new RegExp(`name="${name}"`));
    for (const id of ['pay', 'cancel', 'lang-switch', 'test-mode']) assert.match(res.body, new RegExp(`id="${id}"`));
    assert.match(res.body, /<html lang="en" dir="ltr">/);
    assert.match(res.body, /QAR 1\.00/);
    assert.match(res.body, /PIN 677 approves/);
    assert.match(res.body, /4215375500883243/);
  });

  test('in Arabic the page is right-to-left', async () => {
    const charge = await createOk(emu);
    const res = await emu.app.inject({ method: 'GET', url: `${pagePath(charge)}&lang=ar` });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /<html lang="ar" dir="rtl">/);
    assert.match(res.body, /ادفع/);
    assert.match(res.body, /وضع الاختبار/);
  });

  test('PIN 677 captures and 303s to redirect.url with tap_id, keeping its query', async () => {
    const charge = await createOk(emu, { redirect: { url: 'https://shop.example/back?order=7#top' } });
    const res = await submit(emu, charge, { ...GOOD_CARD, action: 'pay' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `https://shop.example/back?order=7&tap_id=${charge.id}#top`);
    const after = (await get(emu, `/v2/charges/${charge.id}`)).json();
    assert.equal(after.status, 'CAPTURED');
    assert.deepEqual(after.response, { code: '000', message: 'Captured' });
    assert.equal(after.card.scheme, 'NAPS');
    assert.equal(after.card.first_six, '421537');
    assert.equal(after.card.last_four, '3243');
    assert.equal(after.source.payment_method, 'QPAY');
    assert.equal(after.redirect.status, 'SUCCESS');
    assert.equal('url' in after.transaction, false);
    assert.match(after.reference.payment, /^\d{19}$/);
    assert.match(after.reference.gateway, /^\d+$/);
    assert.match(after.reference.track, /^tck_TS0/);
    assert.match(after.customer.id, /^cus_TS0/);
    assert.match(after.receipt.id, /^\d+$/);
    assert.deepEqual(
      after.activities.map((a: Json) => a.status),
      ['INITIATED', 'CAPTURED'],
    );
    // The page cannot be paid twice.
    const again = await submit(emu, charge, { ...GOOD_CARD, action: 'pay' });
    assert.equal(again.statusCode, 409);
  });

  test('another PIN declines; Cancel cancels; both 303 with tap_id', async () => {
    const declined = await createOk(emu);
    const res = await submit(emu, declined, { ...GOOD_CARD, pin: '1234', action: 'pay' });
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${SEED_BODY.redirect.url}?tap_id=${declined.id}`);
    const d = (await get(emu, `/v2/charges/${declined.id}`)).json();
    assert.equal(d.status, 'DECLINED');
    assert.equal(d.response.code, '507');
    const cancelled = await createOk(emu);
    const c = await submit(emu, cancelled, { action: 'cancel' });
    assert.equal(c.statusCode, 303);
    assert.equal(c.headers.location, `${SEED_BODY.redirect.url}?tap_id=${cancelled.id}`);
    assert.equal((await get(emu, `/v2/charges/${cancelled.id}`)).json().status, 'CANCELLED');
  });

  test('invalid input re-shows the form with the wrong fields marked and changes nothing', async () => {
    const charge = await createOk(emu);
    const res = await submit(emu, charge, {
      card_number: '4215375500883244',
      expiry: '01/20',
      pin: '6',
      otp: '',
      action: 'pay',
    });
    assert.equal(res.statusCode, 400);
    for (const name of ['card_number', 'expiry', 'pin', 'otp'])
      assert.match(res.body, new RegExp(`id="f-${name}-error"`));
    assert.equal((await get(emu, `/v2/charges/${charge.id}`)).json().status, 'INITIATED');
    // Any OTP is accepted in test mode.
    const ok = await submit(emu, charge, { ...GOOD_CARD, otp: 'anything', action: 'pay' });
    assert.equal(ok.statusCode, 303);
  });

  test('without redirect.url the result page is shown; unknown tokens get 404', async () => {
    const charge = await createOk(emu, { redirect: undefined });
    const res = await submit(emu, charge, { ...GOOD_CARD, action: 'pay' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, new RegExp(charge.id));
    const missing = await emu.app.inject({ method: 'GET', url: '/test_gosell/v2/payment/tap_process.aspx?chg=nope' });
    assert.equal(missing.statusCode, 404);
  });
});

describe('expiry on the emulator clock', () => {
  test('an unpaid charge is ABANDONED exactly 30 minutes after creation, on read or by sweep', async () => {
    const emu = newEmulator();
    const charge = await createOk(emu);
    const swept = await createOk(emu);
    emu.control.advanceClock(30 * MINUTE - 1);
    assert.equal((await get(emu, `/v2/charges/${charge.id}`)).json().status, 'INITIATED');
    const moved = emu.control.advanceClock(1);
    assert.deepEqual([...moved.abandoned].sort(), [charge.id, swept.id].sort());
    const after = (await get(emu, `/v2/charges/${charge.id}`)).json();
    assert.equal(after.status, 'ABANDONED');
    assert.equal('url' in after.transaction, false);
    assert.deepEqual(
      after.activities.map((a: Json) => [a.status, a.created]),
      [
        ['INITIATED', T0],
        ['ABANDONED', T0 + 30 * MINUTE],
      ],
    );
    const page = await emu.app.inject({ method: 'GET', url: pagePath(charge) });
    assert.equal(page.statusCode, 409);
    assert.match(page.body, /Payment expired/);
    assert.equal(emu.control.completeCharge(charge.id, 'approve').ok, false);
  });

  test('the window follows the payment_window_ms setting', async () => {
    const emu = newEmulator();
    const set = await emu.app.inject({
      method: 'POST',
      url: '/__control/settings',
      payload: { payment_window_ms: 10 * MINUTE },
    });
    assert.equal(set.json().payment_window_ms, 10 * MINUTE);
    const charge = await createOk(emu);
    assert.deepEqual(charge.transaction.expiry, { period: 10, type: 'MINUTE' });
    await emu.app.inject({ method: 'POST', url: '/__control/clock', payload: { advance_ms: 10 * MINUTE } });
    assert.equal((await get(emu, `/v2/charges/${charge.id}`)).json().status, 'ABANDONED');
  });
});

describe('control API', () => {
  const emu = newEmulator();

  test('complete answers status, tap_id and redirect_url; a second completion is 409', async () => {
    const charge = await createOk(emu);
    const res = await emu.app.inject({
      method: 'POST',
      url: `/__control/charges/${charge.id}/complete`,
      payload: { outcome: 'approve' },
    });
    assert.deepEqual(res.json(), {
      status: 'CAPTURED',
      tap_id: charge.id,
      redirect_url: `${SEED_BODY.redirect.url}?tap_id=${charge.id}`,
    });
    const again = await emu.app.inject({
      method: 'POST',
      url: `/__control/charges/${charge.id}/complete`,
      payload: { outcome: 'cancel' },
    });
    assert.equal(again.statusCode, 409);
    const bad = await emu.app.inject({
      method: 'POST',
      url: `/__control/charges/${charge.id}/complete`,
      payload: { outcome: 'x' },
    });
    assert.equal(bad.statusCode, 400);
    const view = (await emu.app.inject({ method: 'GET', url: `/__control/charges/${charge.id}` })).json();
    assert.equal(view.status, 'CAPTURED');
    assert.equal(view._emulator.refundable_amount, 1);
    assert.equal((await emu.app.inject({ method: 'GET', url: '/__control/charges' })).json().charges.length, 1);
  });

  test('reset forgets charges but keeps the start keys', async () => {
    const charge = await createOk(emu);
    await emu.app.inject({ method: 'POST', url: '/__control/reset' });
    assert.equal((await get(emu, `/v2/charges/${charge.id}`)).statusCode, 404);
    assert.equal((await create(emu)).statusCode, 200);
  });
});

describe('API faults', () => {
  const emu = newEmulator();
  const addFault = (body: Json) => emu.app.inject({ method: 'POST', url: '/__control/faults', payload: body });

  test('server_error on create answers a 502 HTML page and creates nothing', async () => {
    assert.equal((await addFault({ kind: 'server_error', match: 'create' })).statusCode, 201);
    const before = emu.control.listCharges().length;
    const res = await create(emu);
    assert.equal(res.statusCode, 502);
    assert.match(res.body, /502 Bad Gateway/);
    assert.equal(emu.control.listCharges().length, before);
  });

  test('malformed on retrieve cuts the JSON; the next read is whole', async () => {
    const charge = await createOk(emu);
    await addFault({ kind: 'malformed', match: 'retrieve' });
    const res = await get(emu, `/v2/charges/${charge.id}`);
    assert.throws(() => JSON.parse(res.body));
    assert.equal((await get(emu, `/v2/charges/${charge.id}`)).json().id, charge.id);
  });

  test('a fault matching refund leaves create alone', async () => {
    await addFault({ kind: 'server_error', match: 'refund' });
    assert.equal((await create(emu)).statusCode, 200);
    const res = await emu.app.inject({
      method: 'POST',
      url: '/v2/refunds',
      headers: auth(emu.credentials.secretKey),
      payload: { charge_id: 'chg_x', amount: 1, currency: 'QAR', reason: 'x' },
    });
    assert.equal(res.statusCode, 502);
    assert.equal((await addFault({ kind: 'nope' })).statusCode, 400);
  });
});

describe('faults on a real socket', () => {
  test('timeout on create still processes the request; slow answers late; reset drops the connection', async () => {
    const emu = await startEmulator('tap', { port: 0 });
    try {
      const { secretKey } = emu.credentials;
      const post = (timeout: number) =>
        request(`${emu.baseUrl}/v2/charges/`, {
          method: 'POST',
          headers: { ...auth(secretKey), 'content-type': 'application/json' },
          body: JSON.stringify(SEED_BODY),
          headersTimeout: timeout,
        });
      emu.control.addFault({ kind: 'timeout', match: 'create' });
      await assert.rejects(post(300), /timeout/i);
      const charges = emu.control.listCharges();
      assert.equal(charges.length, 1, 'the timed-out create was processed');
      emu.control.addFault({ kind: 'slow', match: 'retrieve', delayMs: 150 });
      const started = performance.now();
      const slow = await request(`${emu.baseUrl}/v2/charges/${charges[0]?.id}`, { headers: auth(secretKey) });
      assert.equal(slow.statusCode, 200);
      await slow.body.dump();
      assert.ok(performance.now() - started >= 140);
      emu.control.addFault({ kind: 'reset', match: 'create' });
      await assert.rejects(post(2_000));
      assert.equal(emu.control.listCharges().length, 1);
      assert.match(emu.describe().join('\n'), /PIN 677 approves/);
      assert.match(emu.describe().join('\n'), new RegExp(secretKey));
    } finally {
      await emu.close();
    }
  });
});

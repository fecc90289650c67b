import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  card,
  expectedHash,
  MERCHANT_KEY,
  MINUTE,
  newEmulator,
  openSession,
  PASSWORD,
  post,
  sessionBody,
  status,
  submitCard,
} from './test-support.ts';

const SEED_SETTLED = {
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
};
const SEED_DECLINED = {
  payment_id: '03e46e96-de42-11eb-aea7-0242ac140002',
  date: '2021-07-06 10:07:47',
  status: 'decline',
  reason: 'Declined by processing',
  order: { number: 'order-1234', amount: '0.19', currency: 'QAR', description: 'Important gift' },
  customer: { name: 'John Doe', email: 'test@mail.com' },
};

/** Same keys in the same order at every level, and the same value formats. */
function assertSameShape(actual: unknown, seed: unknown, where = '$'): void {
  if (typeof seed !== 'object' || seed === null) {
    assert.equal(typeof actual, typeof seed, where);
    return;
  }
  assert.deepEqual(Object.keys(actual as object), Object.keys(seed), where);
  for (const [key, value] of Object.entries(seed)) {
    assertSameShape((actual as Record<string, unknown>)[key], value, `${where}.${key}`);
  }
}

describe('POST /api/v1/session', () => {
  test('a valid request answers only redirect_url to the hosted page', async () => {
    const emu = newEmulator();
    const res = await post(emu, '/api/v1/session', sessionBody());
    assert.equal(res.statusCode, 200);
    assert.deepEqual(Object.keys(res.json()), ['redirect_url']);
    assert.match(res.json().redirect_url, /^http:\/\/localhost(:\d+)?\/checkout\/[a-z0-9]{40}$/);
    const page = await emu.app.inject({ method: 'GET', url: new URL(res.json().redirect_url).pathname });
    assert.equal(page.statusCode, 200);
  });

  test('the hash is accepted in upper case too', async () => {
    const emu = newEmulator();
    const body = sessionBody();
    const res = await post(emu, '/api/v1/session', { ...body, hash: body.hash.toUpperCase() });
    assert.equal(res.statusCode, 200);
  });

  const bad: [string, (b: Record<string, unknown>) => void, RegExp][] = [
    ['missing success_url', (b) => delete b.success_url, /^success_url: This value is required/],
    ['bad success_url', (b) => (b.success_url = 'not a url'), /^success_url: .*valid URL/],
    ['long cancel_url', (b) => (b.cancel_url = `https://x.example/${'a'.repeat(1024)}`), /^cancel_url: .*too long/],
    ['operation debit', (b) => (b.operation = 'debit'), /^operation: Only purchase/],
    ['missing operation', (b) => delete b.operation, /^operation: This value is required/],
    ['session_expiry 0', (b) => (b.session_expiry = 0), /^session_expiry: /],
    ['session_expiry 721', (b) => (b.session_expiry = 721), /^session_expiry: /],
    ['session_expiry 1.5', (b) => (b.session_expiry = 1.5), /^session_expiry: /],
    ['amount with leading zero', (b) => ((b.order as Record<string, unknown>).amount = '03.01'), /^order.amount: /],
    ['amount with 1 decimal', (b) => ((b.order as Record<string, unknown>).amount = '3.1'), /^order.amount: /],
    ['amount as number', (b) => ((b.order as Record<string, unknown>).amount = 3.01), /^order.amount: /],
    ['KWD with 2 decimals', (b) => ((b.order as Record<string, unknown>).currency = 'KWD'), /^order.amount: /],
    ['currency lower case', (b) => ((b.order as Record<string, unknown>).currency = 'qar'), /^order.currency: /],
    [
      'long order number',
      (b) => ((b.order as Record<string, unknown>).number = 'n'.repeat(256)),
      /^order.number: .*too long/,
    ],
    [
      'long description',
      (b) => ((b.order as Record<string, unknown>).description = 'd'.repeat(1025)),
      /^order.description: /,
    ],
    ['missing order', (b) => delete b.order, /^order: This value is required/],
    ['missing hash', (b) => delete b.hash, /^hash: This value is required/],
    ['missing merchant_key', (b) => delete b.merchant_key, /^merchant_key: This value is required/],
    ['bad email', (b) => ((b.customer as Record<string, unknown>).email = 'nope'), /^customer.email: /],
  ];
  for (const [name, mutate, message] of bad) {
    test(`400 for ${name}`, async () => {
      const emu = newEmulator();
      const body = structuredClone(sessionBody());
      mutate(body);
      const res = await post(emu, '/api/v1/session', body);
      assert.equal(res.statusCode, 400, res.body);
      const json = res.json();
      assert.deepEqual(Object.keys(json), ['error_code', 'error_message', 'errors']);
      assert.equal(json.error_code, 100000, 'documented: request data is invalid');
      assert.equal(json.errors.length, 1, res.body);
      assert.match(json.errors[0].error_message, message);
      assert.equal(typeof json.errors[0].error_code, 'number');
      assert.equal(emu.state.list().length, 0);
    });
  }

  test('400 with code 1 for a body that is not JSON', async () => {
    const emu = newEmulator();
    const res = await post(emu, '/api/v1/session', '{"merchant_key":');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error_code, 1);
  });

  test('KWD takes three decimals', async () => {
    const emu = newEmulator();
    const res = await post(emu, '/api/v1/session', sessionBody({}, { currency: 'KWD', amount: '10.125' }));
    assert.equal(res.statusCode, 200, res.body);
  });

  test('401 for an unknown merchant key and for a wrong hash', async () => {
    const emu = newEmulator();
    const unknown = await post(
      emu,
      '/api/v1/session',
      sessionBody({ merchant_key: '00000000-0000-1000-8000-000000000000' }),
    );
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.json().error_code, 204);
    const hashed = sessionBody(); // hash of 3.01 sent with an amount of 3.02
    const res = await post(emu, '/api/v1/session', { ...hashed, order: { ...hashed.order, amount: '3.02' } });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), {
      error_code: 205,
      error_message: 'Hash is invalid',
      errors: [{ error_code: 205, error_message: 'Hash is invalid' }],
    });
    assert.equal(emu.state.list().length, 0);
  });

  test('another merchant signs with its own password', async () => {
    const emu = newEmulator();
    const other = emu.control.createMerchant({ password: 'second-password' });
    const body = sessionBody({ merchant_key: other.merchantKey });
    assert.equal((await post(emu, '/api/v1/session', body)).statusCode, 401);
    const o = body.order;
    const hash = expectedHash(o.number, o.amount, o.currency, o.description, 'second-password');
    assert.equal((await post(emu, '/api/v1/session', { ...body, hash })).statusCode, 200);
  });
});

describe('POST /api/v1/payment/status', () => {
  test('reproduces the seed settled response field for field', async () => {
    const emu = newEmulator();
    emu.control.updateSettings({ statusHistory: false });
    const order = { number: 'f0a51dfa-fc43-11ec-8128-0242ac120004-1', description: 'bloodline' };
    const { path, id } = await openSession(emu, {}, order);
    emu.control.advanceClock(2 * MINUTE + 3_000);
    await submitCard(emu, path, card('01/25'));
    const res = await status(emu, id);
    assert.equal(res.statusCode, 200);
    assertSameShape(res.json(), SEED_SETTLED);
    assert.deepEqual(res.json(), { ...SEED_SETTLED, payment_id: id, date: '2026-01-15 07:02:03' });
  });

  test('with the transaction history on, the answer also lists the sale and each refund', async () => {
    const emu = newEmulator();
    const { path, id } = await openSession(emu, {}, { amount: '10.00' });
    await submitCard(emu, path, card('01/25'));
    const before = (await status(emu, id)).json();
    assert.deepEqual(
      before.transactions.map((t: Record<string, string>) => [t.type, t.status, t.amount]),
      [['sale', 'success', '10.00']],
    );
    emu.control.updateSettings({ statusHistory: false });
    assert.equal((await status(emu, id)).json().transactions, undefined);
  });

  test('reproduces the seed declined response, reason included', async () => {
    const emu = newEmulator();
    emu.control.updateSettings({ statusHistory: false });
    const { path, id } = await openSession(
      emu,
      { customer: { name: 'John Doe', email: 'test@mail.com' } },
      { amount: '0.19', description: 'Important gift' },
    );
    await submitCard(emu, path, card('02/25'));
    const res = await status(emu, id);
    assertSameShape(res.json(), SEED_DECLINED);
    assert.deepEqual(res.json(), { ...SEED_DECLINED, payment_id: id, date: '2026-01-15 07:00:00' });
  });

  test('prepare before anything is entered, without reason', async () => {
    const emu = newEmulator();
    const { id } = await openSession(emu);
    const json = (await status(emu, id)).json();
    assert.equal(json.status, 'prepare');
    assert.equal('reason' in json, false);
  });

  test('by order_id: the most recent payment of that order', async () => {
    const emu = newEmulator();
    await openSession(emu);
    const second = await openSession(emu);
    const res = await post(emu, '/api/v1/payment/status', {
      merchant_key: MERCHANT_KEY,
      order_id: 'order-1234',
      hash: expectedHash('order-1234', PASSWORD),
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().payment_id, second.id);
  });

  test('errors: wrong hash 401, unknown id 400, another merchant cannot read it', async () => {
    const emu = newEmulator();
    const { id } = await openSession(emu);
    const wrong = await post(emu, '/api/v1/payment/status', {
      merchant_key: MERCHANT_KEY,
      payment_id: id,
      hash: 'a'.repeat(40),
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error_code, 205);
    const missing = await status(emu, 'dc66cdd8-d702-11ea-9a2f-0242c0a87002');
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.json().error_code, 208001, 'documented: payment not found');
    const other = emu.control.createMerchant({ password: 'pw2' });
    const foreign = await post(emu, '/api/v1/payment/status', {
      merchant_key: other.merchantKey,
      payment_id: id,
      hash: expectedHash(id, 'pw2'),
    });
    assert.equal(foreign.statusCode, 400);
    const noId = await post(emu, '/api/v1/payment/status', { merchant_key: MERCHANT_KEY, hash: 'x' });
    assert.equal(noId.statusCode, 400);
    assert.match(noId.json().errors[0].error_message, /payment_id or order_id/);
  });
});

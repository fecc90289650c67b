import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CheckoutComEmulator } from './server.ts';
import { type Json, newEmulator } from './test-support.ts';

const BODY = { amount: 100, currency: 'QAR', source: { type: 'qpay', description: 'QPay Demo Payment' } };

const auth = (emu: CheckoutComEmulator) => ({ authorization: `Bearer ${emu.credentials.secretKey}` });
async function createOk(emu: CheckoutComEmulator): Promise<string> {
  const res = await emu.app.inject({ method: 'POST', url: '/payments', headers: auth(emu), payload: BODY });
  assert.equal(res.statusCode, 202, res.body);
  return res.json().id;
}
const getJson = async (emu: CheckoutComEmulator, url: string): Promise<Json> =>
  (await emu.app.inject({ method: 'GET', url, headers: auth(emu) })).json();
const control = (emu: CheckoutComEmulator, method: 'GET' | 'POST', path: string, payload?: object) =>
  emu.app.inject({ method, url: `/__control${path}`, ...(payload && { payload }) });

describe('checkout.com emulator: a customer cancel and a failure, both sent as payment_canceled', () => {
  test('cancel: Canceled, no declined action, an event without a response code', async () => {
    const emu = newEmulator();
    const id = await createOk(emu);
    const done = await control(emu, 'POST', `/payments/${id}/complete`, { outcome: 'cancel' });
    assert.equal(done.statusCode, 200, done.body);
    const payment = await getJson(emu, `/payments/${id}`);
    assert.equal(payment.status, 'Canceled');
    assert.equal(payment.approved, false);
    assert.deepEqual(await getJson(emu, `/payments/${id}/actions`), []);
    const events = (await control(emu, 'GET', `/payments/${id}`)).json().events as Json[];
    const canceled = events.find((e) => e.type === 'payment_canceled');
    assert.ok(canceled);
    assert.equal(canceled.data.response_code, undefined);
  });

  test('fail: Canceled (or Declined, a setting), a declined action, the same event type with its code', async () => {
    const emu = newEmulator();
    for (const status of ['Canceled', 'Declined']) {
      const set = await control(emu, 'POST', '/settings', { canceled_failure_status: status });
      assert.equal(set.json().canceled_failure_status, status);
      const id = await createOk(emu);
      const done = await control(emu, 'POST', `/payments/${id}/complete`, { outcome: 'fail' });
      assert.equal(done.json().status, status);
      const sid = done.json().session_id as string;
      const bySession = await getJson(emu, `/payments/${sid}`);
      assert.equal(bySession.status, status);
      assert.equal(bySession.source.status_message, 'Transaction failed: insufficient funds');
      const declined = (bySession.actions as Json[]).find((a) => a.approved === false);
      assert.equal(declined?.response_summary, 'Insufficient Funds');
      const events = (await control(emu, 'GET', `/payments/${id}`)).json().events as Json[];
      assert.deepEqual(
        events.map((e) => e.type),
        ['payment_pending', 'payment_canceled'],
      );
      assert.equal(events[1]?.data.response_code, '20051');
      assert.equal(events[1]?.data.action_id, declined?.id);
    }
    const bad = await control(emu, 'POST', '/settings', { canceled_failure_status: 'Failed' });
    assert.equal(bad.statusCode, 400);
    const unknown = await control(emu, 'POST', `/payments/${await createOk(emu)}/complete`, { outcome: 'boom' });
    assert.match(unknown.json().message, /approve, decline, cancel, fail/);
  });
});

describe('checkout.com emulator: expiry as Expired or Voided', () => {
  for (const status of ['Expired', 'Voided']) {
    test(`expiry_status ${status}: the payment reads ${status}, with a void action and payment_expired`, async () => {
      const emu = newEmulator();
      assert.equal((await control(emu, 'POST', '/settings', { expiry_status: status })).statusCode, 200);
      const id = await createOk(emu);
      const advanced = (await control(emu, 'POST', '/clock', { advance_ms: 15 * 60_000 })).json();
      assert.deepEqual(advanced.expired, [id]);
      const payment = await getJson(emu, `/payments/${id}`);
      assert.equal(payment.status, status);
      assert.equal(payment._links.redirect, undefined);
      const actions = await getJson(emu, `/payments/${id}/actions`);
      assert.equal(actions[0]?.type, 'Void');
      const events = (await control(emu, 'GET', `/payments/${id}`)).json().events as Json[];
      assert.equal(events.at(-1)?.type, 'payment_expired');
      const page = await emu.app.inject({
        method: 'GET',
        url: `/qpay-external/redirect-to-qpay?pun=${payment.source.pun}`,
      });
      assert.equal(page.statusCode, 409);
      assert.match(page.body, /Payment expired/);
    });
  }

  test('the default is Expired, a start option sets Voided, and reset goes back to the start', async () => {
    assert.equal((await control(newEmulator(), 'GET', '/settings')).json().expiry_status, 'Expired');
    const emu = newEmulator({ expiryStatus: 'Voided' });
    assert.equal((await control(emu, 'GET', '/settings')).json().expiry_status, 'Voided');
    await control(emu, 'POST', '/settings', { expiry_status: 'Expired' });
    await control(emu, 'POST', '/reset');
    assert.equal((await control(emu, 'GET', '/settings')).json().expiry_status, 'Voided');
    assert.equal((await control(emu, 'POST', '/settings', { expiry_status: 'Void' })).statusCode, 400);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { API, createOk, MINUTE, newEmulator, ORDER_BODY, T0 } from './test-support.ts';

describe('qattah emulator: both forms of Authorization, each recorded', () => {
  test('Bearer <token> and the bare token both authenticate; the control API shows which each request used', async () => {
    const emu = newEmulator();
    const token = emu.credentials.apiToken;
    const send = (authorization?: string) =>
      emu.app.inject({
        method: 'POST',
        url: `${API}/orders`,
        headers: { 'content-type': 'application/json', ...(authorization !== undefined && { authorization }) },
        payload: JSON.stringify(ORDER_BODY),
      });
    assert.equal((await send(`Bearer ${token}`)).statusCode, 200);
    assert.equal((await send(token)).statusCode, 200);
    assert.equal((await send('Bearer wrong-token-0123456789')).statusCode, 401);
    assert.equal((await send()).statusCode, 401);
    const res = await emu.app.inject({ method: 'GET', url: '/__control/requests' });
    const merchant = emu.merchants.defaultMerchant().id;
    assert.deepEqual(
      res
        .json()
        .requests.map((r: Record<string, unknown>) => [r.method, r.path, r.auth_scheme, r.merchant_id, r.status]),
      [
        ['POST', `${API}/orders`, 'bearer', merchant, 200],
        ['POST', `${API}/orders`, 'bare', merchant, 200],
        ['POST', `${API}/orders`, 'bearer', null, 401],
        ['POST', `${API}/orders`, 'none', null, 401],
      ],
    );
    assert.equal(res.json().requests[0].at, new Date(T0).toISOString());
    await emu.app.inject({ method: 'POST', url: '/__control/reset' });
    assert.deepEqual((await emu.app.inject({ method: 'GET', url: '/__control/requests' })).json().requests, []);
  });
});

describe('qattah emulator: the 15-minute window from creation or from the first payer', () => {
  test('creation (the default): the clock runs from the order, started_at null until the page is opened', async () => {
    const emu = newEmulator();
    assert.deepEqual((await emu.app.inject({ method: 'GET', url: '/__control/settings' })).json(), {
      window_starts: 'creation',
    });
    const order = await createOk(emu);
    assert.equal(order.started_at, null);
    assert.deepEqual(order.remaining_time, { min: 15, sec: 0 });
    assert.deepEqual(emu.control.advanceClock(15 * MINUTE).timed_out, [order.id]);
    assert.equal(emu.control.getOrder(order.id)?.activity_status, 'TIMEOUT');
  });

  test('first_payer: no deadline until someone starts, then 15 minutes from started_at', async () => {
    const emu = newEmulator();
    const set = await emu.app.inject({
      method: 'POST',
      url: '/__control/settings',
      payload: { window_starts: 'first_payer' },
    });
    assert.deepEqual(set.json(), { window_starts: 'first_payer' });
    const order = await createOk(emu);
    assert.equal(emu.control.getOrder(order.id)?._emulator.deadline, null);
    assert.deepEqual(emu.control.advanceClock(60 * MINUTE).timed_out, []);
    const waiting = emu.control.getOrder(order.id);
    assert.equal(waiting?.activity_status, 'CREATED');
    assert.deepEqual(waiting?.remaining_time, { min: 15, sec: 0 });
    assert.equal(waiting?.is_timed_out, false);
    // The initiator opens the hosted page: the session starts.
    const page = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.equal(page.statusCode, 200);
    const started = emu.control.getOrder(order.id);
    assert.equal(started?.started_at, '2026-01-15T11:00:00.000000Z');
    assert.equal(started?._emulator.deadline, new Date(T0 + 75 * MINUTE).toISOString());
    emu.control.advanceClock(10 * MINUTE);
    assert.deepEqual(emu.control.getOrder(order.id)?.remaining_time, { min: 5, sec: 0 });
    assert.deepEqual(emu.control.advanceClock(5 * MINUTE).timed_out, [order.id]);
    const over = emu.control.getOrder(order.id);
    assert.equal(over?.activity_status, 'TIMEOUT');
    assert.equal(over?.payment_status, 'EXPIRED');
    assert.equal(over?.is_timed_out, true);
  });

  test('first_payer: a split starts the clock too; a bad value is refused; reset goes back to creation', async () => {
    const emu = newEmulator({ windowStarts: 'first_payer' });
    const order = await createOk(emu);
    emu.control.advanceClock(30 * MINUTE);
    assert.ok(emu.control.split(order.id, { people: 2 }).ok);
    assert.equal(emu.control.getOrder(order.id)?._emulator.deadline, new Date(T0 + 45 * MINUTE).toISOString());
    const bad = await emu.app.inject({
      method: 'POST',
      url: '/__control/settings',
      payload: { window_starts: 'never' },
    });
    assert.equal(bad.statusCode, 400);
    emu.control.updateSettings({ window_starts: 'creation' });
    await emu.app.inject({ method: 'POST', url: '/__control/reset' });
    assert.equal(emu.control.settings().window_starts, 'first_payer', 'back to the start option');
  });
});

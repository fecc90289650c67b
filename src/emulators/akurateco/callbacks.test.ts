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
  settle,
  settledPayment,
  startReceiver,
  status,
  submitCard,
  T0,
  waitFor,
} from './test-support.ts';

type Emu = ReturnType<typeof newEmulator>;

async function setUp(path = '/cb') {
  const rx = await startReceiver();
  const emu = newEmulator({ notificationUrl: rx.url(path) });
  return { rx, emu };
}

const attemptsAt = (emu: Emu): string[] => emu.control.notifications().flatMap((r) => r.attempts.map((a) => a.at));

describe('callbacks', () => {
  test('a settled sale posts a form-encoded callback with the callback hash', async () => {
    const { rx, emu } = await setUp();
    const id = await settledPayment(emu);
    await waitFor(() => rx.hits.length === 1, 'callback');
    const [hit] = rx.hits;
    assert.ok(hit);
    assert.equal(hit.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8');
    assert.deepEqual(Object.keys(hit.form), [
      'id',
      'order_number',
      'order_amount',
      'order_currency',
      'order_description',
      'order_status',
      'type',
      'status',
      'hash',
    ]);
    assert.deepEqual(hit.form, {
      id,
      order_number: 'order-1234',
      order_amount: '3.01',
      order_currency: 'QAR',
      order_description: 'Very important gift',
      order_status: 'settled',
      type: 'sale',
      status: 'success',
      hash: expectedHash(id, 'order-1234', '3.01', 'QAR', 'Very important gift', PASSWORD),
    });
    assert.match(hit.raw, /order_description=Very\+important\+gift/);
  });

  test('Arabic description: the hash matches the bytes sent', async () => {
    const { rx, emu } = await setUp();
    const id = await settledPayment(emu, { description: 'هدية مهمة' });
    await waitFor(() => rx.hits.length === 1, 'callback');
    assert.equal(rx.hits[0]?.form.order_description, 'هدية مهمة');
    assert.equal(rx.hits[0]?.form.hash, expectedHash(id, 'order-1234', '3.01', 'QAR', 'هدية مهمة', PASSWORD));
  });

  test('3-D Secure sends an intermediate 3ds callback, then the sale; a decline carries reason', async () => {
    const { rx, emu } = await setUp();
    const { path } = await openSession(emu);
    await submitCard(emu, path, card('06/25'));
    await submitCard(emu, `${path}/3ds`, { action: 'continue' });
    await waitFor(() => rx.hits.length === 2, 'two callbacks');
    const seen = rx.hits.map((h) => [h.form.type, h.form.status, h.form.order_status, h.form.reason]);
    assert.deepEqual(seen, [
      ['3ds', 'success', '3ds', undefined],
      ['sale', 'fail', 'decline', '3-D Secure authentication failed'],
    ]);
  });

  test('retries on the emulator clock at +15, +30 and +45 minutes, then gives up', async () => {
    const { rx, emu } = await setUp();
    rx.script('/cb', [500, 503, 500, 500, 200]);
    await settledPayment(emu);
    await waitFor(() => rx.hits.length === 1, 'first try');
    await settle();
    emu.control.advanceClock(15 * MINUTE - 1);
    await settle();
    assert.equal(rx.hits.length, 1, 'not before +15 min');
    for (const n of [2, 3, 4]) {
      emu.control.advanceClock(n === 2 ? 1 : 15 * MINUTE);
      await waitFor(() => rx.hits.length === n, `try ${n}`);
      await waitFor(() => emu.control.notifications()[0]?.attempts.length === n, `record ${n}`);
    }
    const iso = (m: number) => new Date(T0 + m * MINUTE).toISOString();
    assert.deepEqual(attemptsAt(emu), [iso(0), iso(15), iso(30), iso(45)]);
    await waitFor(() => emu.control.notifications()[0]?.status === 'failed', 'failed');
    emu.control.advanceClock(60 * MINUTE);
    await settle();
    assert.equal(rx.hits.length, 4);
  });

  test('a 2xx ack stops the retries; a jump of the clock sends the overdue retries at once', async () => {
    const { rx, emu } = await setUp();
    rx.script('/cb', [500, 500, 204]);
    await settledPayment(emu);
    await waitFor(() => emu.control.notifications()[0]?.status === 'retry_scheduled', 'scheduled');
    emu.control.advanceClock(40 * MINUTE);
    await waitFor(() => emu.control.notifications()[0]?.delivered === true, 'delivered');
    assert.equal(rx.hits.length, 3);
    emu.control.advanceClock(60 * MINUTE);
    await settle();
    assert.equal(rx.hits.length, 3);
  });

  test('no notification URL: nothing sent; the control API sets it per merchant', async () => {
    const rx = await startReceiver();
    const emu = newEmulator();
    await settledPayment(emu);
    await settle();
    assert.equal(rx.hits.length, 0);
    const res = await emu.app.inject({
      method: 'POST',
      url: `/__control/merchants/${MERCHANT_KEY}/notification_url`,
      payload: { notification_url: rx.url('/set') },
    });
    assert.equal(res.json().notification_url, rx.url('/set'));
    await settledPayment(emu);
    await waitFor(() => rx.at('/set').length === 1, 'callback after setting the URL');
    const bad = await emu.app.inject({
      method: 'POST',
      url: `/__control/merchants/${MERCHANT_KEY}/notification_url`,
      payload: { notification_url: 'ftp://x' },
    });
    assert.equal(bad.statusCode, 400);
  });

  test('each merchant gets its own callbacks, hashed with its own password', async () => {
    const rx = await startReceiver();
    const emu = newEmulator({ notificationUrl: rx.url('/first') });
    const created = await emu.app.inject({
      method: 'POST',
      url: '/__control/merchants',
      payload: { password: 'pw-two', notification_url: rx.url('/second') },
    });
    assert.equal(created.statusCode, 201);
    const key = created.json().merchant_key;
    const o = { number: 'o2', amount: '1.00', currency: 'QAR', description: 'two' };
    const res = await post(emu, '/api/v1/session', {
      merchant_key: key,
      operation: 'purchase',
      success_url: 'https://shop.example/ok',
      order: o,
      hash: expectedHash(o.number, o.amount, o.currency, o.description, 'pw-two'),
    });
    await submitCard(emu, new URL(res.json().redirect_url).pathname, card('01/25'));
    await waitFor(() => rx.at('/second').length === 1, 'second merchant callback');
    const form = rx.at('/second')[0]?.form ?? {};
    assert.equal(form.hash, expectedHash(form.id ?? '', 'o2', '1.00', 'QAR', 'two', 'pw-two'));
    assert.equal(rx.at('/first').length, 0);
  });

  test('faults: duplicate, drop, reorder, delay + flush, resend', async () => {
    const { rx, emu } = await setUp();
    emu.control.addNotificationFault({ mode: 'duplicate' });
    await settledPayment(emu);
    await waitFor(() => rx.hits.length === 2, 'duplicate');
    assert.equal(rx.hits[0]?.raw, rx.hits[1]?.raw);

    emu.control.addNotificationFault({ mode: 'drop' });
    await settledPayment(emu);
    await settle();
    assert.equal(rx.hits.length, 2);

    emu.control.addNotificationFault({ mode: 'reorder', count: 2 });
    const first = await settledPayment(emu, { number: 'first' });
    await settle();
    assert.equal(rx.hits.length, 2, 'held');
    await settledPayment(emu, { number: 'second' });
    await waitFor(() => rx.hits.length === 4, 'reordered');
    assert.deepEqual(
      rx.hits.slice(2).map((h) => h.form.order_number),
      ['second', 'first'],
    );

    emu.control.addNotificationFault({ mode: 'delay', delayMs: 60_000 });
    await settledPayment(emu);
    await settle();
    assert.equal(rx.hits.length, 4);
    assert.equal(emu.control.flushNotifications(), 1);
    await waitFor(() => rx.hits.length === 5, 'flushed');

    const note = emu.control.notifications().find((r) => r.subject_id === first);
    assert.ok(note);
    const resent = await emu.app.inject({
      method: 'POST',
      url: `/__control/notifications/${note.notification_id}/resend`,
    });
    assert.equal(resent.statusCode, 202);
    await waitFor(() => rx.hits.length === 6, 'resent');
    assert.equal(rx.hits[5]?.form.id, first);
  });
});

describe('API faults', () => {
  test('a queued fault hits only its operation, once', async () => {
    const emu = newEmulator();
    const { id } = await openSession(emu);
    const added = await emu.app.inject({
      method: 'POST',
      url: '/__control/faults',
      payload: { kind: 'server_error', match: 'status' },
    });
    assert.equal(added.statusCode, 201);
    assert.equal((await openSession(emu)).id.length, 36, 'session untouched');
    const failed = await status(emu, id);
    assert.equal(failed.statusCode, 502);
    assert.match(failed.body, /Bad Gateway/);
    assert.equal((await status(emu, id)).statusCode, 200);
    const malformed = await emu.app.inject({
      method: 'POST',
      url: '/__control/faults',
      payload: { kind: 'malformed', match: 'session' },
    });
    assert.equal(malformed.statusCode, 201);
    const res = await post(emu, '/api/v1/session', { nope: 1 });
    assert.throws(() => JSON.parse(res.body));
    const bad = await emu.app.inject({
      method: 'POST',
      url: '/__control/faults',
      payload: { kind: 'slow', match: 'charge' },
    });
    assert.equal(bad.statusCode, 400);
  });
});

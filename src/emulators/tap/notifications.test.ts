import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type RunningEmulator, startEmulator } from '../registry.ts';
import type { TapControl } from './control.ts';
import { type Hit, type Json, SEED_BODY, startReceiver, waitFor } from './test-support.ts';

type Emulator = RunningEmulator<TapControl>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

const FAST_RETRIES = [20, 40];

/** Recomputed here from the received JSON, independently of the emulator's code. */
function expectedHash(body: Json, key: string, created: string): string {
  const decimals = body.currency === 'KWD' || body.currency === 'BHD' || body.currency === 'OMR' ? 3 : 2;
  const message =
    `x_id${body.id}x_amount${Number(body.amount).toFixed(decimals)}x_currency${body.currency}` +
    `x_gateway_reference${body.reference?.gateway ?? ''}x_payment_reference${body.reference?.payment ?? ''}` +
    `x_status${body.status}x_created${created}`;
  return createHmac('sha256', key).update(message).digest('hex');
}

async function api(emu: Emulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${emu.credentials.secretKey}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

function setUp() {
  const ctx = {} as { emu: Emulator; rx: Receiver };
  before(async () => {
    ctx.rx = await startReceiver();
    ctx.emu = await startEmulator('tap', { notificationRetryDelaysMs: FAST_RETRIES });
  });
  after(async () => {
    await ctx.emu.close();
    await ctx.rx.close();
  });
  return ctx;
}

async function charge(ctx: { emu: Emulator; rx: Receiver }, path: string, extra: Json = {}): Promise<Json> {
  const res = await api(ctx.emu, 'POST', '/v2/charges/', { ...SEED_BODY, post: { url: ctx.rx.url(path) }, ...extra });
  assert.equal(res.status, 200);
  return res.json;
}

const statuses = (hits: Hit[]) => hits.map((h) => h.body.status);

describe('charge notifications', () => {
  const ctx = setUp();

  test('a capture posts the charge with a correct hashstring; post.status becomes SUCCESS', async () => {
    const created = await charge(ctx, '/capture');
    assert.equal(ctx.rx.at('/capture').length, 0, 'nothing is sent for INITIATED');
    ctx.emu.control.completeCharge(created.id, 'approve');
    await waitFor(() => ctx.rx.at('/capture').length === 1, 'capture notification');
    const [hit] = ctx.rx.at('/capture') as [Hit];
    assert.equal(hit.headers['content-type'], 'application/json');
    assert.equal(hit.body.id, created.id);
    assert.equal(hit.body.object, 'charge');
    assert.equal(hit.body.status, 'CAPTURED');
    assert.equal(hit.body.card.scheme, 'NAPS');
    assert.equal(
      hit.headers.hashstring,
      expectedHash(hit.body, ctx.emu.credentials.secretKey, created.transaction.created),
    );
    assert.notEqual(hit.headers.hashstring, expectedHash(hit.body, 'sk_test_other', created.transaction.created));
    await waitFor(
      () => (ctx.emu.control.getCharge(created.id) as Json | undefined)?.post?.status === 'SUCCESS',
      'post.status',
    );
  });

  test('decline, cancel and abandonment are each notified once', async () => {
    const declined = await charge(ctx, '/each');
    const cancelled = await charge(ctx, '/each');
    const abandoned = await charge(ctx, '/each');
    ctx.emu.control.completeCharge(declined.id, 'decline');
    ctx.emu.control.completeCharge(cancelled.id, 'cancel');
    ctx.emu.control.advanceClock(30 * 60_000);
    await waitFor(() => ctx.rx.at('/each').length === 3, 'three notifications');
    const byId = new Map(ctx.rx.at('/each').map((h) => [h.body.id, h]));
    assert.equal(byId.get(declined.id)?.body.status, 'DECLINED');
    assert.equal(byId.get(cancelled.id)?.body.status, 'CANCELLED');
    assert.equal(byId.get(abandoned.id)?.body.status, 'ABANDONED');
    for (const [id, hit] of byId) {
      const created = [declined, cancelled, abandoned].find((c) => c.id === id) as Json;
      assert.equal(
        hit.headers.hashstring,
        expectedHash(hit.body, ctx.emu.credentials.secretKey, created.transaction.created),
      );
    }
  });

  test('a failing receiver is retried with the configured delays and every attempt is recorded', async () => {
    ctx.rx.script('/retry', [500, 503]);
    const created = await charge(ctx, '/retry');
    ctx.emu.control.completeCharge(created.id, 'approve');
    await waitFor(() => ctx.rx.at('/retry').length === 3, 'three attempts');
    const record = ctx.emu.control.notifications().find((n) => n.subject_id === created.id);
    await waitFor(() => ctx.emu.control.notifications().find((n) => n.subject_id === created.id)?.delivered === true);
    const settled = ctx.emu.control.notifications().find((n) => n.subject_id === created.id);
    assert.ok(record);
    assert.deepEqual(
      settled?.attempts.map((a) => a.status_code),
      [500, 503, 200],
    );
    const [a, b, c] = ctx.rx.at('/retry') as [Hit, Hit, Hit];
    assert.deepEqual([b.raw, c.raw], [a.raw, a.raw], 'retries resend the same bytes');
  });

  test('gives up after the last retry and shows post.status ERROR', async () => {
    ctx.rx.script('/down', [500, 500, 500]);
    const created = await charge(ctx, '/down');
    ctx.emu.control.completeCharge(created.id, 'decline');
    await waitFor(
      () => (ctx.emu.control.getCharge(created.id) as Json | undefined)?.post?.status === 'ERROR',
      'post.status ERROR',
    );
    assert.equal(ctx.rx.at('/down').length, 3);
    assert.equal(ctx.emu.control.notifications().find((n) => n.subject_id === created.id)?.status, 'failed');
  });
});

describe('notification faults', () => {
  const ctx = setUp();
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${ctx.emu.baseUrl}/__control${path}`, {
      method,
      ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    }).then(async (res) => ({ status: res.status, json: (await res.json()) as Json }));

  test('duplicate sends two identical copies', async () => {
    assert.equal((await control('POST', '/notifications/faults', { mode: 'duplicate' })).status, 201);
    const created = await charge(ctx, '/dup');
    ctx.emu.control.completeCharge(created.id, 'approve');
    await waitFor(() => ctx.rx.at('/dup').length === 2, 'two copies');
    const [a, b] = ctx.rx.at('/dup') as [Hit, Hit];
    assert.deepEqual(b.raw, a.raw);
    assert.equal(b.headers.hashstring, a.headers.hashstring);
  });

  test('drop sends nothing and records it as dropped', async () => {
    await control('POST', '/notifications/faults', { mode: 'drop' });
    const created = await charge(ctx, '/drop');
    ctx.emu.control.completeCharge(created.id, 'approve');
    const list = (await control('GET', '/notifications')).json.notifications as Json[];
    assert.equal(list.find((n) => n.subject_id === created.id)?.status, 'dropped');
    // A later notification on the same URL still arrives: the drop consumed only one.
    const next = await charge(ctx, '/drop');
    ctx.emu.control.completeCharge(next.id, 'cancel');
    await waitFor(() => ctx.rx.at('/drop').length === 1, 'next notification');
    assert.equal(ctx.rx.at('/drop')[0]?.body.id, next.id);
  });

  test('reorder holds two notifications and sends them newest first', async () => {
    await control('POST', '/notifications/faults', { mode: 'reorder', count: 2 });
    const first = await charge(ctx, '/reorder');
    const second = await charge(ctx, '/reorder');
    ctx.emu.control.completeCharge(first.id, 'approve');
    ctx.emu.control.completeCharge(second.id, 'decline');
    await waitFor(() => ctx.rx.at('/reorder').length === 2, 'reordered pair');
    assert.deepEqual(
      ctx.rx.at('/reorder').map((h) => h.body.id),
      [second.id, first.id],
    );
  });

  test('delay holds a notification until flushed; resend sends it again', async () => {
    await control('POST', '/notifications/faults', { mode: 'delay', delay_ms: 60_000 });
    const created = await charge(ctx, '/delay');
    ctx.emu.control.completeCharge(created.id, 'approve');
    const held = ctx.emu.control.notifications().find((n) => n.subject_id === created.id);
    assert.equal(held?.status, 'delayed');
    assert.equal(ctx.rx.at('/delay').length, 0);
    assert.deepEqual((await control('POST', '/notifications/flush')).json, { released: 1 });
    await waitFor(() => ctx.rx.at('/delay').length === 1, 'flushed');
    const resent = await control('POST', `/notifications/${held?.notification_id}/resend`);
    assert.equal(resent.status, 202);
    await waitFor(() => ctx.rx.at('/delay').length === 2, 'resent');
    assert.deepEqual(ctx.rx.at('/delay')[1]?.raw, ctx.rx.at('/delay')[0]?.raw);
    assert.equal((await control('POST', '/notifications/ntf_unknown/resend')).status, 404);
    assert.equal((await control('POST', '/notifications/faults', { mode: 'twice' })).status, 400);
  });
});

describe('refund notifications', () => {
  const ctx = setUp();

  test('a settled refund posts the refund object with a hashstring over its own fields', async () => {
    const created = await charge(ctx, '/charge');
    ctx.emu.control.completeCharge(created.id, 'approve');
    const refund = await api(ctx.emu, 'POST', '/v2/refunds', {
      charge_id: created.id,
      amount: 0.5,
      currency: 'QAR',
      reason: 'requested_by_customer',
      post: { url: ctx.rx.url('/refund') },
    });
    assert.equal(refund.status, 200);
    assert.equal(ctx.rx.at('/refund').length, 0, 'PENDING is the answer, not a notification');
    ctx.emu.control.settleRefund(refund.json.id, 'approve');
    await waitFor(() => ctx.rx.at('/refund').length === 1, 'refund notification');
    const [hit] = ctx.rx.at('/refund') as [Hit];
    assert.equal(hit.body.object, 'refund');
    assert.equal(hit.body.status, 'REFUNDED');
    assert.equal(hit.body.amount, 0.5);
    assert.match(hit.body.reference.payment, /^\d+$/);
    assert.equal(
      hit.headers.hashstring,
      expectedHash(hit.body, ctx.emu.credentials.secretKey, String(hit.body.created)),
    );
    assert.deepEqual(statuses(ctx.rx.at('/charge')), ['CAPTURED']);
  });
});

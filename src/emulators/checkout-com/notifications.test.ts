import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../../../test/support/wait.ts';
import { createEmulatorClock } from '../kit/clock.ts';
import { type RunningEmulator, startEmulator } from '../registry.ts';
import type { CheckoutComControl } from './control.ts';
import { createCheckoutComEmulator } from './server.ts';
import { type Hit, type Json, MINUTE, startReceiver } from './test-support.ts';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
type Emulator = RunningEmulator<CheckoutComControl>;

const SEED_BODY = {
  amount: 100,
  currency: 'QAR',
  reference: 'ORD-42',
  metadata: { order: 42 },
  source: { type: 'qpay', description: 'QPay Demo Payment' },
};
const EVT = /^evt_[a-z2-7]{26}$/;
const FAST_RETRIES = [20, 40, 80];

const sign = (raw: Buffer, key: string): string => createHmac('sha256', key).update(raw).digest('hex');
const typesOf = (hits: Hit[]): string[] => hits.map((hit) => hit.body.type);

async function api(emu: Emulator, method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(`${emu.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, json: (text ? JSON.parse(text) : null) as Json };
}

async function control(emu: Emulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${emu.baseUrl}/__control${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Json };
}

async function createPayment(emu: Emulator, key = emu.credentials.secretKey, extra: Json = {}): Promise<Json> {
  const res = await api(emu, 'POST', '/payments', key, { ...SEED_BODY, ...extra });
  assert.equal(res.status, 202, res.text);
  return res.json;
}

function setUp(opts: { retries?: number[]; path?: string; authorization?: string } = {}) {
  const ctx = {} as { emu: Emulator; rx: Receiver };
  before(async () => {
    ctx.rx = await startReceiver();
    ctx.emu = await startEmulator('checkout_com', {
      webhooks: [
        { url: ctx.rx.url(opts.path ?? '/hooks'), ...(opts.authorization && { authorization: opts.authorization }) },
      ],
      notificationRetryDelaysMs: opts.retries ?? FAST_RETRIES,
    });
  });
  after(async () => {
    await ctx.emu.close();
    await ctx.rx.close();
  });
  return ctx;
}

describe('webhooks for payment events', () => {
  const ctx = setUp({ authorization: 'Bearer whk_secret_42' });

  test('capture: payment_pending, payment_capture_pending and payment_captured, signed and authorised', async () => {
    const { emu, rx } = ctx;
    const created = await createPayment(emu);
    await waitFor(() => rx.forPayment(created.id).length === 1, 5_000, 'payment_pending');
    emu.control.completePayment(created.id, 'approve');
    await waitFor(() => rx.forPayment(created.id).length === 3, 5_000, 'capture events');
    const hits = rx.forPayment(created.id);
    assert.deepEqual(typesOf(hits).sort(), ['payment_capture_pending', 'payment_captured', 'payment_pending']);
    const recorded = emu.control.getPayment(created.id)?.events ?? [];
    for (const hit of hits) {
      assert.equal(hit.headers['content-type'], 'application/json');
      assert.match(String(hit.headers['cko-signature']), /^[0-9a-f]{64}$/);
      assert.equal(hit.headers['cko-signature'], sign(hit.raw, emu.credentials.webhookSignatureKey));
      assert.equal(hit.headers.authorization, 'Bearer whk_secret_42');
      assert.match(hit.body.id, EVT);
      assert.ok(recorded.some((event) => event.id === hit.body.id && event.type === hit.body.type));
    }

    const captured = hits.find((hit) => hit.body.type === 'payment_captured')?.body as Json;
    const action = emu.control.getPayment(created.id)?.actions[0];
    const paymentHref = `${emu.baseUrl}/payments/${created.id}`;
    assert.equal(captured.version, '1.0.29');
    assert.match(captured.created_on, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.deepEqual(
      { ...captured.data, balances: undefined, source: undefined },
      {
        id: created.id,
        action_id: action?.id,
        reference: 'ORD-42',
        amount: 100,
        currency: 'QAR',
        processed_on: action?.processed_on,
        response_code: '10000',
        response_summary: 'Approved',
        balances: undefined,
        metadata: { order: 42 },
        source: undefined,
        event_links: { payment: paymentHref, payment_actions: `${paymentHref}/actions` },
      },
    );
    assert.equal(captured.data.balances.total_captured, 100);
    assert.equal(captured.data.source.type, 'qpay');
    assert.match(captured.data.source.confirmation_id, /^\d+$/);
    assert.deepEqual(captured._links, {
      self: { href: `${emu.baseUrl}/workflows/events/${captured.id}` },
      subject: { href: paymentHref },
      payment: { href: paymentHref },
      payment_actions: { href: `${paymentHref}/actions` },
    });
    const pending = hits.find((hit) => hit.body.type === 'payment_pending')?.body as Json;
    assert.equal(pending.data.action_id, undefined);
    assert.equal(pending.data.response_code, undefined);

    // The receiver has the last copy a moment before the emulator has its answer.
    const recordsOf = () => emu.control.notifications().filter((r) => r.payment_id === created.id);
    await waitFor(() => recordsOf().every((r) => r.delivered), 5_000, 'answers recorded');
    const records = recordsOf();
    assert.equal(records.length, 3);
    for (const record of records) {
      assert.equal(record.delivered, true);
      assert.equal(record.status, 'delivered');
      assert.equal(record.url, rx.url('/hooks'));
      assert.deepEqual(
        record.attempts.map((a) => [a.status_code, a.error]),
        [[200, null]],
      );
    }

    const self = await api(emu, 'GET', `/workflows/events/${captured.id}`, emu.credentials.secretKey);
    assert.equal(self.status, 200);
    assert.equal(self.text, hits.find((hit) => hit.body.id === captured.id)?.raw.toString('utf8'));
  });

  test('decline and cancel send payment_capture_declined and payment_canceled', async () => {
    const { emu, rx } = ctx;
    const declined = await createPayment(emu);
    emu.control.completePayment(declined.id, 'decline');
    const canceled = await createPayment(emu);
    emu.control.completePayment(canceled.id, 'cancel');
    await waitFor(() => rx.forPayment(declined.id).length === 2 && rx.forPayment(canceled.id).length === 2);
    const decline = rx.forPayment(declined.id).find((hit) => hit.body.type === 'payment_capture_declined');
    assert.ok(decline);
    assert.equal(decline.body.data.response_code, '20005');
    assert.match(decline.body.data.action_id, /^act_[a-z2-7]{26}$/);
    assert.equal(decline.body.data.balances.total_captured, 0);
    assert.equal(decline.body.data.source.qpay_status, '0005');
    assert.deepEqual(typesOf(rx.forPayment(canceled.id)).sort(), ['payment_canceled', 'payment_pending']);
  });

  test('expiry by the clock sends payment_expired with the void action', async () => {
    const { emu, rx } = ctx;
    const created = await createPayment(emu);
    assert.deepEqual(emu.control.advanceClock(15 * MINUTE).expired.includes(created.id), true);
    await waitFor(() => rx.forPayment(created.id).some((hit) => hit.body.type === 'payment_expired'));
    const expired = rx.forPayment(created.id).find((hit) => hit.body.type === 'payment_expired')?.body as Json;
    const voided = emu.control.getPayment(created.id)?.actions[0];
    assert.equal(voided?.type, 'Void');
    assert.equal(expired.data.action_id, voided?.id);
    assert.equal(expired.data.processed_on, emu.control.getPayment(created.id)?.expires_on);
  });

  test('the hosted page completing a payment notifies too', async () => {
    const { emu, rx } = ctx;
    const created = await createPayment(emu);
    const res = await fetch(`${emu.baseUrl}/qpay-external/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        pun: new URL(created._links.redirect.href).searchParams.get('pun') ?? '',
        card_number: '4215375500883243',
        expiry: '12/99',
        pin: '677',
        otp: '123456',
      }).toString(),
    });
    assert.equal(res.status, 200);
    await waitFor(() => rx.forPayment(created.id).some((hit) => hit.body.type === 'payment_captured'));
  });
});

describe('lazy expiry on a read, links from the listening address', () => {
  test('a GET that notices expiry sends payment_expired', async () => {
    const rx = await startReceiver();
    let now = Date.UTC(2026, 0, 15, 10);
    const emu = createCheckoutComEmulator({
      sweepIntervalMs: 0,
      clock: createEmulatorClock(() => now),
      webhooks: [{ url: rx.url('/lazy') }],
    });
    after(async () => {
      await emu.app.close();
      await rx.close();
    });
    await emu.app.listen({ port: 0, host: '127.0.0.1' });
    const headers = { authorization: `Bearer ${emu.credentials.secretKey}` };
    const created = (
      await emu.app.inject({ method: 'POST', url: '/payments', headers, payload: { ...SEED_BODY, reference: 'L-1' } })
    ).json();
    now += 15 * MINUTE;
    const read = await emu.app.inject({ method: 'GET', url: `/payments/${created.id}`, headers });
    assert.equal(read.json().status, 'Expired');
    await waitFor(() => rx.forPayment(created.id).length === 2);
    const expired = rx.forPayment(created.id).find((hit) => hit.body.type === 'payment_expired');
    const { port } = emu.app.server.address() as AddressInfo;
    assert.equal(expired?.body._links.subject.href, `http://127.0.0.1:${port}/payments/${created.id}`);
    assert.equal(
      expired?.headers['cko-signature'],
      sign(expired?.raw ?? Buffer.alloc(0), emu.credentials.webhookSignatureKey),
    );
  });
});

describe('delivery retries', () => {
  const ctx = setUp({ path: '/flaky' });

  test('500 twice then 200: delivered on the third attempt, same event, body and signature', async () => {
    const { emu, rx } = ctx;
    rx.script('/flaky', [500, 500]);
    const created = await createPayment(emu);
    await waitFor(() => emu.control.notifications().some((r) => r.payment_id === created.id && r.delivered));
    const hits = rx.forPayment(created.id);
    assert.equal(hits.length, 3);
    assert.equal(new Set(hits.map((hit) => hit.raw.toString('hex'))).size, 1);
    assert.equal(new Set(hits.map((hit) => hit.headers['cko-signature'])).size, 1);
    const [record] = emu.control.notifications().filter((r) => r.payment_id === created.id);
    assert.deepEqual(
      record?.attempts.map((a) => a.status_code),
      [500, 500, 200],
    );
    assert.equal(record?.status, 'delivered');
    assert.equal(record?.next_attempt_at, null);
  });

  test('an endpoint that always fails is given up after the configured retries', async () => {
    const { emu, rx } = ctx;
    rx.script('/flaky', [503, 503, 503, 503, 503]);
    const created = await createPayment(emu);
    await waitFor(() => emu.control.notifications().some((r) => r.payment_id === created.id && r.status === 'failed'));
    const [record] = emu.control.notifications().filter((r) => r.payment_id === created.id);
    assert.equal(record?.delivered, false);
    assert.equal(record?.attempts.length, 1 + FAST_RETRIES.length);
    assert.equal(rx.forPayment(created.id).length, 4);
    rx.script('/flaky', []);
  });

  test('a refused connection is recorded as an error and retried', async () => {
    const { emu, rx } = ctx;
    const dead = await startReceiver();
    const deadUrl = dead.url('/gone');
    await dead.close();
    const entity = emu.control.createEntity({ webhooks: [{ url: deadUrl }, { url: rx.url('/flaky') }] });
    const created = await createPayment(emu, entity.secretKey);
    await waitFor(() =>
      emu.control
        .notifications()
        .some((r) => r.payment_id === created.id && r.url === deadUrl && r.status === 'failed'),
    );
    const records = emu.control.notifications().filter((r) => r.payment_id === created.id);
    const failed = records.find((r) => r.url === deadUrl);
    assert.equal(failed?.attempts.length, 4);
    assert.ok(failed?.attempts.every((a) => a.status_code === null && /ECONNREFUSED/.test(String(a.error))));
    assert.equal(records.find((r) => r.url === rx.url('/flaky'))?.delivered, true);
  });
});

describe('attempt timeout and close()', () => {
  test('a receiver that never answers times out on every attempt', async () => {
    const rx = await startReceiver();
    const emu = await startEmulator('checkout_com', {
      webhooks: [{ url: rx.url('/slow') }],
      notificationRetryDelaysMs: [10],
      notificationTimeoutMs: 150,
    });
    after(async () => {
      await emu.close();
      await rx.close();
    });
    rx.script('/slow', ['hang', 'hang']);
    await createPayment(emu);
    await waitFor(() => emu.control.notifications()[0]?.status === 'failed', 5_000, 'two timeouts');
    assert.deepEqual(
      emu.control.notifications()[0]?.attempts.map((a) => a.error),
      ['timeout after 150 ms', 'timeout after 150 ms'],
    );
    assert.equal(rx.at('/slow').length, 2);
  });

  test('close() aborts a send in flight and cancels pending retries', async () => {
    const rx = await startReceiver();
    after(() => rx.close());
    const emu = await startEmulator('checkout_com', {
      webhooks: [{ url: rx.url('/hang') }, { url: rx.url('/fail') }],
      notificationRetryDelaysMs: [60_000],
    });
    rx.script('/hang', ['hang']);
    rx.script('/fail', [500]);
    await createPayment(emu);
    await waitFor(() => rx.at('/hang').length === 1 && emu.control.notifications()[1]?.status === 'retry_scheduled');
    const started = performance.now();
    await emu.close();
    assert.ok(performance.now() - started < 1_000, 'close() returned promptly');
  });
});

describe('notification faults', () => {
  const ctx = setUp({ path: '/faults' });

  test('duplicate: the same event twice, byte for byte', async () => {
    const { emu, rx } = ctx;
    emu.control.addNotificationFault({ mode: 'duplicate' });
    const created = await createPayment(emu);
    await waitFor(() => rx.forPayment(created.id).length === 2);
    const [first, second] = rx.forPayment(created.id);
    assert.equal(first?.body.id, second?.body.id);
    assert.deepEqual(first?.raw, second?.raw);
    assert.equal(first?.headers['cko-signature'], second?.headers['cko-signature']);
    // The receiver can have a copy before the emulator has read its answer: wait for both records.
    const records = () => emu.control.notifications().filter((r) => r.payment_id === created.id);
    await waitFor(() => records().every((r) => r.delivered));
    assert.deepEqual(
      records().map((r) => [r.copy, r.fault, r.delivered]),
      [
        ['original', 'duplicate', true],
        ['duplicate', 'duplicate', true],
      ],
    );
    assert.deepEqual(emu.control.listNotificationFaults(), []);
  });

  test('drop: never sent, recorded as dropped; the next event goes out', async () => {
    const { emu, rx } = ctx;
    emu.control.addNotificationFault({ mode: 'drop' });
    const created = await createPayment(emu);
    emu.control.completePayment(created.id, 'cancel');
    await waitFor(() => rx.forPayment(created.id).length === 1);
    assert.deepEqual(typesOf(rx.forPayment(created.id)), ['payment_canceled']);
    const dropped = emu.control.notifications().find((r) => r.payment_id === created.id && r.status === 'dropped');
    assert.equal(dropped?.event_type, 'payment_pending');
    assert.equal(dropped?.delivered, false);
    assert.deepEqual(dropped?.attempts, []);
  });

  test('delay: sent after delay_ms, after events emitted later', async () => {
    const { emu, rx } = ctx;
    emu.control.addNotificationFault({ mode: 'delay', delayMs: 200 });
    const started = performance.now();
    const created = await createPayment(emu);
    assert.equal(emu.control.notifications().find((r) => r.payment_id === created.id)?.status, 'delayed');
    emu.control.completePayment(created.id, 'decline');
    await waitFor(() => rx.forPayment(created.id).length === 2);
    const hits = rx.forPayment(created.id);
    assert.deepEqual(typesOf(hits), ['payment_capture_declined', 'payment_pending']);
    assert.ok((hits[1]?.at ?? 0) - started >= 190, 'the delayed event waited');
  });

  test('reorder: the next N are held and sent in reverse once N are collected', async () => {
    const { emu, rx } = ctx;
    emu.control.addNotificationFault({ mode: 'reorder', count: 3 });
    const created = await createPayment(emu);
    assert.equal(emu.control.notifications().find((r) => r.payment_id === created.id)?.status, 'held');
    emu.control.completePayment(created.id, 'approve');
    await waitFor(() => rx.forPayment(created.id).length === 3);
    assert.deepEqual(typesOf(rx.forPayment(created.id)), [
      'payment_captured',
      'payment_capture_pending',
      'payment_pending',
    ]);
  });

  test('flush sends a partly collected reorder (reversed) and delayed events at once', async () => {
    const { emu, rx } = ctx;
    emu.control.addNotificationFault({ mode: 'reorder', count: 5 });
    const first = await createPayment(emu);
    emu.control.completePayment(first.id, 'cancel');
    const flushed = await control(emu, 'POST', '/notifications/flush');
    assert.deepEqual(flushed.json, { released: 2 });
    await waitFor(() => rx.forPayment(first.id).length === 2);
    assert.deepEqual(typesOf(rx.forPayment(first.id)), ['payment_canceled', 'payment_pending']);
    assert.deepEqual(emu.control.listNotificationFaults(), [], 'the reorder ended with the flush');

    emu.control.addNotificationFault({ mode: 'delay', delayMs: 60_000 });
    const second = await createPayment(emu);
    assert.equal(emu.control.flushNotifications(), 1);
    await waitFor(() => rx.forPayment(second.id).length === 1);
  });

  test('faults apply in order and count; DELETE clears them and releases what is held', async () => {
    const { emu, rx } = ctx;
    assert.equal((await control(emu, 'POST', '/notifications/faults', { mode: 'drop', count: 2 })).status, 201);
    const added = await control(emu, 'POST', '/notifications/faults', { mode: 'delay', delay_ms: 5 });
    assert.deepEqual(added.json, { id: added.json.id, mode: 'delay', count: 1, remaining: 1, delay_ms: 5 });
    for (const bad of [{ mode: 'explode' }, { mode: 'drop', count: 0 }, { mode: 'delay', delay_ms: -1 }, []]) {
      assert.equal((await control(emu, 'POST', '/notifications/faults', bad)).status, 400, JSON.stringify(bad));
    }
    assert.deepEqual(
      (await control(emu, 'GET', '/notifications/faults')).json.faults.map((f: Json) => [f.mode, f.remaining]),
      [
        ['drop', 2],
        ['delay', 1],
      ],
    );
    const a = await createPayment(emu);
    emu.control.completePayment(a.id, 'cancel');
    const b = await createPayment(emu);
    await waitFor(() => rx.forPayment(b.id).length === 1);
    assert.deepEqual(rx.forPayment(a.id), []);
    assert.equal(rx.forPayment(b.id)[0]?.body.type, 'payment_pending');

    emu.control.addNotificationFault({ mode: 'reorder', count: 4 });
    emu.control.completePayment(b.id, 'approve');
    assert.equal((await control(emu, 'DELETE', '/notifications/faults')).status, 200);
    assert.deepEqual(emu.control.listNotificationFaults(), []);
    await waitFor(() => rx.forPayment(b.id).length === 3);
    assert.deepEqual(typesOf(rx.forPayment(b.id)).slice(1), ['payment_captured', 'payment_capture_pending']);
  });

  test('resend: the same event again, by id, over HTTP', async () => {
    const { emu, rx } = ctx;
    const created = await createPayment(emu);
    await waitFor(() => rx.forPayment(created.id).length === 1);
    const eventId = rx.forPayment(created.id)[0]?.body.id;
    const resent = await control(emu, 'POST', `/notifications/${eventId}/resend`);
    assert.equal(resent.status, 202);
    assert.equal(resent.json.notifications[0].copy, 'resend');
    await waitFor(() => rx.forPayment(created.id).length === 2);
    const [first, again] = rx.forPayment(created.id);
    assert.deepEqual(again?.raw, first?.raw);
    assert.equal(again?.headers['cko-signature'], first?.headers['cko-signature']);
    assert.equal((await control(emu, 'POST', '/notifications/evt_nope/resend')).status, 404);
    const listed = (await control(emu, 'GET', '/notifications')).json.notifications as Json[];
    assert.deepEqual(
      listed.filter((r) => r.event_id === eventId).map((r) => [r.copy, r.delivered]),
      [
        ['original', true],
        ['resend', true],
      ],
    );
  });
});

describe('entities', () => {
  const ctx = setUp({ path: '/a' });

  test('a payment belongs to the entity whose key created it; others get 404', async () => {
    const { emu, rx } = ctx;
    const b = emu.control.createEntity({ webhooks: [{ url: rx.url('/b'), authorization: 'b-token' }] });
    assert.match(b.id, /^ent_[a-z2-7]{26}$/);
    assert.match(b.secretKey, /^sk_sbox_[a-z2-7]{27}$/);
    assert.match(b.publicKey, /^pk_sbox_[a-z2-7]{27}$/);
    assert.notEqual(b.webhookSignatureKey, emu.credentials.webhookSignatureKey);
    const keyA = emu.credentials.secretKey;

    const ofB = await createPayment(emu, b.secretKey);
    const ofA = await createPayment(emu, keyA);
    assert.equal(emu.control.getPayment(ofB.id)?.entity_id, b.id);
    assert.equal((await api(emu, 'GET', `/payments/${ofB.id}`, b.secretKey)).status, 200);
    for (const path of [`/payments/${ofB.id}`, `/payments/${ofB.id}/actions`]) {
      const res = await api(emu, 'GET', path, keyA);
      assert.equal(res.status, 404, path);
      assert.equal(res.text, '');
    }
    assert.equal((await api(emu, 'GET', `/payments/${ofA.id}`, b.secretKey)).status, 404);
    const done = emu.control.completePayment(ofB.id, 'approve');
    assert.ok(done.ok);
    assert.equal((await api(emu, 'GET', `/payments/${done.session_id}`, keyA)).status, 404);
    assert.equal((await api(emu, 'GET', `/payments/${done.session_id}`, b.secretKey)).json.status, 'Captured');

    await waitFor(() => rx.forPayment(ofB.id).length === 3 && rx.forPayment(ofA.id).length === 1);
    assert.deepEqual(rx.forPayment(ofB.id, '/a'), []);
    assert.deepEqual(rx.forPayment(ofA.id, '/b'), []);
    for (const hit of rx.forPayment(ofB.id)) {
      assert.equal(hit.headers['cko-signature'], sign(hit.raw, b.webhookSignatureKey));
      assert.equal(hit.headers.authorization, 'b-token');
    }
    const [hitA] = rx.forPayment(ofA.id);
    assert.equal(
      hitA?.headers['cko-signature'],
      sign(hitA?.raw ?? Buffer.alloc(0), emu.credentials.webhookSignatureKey),
    );
    assert.equal(hitA?.headers.authorization, undefined);

    const event = rx.forPayment(ofB.id)[0]?.body.id;
    assert.equal((await api(emu, 'GET', `/workflows/events/${event}`, keyA)).status, 404);
    assert.equal((await api(emu, 'GET', `/workflows/events/${event}`, b.secretKey)).status, 200);
  });

  test('idempotency keys are per entity', async () => {
    const { emu } = ctx;
    const b = emu.control.createEntity();
    const post = (key: string) =>
      fetch(`${emu.baseUrl}/payments`, {
        method: 'POST',
        headers: { authorization: key, 'content-type': 'application/json', 'cko-idempotency-key': 'same' },
        body: JSON.stringify(SEED_BODY),
      }).then((res) => res.json() as Promise<Json>);
    const [one, two, again] = [
      await post(emu.credentials.secretKey),
      await post(b.secretKey),
      await post(emu.credentials.secretKey),
    ];
    assert.notEqual(one.id, two.id);
    assert.equal(again.id, one.id);
  });

  test('createEntity is idempotent on the secret key and setWebhooks takes an id or a key', () => {
    const { emu, rx } = ctx;
    const key = 'sk_sbox_bbbbbbbbbbbbbbbbbbbbbbbbbbb';
    const made = emu.control.createEntity({ secretKey: key, webhookSignatureKey: 'sig-1' });
    const again = emu.control.createEntity({ secretKey: key, webhooks: [{ url: rx.url('/c') }] });
    assert.equal(again.id, made.id);
    assert.equal(again.webhookSignatureKey, 'sig-1');
    assert.deepEqual(again.webhooks, [{ url: rx.url('/c') }]);
    assert.deepEqual(emu.control.setWebhooks(key, [])?.webhooks, []);
    assert.deepEqual(emu.control.setWebhooks(made.id, [{ url: rx.url('/d') }])?.webhooks, [{ url: rx.url('/d') }]);
    assert.equal(emu.control.setWebhooks('ent_nope', []), undefined);
    assert.throws(() => emu.control.createEntity({ webhooks: [{ url: 'ftp://x' }] }), TypeError);
    assert.throws(() => emu.control.setWebhooks(made.id, [{ url: rx.url('/e'), authorization: 'a\r\nb' }]), TypeError);
    assert.equal(emu.control.listEntities().filter((e) => e.secretKey === key).length, 1);
  });

  test('over HTTP: create (201, then 200), list, replace webhooks', async () => {
    const { emu, rx } = ctx;
    const body = {
      secret_key: 'sk_sbox_ccccccccccccccccccccccccccc',
      webhooks: [{ url: rx.url('/h'), authorization: 'z' }],
    };
    const created = await control(emu, 'POST', '/entities', body);
    assert.equal(created.status, 201);
    assert.deepEqual(Object.keys(created.json), [
      'id',
      'name',
      'secret_key',
      'public_key',
      'webhook_signature_key',
      'webhooks',
    ]);
    assert.deepEqual(created.json.webhooks, [{ url: rx.url('/h'), authorization: 'z' }]);
    const repeated = await control(emu, 'POST', '/entities', { secret_key: body.secret_key });
    assert.equal(repeated.status, 200);
    assert.equal(repeated.json.id, created.json.id);
    assert.equal((await control(emu, 'POST', '/entities', { webhooks: 'x' })).status, 400);
    assert.equal((await control(emu, 'POST', '/entities', { secret_key: 'has space' })).status, 400);

    const listed = (await control(emu, 'GET', '/entities')).json.entities as Json[];
    assert.equal(listed[0]?.secret_key, emu.credentials.secretKey);
    assert.ok(listed.some((e) => e.id === created.json.id));

    const put = await control(emu, 'PUT', `/entities/${created.json.id}/webhooks`, {
      webhooks: [{ url: rx.url('/i') }],
    });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json.webhooks, [{ url: rx.url('/i') }]);
    assert.equal((await control(emu, 'PUT', '/entities/ent_nope/webhooks', { webhooks: [] })).status, 404);
    const bad = await control(emu, 'PUT', `/entities/${created.json.id}/webhooks`, { webhooks: [{ url: '/rel' }] });
    assert.equal(bad.status, 400);
  });

  test('describe() lists every entity with its signature key and webhook URLs', () => {
    const { emu, rx } = ctx;
    const text = emu.describe().join('\n');
    assert.ok(text.includes(emu.credentials.secretKey));
    assert.ok(text.includes(`Webhook signature key: ${emu.credentials.webhookSignatureKey}`));
    assert.ok(text.includes(rx.url('/a')));
    for (const entity of emu.control.listEntities()) {
      assert.ok(text.includes(entity.id), entity.id);
      assert.ok(text.includes(entity.webhookSignatureKey), entity.id);
      for (const hook of entity.webhooks) assert.ok(text.includes(hook.url), hook.url);
    }
  });

  test('reset goes back to the start entity and forgets notifications', async () => {
    const { emu } = ctx;
    emu.control.addNotificationFault({ mode: 'drop' });
    await control(emu, 'POST', '/reset');
    assert.deepEqual(emu.control.notifications(), []);
    assert.deepEqual(emu.control.listNotificationFaults(), []);
    const [only, ...rest] = emu.control.listEntities();
    assert.deepEqual(rest, []);
    assert.equal(only?.secretKey, emu.credentials.secretKey);
    assert.deepEqual(only?.webhooks, [{ url: ctx.rx.url('/a') }]);
  });
});

// The response serializer writes only the fields a route's response schema lists and drops any
// other without a word. Every answer here goes through the real app, its real schemas and
// serializer; a hook hands over each view before it is serialized, and each answer must carry
// every field of its view. Every JSON answer the OpenAPI document lists is checked at least once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createManualClock } from '../../src/core/clock.ts';
import { createApp } from '../../src/main.ts';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';
import { type Receiver, startReceiver, waitFor } from '../support/receiver.ts';

const clock = createManualClock(Date.now());
let gw: TestGateway;
let rx: Receiver;
/** A second app over the gateway's core, with a hook that sees each view before serialization. */
let app: FastifyInstance;

/** What the hook saw, by request id: the answer's route and status, and its view as JSON. */
const views = new Map<string, { readonly answer: string; readonly json: string }>();
/** The answers checked, as `METHOD /path/{param} status` (the OpenAPI document's spelling). */
const checked = new Set<string>();
/** Requests answered with the text the service stored with its change (see `storedAnswer`). */
const stored = new Set<string>();

before(async () => {
  gw = await createTestGateway({ start: { clock }, tap: true });
  rx = await startReceiver();
  app = await createApp(gw.config, gw.core, gw.connectors, { value: gw.url });
  app.addHook('preSerialization', async (request, reply, payload) => {
    const route = (request.routeOptions.url ?? request.url).replace(/:(\w+)/g, '{$1}');
    views.set(request.id, { answer: `${request.method} ${route} ${reply.statusCode}`, json: JSON.stringify(payload) });
    return payload;
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.idempotencyAnswered) stored.add(request.id);
    return payload;
  });
  await app.ready();
});
after(async () => {
  await app.close();
  await gw.close();
  await rx.close();
});

/** The paths of `view` (each field, each item) that `answer` does not have. */
function missing(view: unknown, answer: unknown, path = ''): string[] {
  if (Array.isArray(view)) {
    if (!Array.isArray(answer)) return [path];
    return view.flatMap((item, i) => missing(item, answer[i], `${path}[${i}]`));
  }
  if (view === null || typeof view !== 'object') return [];
  if (answer === null || typeof answer !== 'object') return [path];
  return Object.entries(view).flatMap(([key, value]) => {
    const at = path ? `${path}.${key}` : key;
    return Object.hasOwn(answer, key) ? missing(value, (answer as Record<string, unknown>)[key], at) : [at];
  });
}

let n = 0;
/** Sends a request to the app and checks its answer against the view it was made from. */
async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: Record<string, unknown>,
  expected?: number,
) {
  const res = await app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${gw.merchant.key}`,
      ...(method === 'POST' ? { 'idempotency-key': `rf-${++n}` } : {}),
    },
    ...(payload ? { payload } : {}),
  });
  if (expected !== undefined) assert.equal(res.statusCode, expected, res.body);
  if (stored.has(String(res.headers['request-id']))) return storedAnswer(method, res.json());
  const seen = views.get(String(res.headers['request-id']));
  assert.ok(seen, `${method} ${url}: the view was seen before serialization`);
  const view: unknown = JSON.parse(seen.json);
  const answer: unknown = res.json();
  assert.deepEqual(missing(view, answer), [], `${seen.answer}: fields of the view missing from the answer`);
  assert.deepEqual(answer, view, seen.answer);
  checked.add(seen.answer);
  return res.json();
}

/**
 * An answer the service stored with the payment it reports (a create whose provider answered
 * pending) is sent as the text it stored, made by the same route schema's serializer: it is
 * checked against the view of that payment as read back at once (nothing moved it since).
 */
async function storedAnswer(method: string, answer: { id: string }) {
  const res = await app.inject({
    method: 'GET',
    url: `/v1/payments/${answer.id}`,
    headers: { authorization: `Bearer ${gw.merchant.key}` },
  });
  const view = views.get(String(res.headers['request-id']));
  assert.ok(view, 'the payment read back was serialized from its view');
  const readBack: unknown = JSON.parse(view.json);
  assert.deepEqual(missing(readBack, answer), [], `${method} /v1/payments 201: fields of the view missing`);
  assert.deepEqual(answer, readBack);
  checked.add(`${method} /v1/payments 201`);
  return answer;
}

async function captured(): Promise<string> {
  const p = await call('POST', '/v1/payments', { ...PAYMENT_BODY, connector: 'checkout_com' }, 201);
  assert.ok(gw.emulator.control.completePayment(p.provider_payment_id, 'approve').ok);
  await waitFor(async () => (await call('GET', `/v1/payments/${p.id}`)).status === 'captured', 5000, 'captured');
  return p.id;
}

describe('every field of every view reaches the answer', () => {
  test('payments: created, uncertain, failed over, split, listed, canceled', async () => {
    const p = await call('POST', '/v1/payments', PAYMENT_BODY, 201);
    assert.ok(p.customer.name && p.next_action.url && p.metadata.order_id);
    await call('GET', `/v1/payments/${p.id}`, undefined, 200);
    await call('GET', '/v1/payments?limit=5&status=requires_action', undefined, 200);

    // The provider's answer is unknown: 202, the payment processing.
    gw.emulator.control.addFault({ kind: 'reset', count: 1, match: 'create' });
    const uncertain = await call('POST', '/v1/payments', { ...PAYMENT_BODY, connector: 'checkout_com' }, 202);
    assert.equal(uncertain.status, 'processing');
    gw.emulator.control.clearFaults();

    gw.emulator.control.addFault({ kind: 'server_error', count: 1, match: 'create' });
    const moved = await call('POST', '/v1/payments', PAYMENT_BODY, 201);
    assert.equal(moved.connector_attempts.length, 1);
    gw.emulator.control.clearFaults();

    const split = await call(
      'POST',
      '/v1/payments',
      { amount: 12_345, currency: 'SAR', payment_method: 'qattah', return_url: 'https://shop.example/thanks' },
      201,
    );
    const shares = gw.qattah.control.split(split.provider_payment_id, {
      shares: [
        { name: 'Mariam', amount: '60.00' },
        { name: 'Noura', amount: '63.45' },
      ],
    });
    assert.ok(shares.ok);
    assert.ok(gw.qattah.control.pay(split.provider_payment_id, shares.order.invoices[0]!.id, 'MADA').ok);
    clock.advance(21_000);
    await gw.worker.runDue();
    const parts = (await call('GET', `/v1/payments/${split.id}`, undefined, 200)).parts;
    assert.equal(parts.length, 2);
    assert.ok(parts[0].method && parts[0].paid_at, 'a paid share, every field filled');

    const canceled = await call('POST', `/v1/payments/${p.id}/cancel`, undefined, 200);
    assert.equal(canceled.canceled_by, 'merchant');

    // Errors come in the one shape, with every field too.
    await call('GET', '/v1/payments/pay_00000000000000000000000000', undefined, 404);
  });

  test('refunds', async () => {
    const id = await captured();
    const r = await call(
      'POST',
      `/v1/payments/${id}/refunds`,
      { amount: 500, reason: 'damaged', metadata: { t: '1' } },
      201,
    );
    assert.ok(r.provider_refund_id);
    await call('GET', `/v1/refunds/${r.id}`, undefined, 200);
    await call('GET', `/v1/payments/${id}/refunds`, undefined, 200);
  });

  test('events', async () => {
    const list = await call('GET', '/v1/events?limit=3', undefined, 200);
    assert.ok(list.data.length > 0);
    await call('GET', `/v1/events/${list.data[0].id}`, undefined, 200);
  });

  test('the request log', async () => {
    const log = await call('GET', '/v1/request_log?limit=5', undefined, 200);
    assert.ok(log.data.length > 0);
    assert.equal(log.data[0].object, 'request_log_entry');
  });

  test('webhook endpoints and their deliveries', async () => {
    const e = await call(
      'POST',
      '/v1/webhook_endpoints',
      { url: `${rx.url}/hook`, enabled_events: ['*'], description: 'orders' },
      201,
    );
    assert.ok(e.secret);
    await call('GET', '/v1/webhook_endpoints', undefined, 200);
    const off = await call('POST', `/v1/webhook_endpoints/${e.id}`, { status: 'disabled' }, 200);
    assert.ok(off.disabled_reason);
    await call('POST', `/v1/webhook_endpoints/${e.id}`, { status: 'enabled' }, 200);
    const rotated = await call('POST', `/v1/webhook_endpoints/${e.id}/rotate_secret`, {}, 200);
    assert.ok(rotated.secret && rotated.previous_secret_expires_at);
    await call('GET', `/v1/webhook_endpoints/${e.id}`, undefined, 200);

    await call('POST', '/v1/payments', PAYMENT_BODY, 201);
    await gw.worker.runDue();
    const deliveries = await call('GET', `/v1/webhook_endpoints/${e.id}/deliveries?limit=5`, undefined, 200);
    const delivered = deliveries.data.find((d: { attempts: unknown[] }) => d.attempts.length > 0);
    assert.ok(delivered, 'a delivery with its attempts');
    await call('POST', `/v1/webhook_endpoints/${e.id}/deliveries/${delivered.id}/redeliver`, undefined, 202);
    await call('DELETE', `/v1/webhook_endpoints/${e.id}`, undefined, 200);
  });

  test('API keys', async () => {
    const expiresAt = new Date(clock.now() + 86_400_000).toISOString();
    const k = await call('POST', '/v1/api_keys', { description: 'reports', expires_at: expiresAt }, 201);
    assert.ok(k.secret && k.expires_at);
    await call('GET', '/v1/api_keys', undefined, 200);
    await call('GET', `/v1/api_keys/${k.id}`, undefined, 200);
    const revoked = await call('POST', `/v1/api_keys/${k.id}/revoke`, undefined, 200);
    assert.ok(revoked.revoked_at);
  });

  test('checkout sessions: created, read, listed, expired', async () => {
    const session = await call(
      'POST',
      '/v1/checkout_sessions',
      {
        amount: 1500,
        currency: 'QAR',
        success_url: 'https://shop.example/paid',
        cancel_url: 'https://shop.example/cart',
        reference: 'ORDER-RF',
        description: 'Two abayas',
        locale: 'ar',
        metadata: { order_id: 'rf' },
      },
      201,
    );
    assert.match(session.id, /^cs_/);
    await call('GET', `/v1/checkout_sessions/${session.id}`, undefined, 200);
    await call('GET', '/v1/checkout_sessions?limit=5', undefined, 200);
    const expired = await call('POST', `/v1/checkout_sessions/${session.id}/expire`, undefined, 200);
    assert.equal(expired.status, 'expired');
  });

  test('payment links: created, read, listed, deactivated, activated; the account logo', async () => {
    const link = await call(
      'POST',
      '/v1/payment_links',
      {
        min_amount: 1000,
        max_amount: 50_000,
        currency: 'QAR',
        description: 'Tips',
        payment_methods: ['qpay'],
        max_payments: 5,
        reference: 'TIPS',
        metadata: { team: 'karak' },
        locale: 'ar',
        success_url: 'https://shop.example/thanks',
        cancel_url: 'https://shop.example/cart',
      },
      201,
    );
    assert.match(link.id, /^plink_/);
    await call('GET', `/v1/payment_links/${link.id}`, undefined, 200);
    await call('GET', '/v1/payment_links?limit=5', undefined, 200);
    assert.equal((await call('POST', `/v1/payment_links/${link.id}/deactivate`, undefined, 200)).active, false);
    assert.equal((await call('POST', `/v1/payment_links/${link.id}/activate`, undefined, 200)).active, true);
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    assert.equal((await call('POST', '/v1/account/logo', { data: png }, 200)).content_type, 'image/png');
    await call('GET', '/v1/account/logo', undefined, 200);
    await call('DELETE', '/v1/account/logo', undefined, 200);
  });

  test('connectors', async () => {
    const tap = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'tap');
    assert.ok(tap);
    await call(
      'PUT',
      '/v1/connectors/tap',
      { credentials: { ...tap.credentials }, settings: { ...tap.settings }, priority: tap.priority },
      200,
    );
    await call('GET', '/v1/connectors', undefined, 200);
    await call('DELETE', '/v1/connectors/tap', undefined, 200);
  });

  test('every JSON answer of the OpenAPI document was checked', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations).flatMap(([method, operation]) =>
        Object.entries(operation.responses)
          .filter(([status, response]) => status.startsWith('2') && response.content !== undefined)
          .map(([status]) => `${method.toUpperCase()} ${path} ${status}`),
      ),
    );
    assert.ok(documented.length > 20);
    assert.deepEqual(
      documented.filter((answer) => !checked.has(answer)),
      [],
    );
  });
});

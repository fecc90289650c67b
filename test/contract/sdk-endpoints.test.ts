// Every /v1 operation of docs/openapi.json has its SDK method, and every query parameter the
// document lists is one the SDK can send: each call goes through a recording `fetch`, and what it
// sent is compared with the document.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { type BawabaClient, createBawabaClient } from '../../packages/sdk/src/index.ts';

interface Parameter {
  readonly in: string;
  readonly name: string;
}
type Doc = { paths: Record<string, Record<string, { parameters?: Parameter[] }>> };
const doc: Doc = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));

const ID = 'x_1';
/** Each operation, as `METHOD /path`, and an SDK call that exercises all of its parameters. */
const CALLS: Readonly<Record<string, (sdk: BawabaClient) => Promise<unknown>>> = {
  'GET /v1/api_keys': (sdk) => sdk.apiKeys.list({ limit: 1, starting_after: ID, ending_before: ID }),
  'POST /v1/api_keys': (sdk) => sdk.apiKeys.create({ description: 'd', expires_at: 1 }),
  'GET /v1/api_keys/{id}': (sdk) => sdk.apiKeys.retrieve(ID),
  'POST /v1/api_keys/{id}/revoke': (sdk) => sdk.apiKeys.revoke(ID),
  'POST /v1/payments': (sdk) =>
    sdk.payments.create({ amount: 1, currency: 'QAR', payment_method: 'qpay', return_url: 'https://x.example' }),
  'GET /v1/payments': (sdk) =>
    sdk.payments.list({
      limit: 1,
      starting_after: ID,
      ending_before: ID,
      status: 'captured',
      created: { gte: 0, lt: new Date(0) },
      reference: 'r',
    }),
  'GET /v1/payments/{id}': (sdk) => sdk.payments.retrieve(ID),
  'POST /v1/payments/{id}/cancel': (sdk) => sdk.payments.cancel(ID),
  'POST /v1/payments/{id}/refunds': (sdk) => sdk.refunds.create(ID, { amount: 1 }),
  'GET /v1/payments/{id}/refunds': (sdk) => sdk.refunds.list(ID),
  'GET /v1/refunds/{id}': (sdk) => sdk.refunds.retrieve(ID),
  'POST /v1/checkout_sessions': (sdk) =>
    sdk.checkoutSessions.create({
      amount: 1,
      currency: 'QAR',
      success_url: 'https://x.example/ok',
      cancel_url: 'https://x.example/back',
    }),
  'GET /v1/checkout_sessions': (sdk) => sdk.checkoutSessions.list({ limit: 1, starting_after: ID, ending_before: ID }),
  'GET /v1/checkout_sessions/{id}': (sdk) => sdk.checkoutSessions.retrieve(ID),
  'POST /v1/checkout_sessions/{id}/expire': (sdk) => sdk.checkoutSessions.expire(ID),
  'POST /v1/payment_links': (sdk) => sdk.paymentLinks.create({ amount: 1, currency: 'QAR', description: 'd' }),
  'GET /v1/payment_links': (sdk) => sdk.paymentLinks.list({ limit: 1, starting_after: ID, ending_before: ID }),
  'GET /v1/payment_links/{id}': (sdk) => sdk.paymentLinks.retrieve(ID),
  'POST /v1/payment_links/{id}/deactivate': (sdk) => sdk.paymentLinks.deactivate(ID),
  'POST /v1/payment_links/{id}/activate': (sdk) => sdk.paymentLinks.activate(ID),
  'POST /v1/account/logo': (sdk) => sdk.accountLogo.set({ data: 'iVBORw0KGgo=' }),
  'GET /v1/account/logo': (sdk) => sdk.accountLogo.retrieve(),
  'DELETE /v1/account/logo': (sdk) => sdk.accountLogo.delete(),
  'GET /v1/request_log': (sdk) => sdk.requestLog.list({ after: ID, limit: 1 }),
  'GET /v1/connectors': (sdk) => sdk.connectors.list(),
  'PUT /v1/connectors/{connector}': (sdk) => sdk.connectors.put(ID, { credentials: {} }),
  'DELETE /v1/connectors/{connector}': (sdk) => sdk.connectors.delete(ID),
  'GET /v1/events': (sdk) =>
    sdk.events.list({ limit: 1, starting_after: ID, ending_before: ID, type: 'payment.captured', object_id: ID }),
  'GET /v1/events/{id}': (sdk) => sdk.events.retrieve(ID),
  'POST /v1/webhook_endpoints': (sdk) =>
    sdk.webhookEndpoints.create({ url: 'https://x.example', enabled_events: ['*'] }),
  'GET /v1/webhook_endpoints': (sdk) => sdk.webhookEndpoints.list(),
  'GET /v1/webhook_endpoints/{id}': (sdk) => sdk.webhookEndpoints.retrieve(ID),
  'POST /v1/webhook_endpoints/{id}': (sdk) => sdk.webhookEndpoints.update(ID, { status: 'disabled' }),
  'DELETE /v1/webhook_endpoints/{id}': (sdk) => sdk.webhookEndpoints.delete(ID),
  'POST /v1/webhook_endpoints/{id}/rotate_secret': (sdk) => sdk.webhookEndpoints.rotateSecret(ID),
  'GET /v1/webhook_endpoints/{id}/deliveries': (sdk) =>
    sdk.webhookEndpoints.listDeliveries(ID, { limit: 1, starting_after: ID, ending_before: ID }),
  'POST /v1/webhook_endpoints/{id}/deliveries/{delivery_id}/redeliver': (sdk) => sdk.webhookEndpoints.redeliver(ID, ID),
};

function documented(): Map<string, Parameter[]> {
  const ops = new Map<string, Parameter[]>();
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries(operations))
      ops.set(`${method.toUpperCase()} ${path}`, op.parameters ?? []);
  }
  return ops;
}

test('every /v1 operation of the document has an SDK method, and no SDK method calls an undocumented one', () => {
  assert.deepEqual(Object.keys(CALLS).sort(), [...documented().keys()].sort());
});

test('each SDK method sends its operation, with every documented query parameter', async () => {
  for (const [operation, parameters] of documented()) {
    const call = CALLS[operation];
    assert.ok(call, operation);
    const sent: URL[] = [];
    const sdk = createBawabaClient({
      apiKey: 'sk_test_1',
      baseUrl: 'http://bawaba.test',
      maxRetries: 0,
      fetch: async (url, init) => {
        sent.push(Object.assign(new URL(url), { hash: init.method ?? 'GET' }));
        return new Response(JSON.stringify({ object: 'list', data: [], has_more: false }), { status: 200 });
      },
    });
    await call(sdk);
    assert.equal(sent.length, 1, operation);
    const [url] = sent as [URL];
    const template = operation.split(' ')[1] ?? '';
    assert.equal(`${url.hash.slice(1)} ${url.pathname}`, operation.replace(/\{[a-z_]+\}/g, ID), operation);
    const query = parameters.filter((p) => p.in === 'query').map((p) => p.name);
    assert.deepEqual([...url.searchParams.keys()].sort(), query.sort(), `${template}: query parameters`);
  }
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BawabaConnectionError, BawabaError, createBawabaClient, type FetchFunction } from './client.ts';
import type {
  CreatePaymentParams,
  CreateWebhookEndpointParams,
  Event,
  List,
  Payment,
  WebhookEndpoint,
} from './types.ts';

interface Call {
  readonly url: URL;
  readonly method: string;
  readonly headers: Headers;
  readonly body: unknown;
  readonly signal: AbortSignal | null | undefined;
}

type Reply = Response | (() => Response | Promise<Response>);

/** A stub `fetch` answering from a queue and recording every request. */
function stubFetch(...replies: Reply[]) {
  const calls: Call[] = [];
  const fetch: FetchFunction = async (url, init) => {
    calls.push({
      url: new URL(url),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : init.body,
      signal: init.signal,
    });
    const reply = replies.shift();
    assert.ok(reply, `unexpected request ${init.method} ${url}`);
    return typeof reply === 'function' ? reply() : reply;
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const list = <T>(data: T[], has_more: boolean): List<T> => ({ object: 'list', data, has_more });

function payment(id: string): Payment {
  return {
    id,
    object: 'payment',
    status: 'requires_action',
    amount: 1000,
    amount_refunded: 0,
    currency: 'QAR',
    payment_method: 'qpay',
    connector: 'checkout_com',
    livemode: false,
    reference: 'order-1',
    description: null,
    customer: { name: 'Mariam' },
    metadata: {},
    return_url: 'https://shop.example/return',
    next_action: { type: 'redirect', url: 'https://pay.example/qpay' },
    provider_payment_id: 'pay_cko_1',
    canceled_by: null,
    captured_after_cancel: false,
    parts: [],
    connector_attempts: [],
    failure_code: null,
    failure_message: null,
    expires_at: '2026-01-01T00:15:00.000Z',
    captured_at: null,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
  };
}

const endpoint: WebhookEndpoint = {
  id: 'we_01',
  object: 'webhook_endpoint',
  url: 'https://shop.example/hooks',
  enabled_events: ['*'],
  status: 'enabled',
  disabled_reason: null,
  description: 'Order system',
  livemode: false,
  previous_secret_expires_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

const client = (fetch: FetchFunction, baseUrl = 'http://bawaba.test:3000') =>
  createBawabaClient({ apiKey: 'sk_test_123', baseUrl, fetch, maxRetries: 0 });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('payments', () => {
  const params: CreatePaymentParams = {
    amount: 1000,
    currency: 'QAR',
    payment_method: 'qpay',
    return_url: 'https://shop.example/return',
    metadata: { order: '1' },
  };

  test('create: POST /v1/payments with the key, a JSON body and the given Idempotency-Key', async () => {
    const stub = stubFetch(json(201, payment('pay_1')));
    const created = await client(stub.fetch).payments.create(params, { idempotencyKey: 'order-1-attempt-1' });
    assert.deepEqual(created, payment('pay_1'));
    const [call] = stub.calls;
    assert.ok(call);
    assert.equal(call.method, 'POST');
    assert.equal(call.url.toString(), 'http://bawaba.test:3000/v1/payments');
    assert.equal(call.headers.get('authorization'), 'Bearer sk_test_123');
    assert.equal(call.headers.get('idempotency-key'), 'order-1-attempt-1');
    assert.equal(call.headers.get('content-type'), 'application/json');
    assert.equal(call.headers.get('accept'), 'application/json');
    assert.deepEqual(call.body, params);
    assert.ok(call.signal instanceof AbortSignal, 'every request carries a timeout signal');
  });

  test('create: a fresh UUID Idempotency-Key when none is given', async () => {
    const stub = stubFetch(json(201, payment('pay_1')), json(202, payment('pay_2')));
    const payments = client(stub.fetch).payments;
    await payments.create(params);
    await payments.create(params);
    const keys = stub.calls.map((c) => c.headers.get('idempotency-key') ?? '');
    for (const key of keys) assert.match(key, UUID);
    assert.notEqual(keys[0], keys[1]);
  });

  test('retrieve: GET /v1/payments/{id}, id escaped, no body or Idempotency-Key', async () => {
    const stub = stubFetch(json(200, payment('pay_1')), json(200, payment('pay_1')));
    const sdk = client(stub.fetch, 'https://pay.example/bawaba/');
    assert.deepEqual(await sdk.payments.retrieve('pay_1'), payment('pay_1'));
    await sdk.payments.retrieve('a/../b?c');
    const [first, second] = stub.calls;
    assert.equal(first?.method, 'GET');
    assert.equal(first?.url.toString(), 'https://pay.example/bawaba/v1/payments/pay_1');
    assert.equal(first?.headers.get('idempotency-key'), null);
    assert.equal(first?.headers.get('content-type'), null);
    assert.equal(first?.body, undefined);
    assert.equal(second?.url.pathname, '/bawaba/v1/payments/a%2F..%2Fb%3Fc');
  });

  test('list: query parameters, created bounds as ISO or Unix seconds', async () => {
    const stub = stubFetch(json(200, list([payment('pay_2')], true)));
    const page = await client(stub.fetch).payments.list({
      limit: 1,
      status: 'captured',
      starting_after: 'pay_3',
      created: { gte: new Date('2026-01-01T00:00:00Z'), lt: 1767312000 },
    });
    assert.deepEqual(page, list([payment('pay_2')], true));
    const query = Object.fromEntries(stub.calls[0]?.url.searchParams ?? []);
    assert.deepEqual(query, {
      limit: '1',
      status: 'captured',
      starting_after: 'pay_3',
      'created[gte]': '2026-01-01T00:00:00.000Z',
      'created[lt]': '1767312000',
    });
  });

  test('list without parameters sends no query', async () => {
    const stub = stubFetch(json(200, list([], false)));
    await client(stub.fetch).payments.list();
    assert.equal(stub.calls[0]?.url.search, '');
  });
});

describe('autoPaging', () => {
  test('walks every page with starting_after, keeping the other parameters', async () => {
    const stub = stubFetch(
      json(200, list([payment('pay_5'), payment('pay_4')], true)),
      json(200, list([payment('pay_3'), payment('pay_2')], true)),
      json(200, list([payment('pay_1')], false)),
    );
    const seen: string[] = [];
    for await (const p of client(stub.fetch).payments.list({ limit: 2, status: 'captured' }).autoPaging()) {
      seen.push(p.id);
    }
    assert.deepEqual(seen, ['pay_5', 'pay_4', 'pay_3', 'pay_2', 'pay_1']);
    const queries = stub.calls.map((c) => Object.fromEntries(c.url.searchParams));
    assert.deepEqual(queries, [
      { limit: '2', status: 'captured' },
      { limit: '2', status: 'captured', starting_after: 'pay_4' },
      { limit: '2', status: 'captured', starting_after: 'pay_2' },
    ]);
  });

  test('the first page is fetched once, whether awaited or iterated', async () => {
    const stub = stubFetch(json(200, list([payment('pay_2'), payment('pay_1')], false)));
    const listing = client(stub.fetch).payments.list();
    assert.equal((await listing).data.length, 2);
    const ids: string[] = [];
    for await (const p of listing.autoPaging()) ids.push(p.id);
    assert.deepEqual(ids, ['pay_2', 'pay_1']);
    assert.equal(stub.calls.length, 1);
  });

  test('with ending_before alone, walks towards newer objects, nearest first', async () => {
    const stub = stubFetch(
      json(200, list([payment('pay_7'), payment('pay_6')], true)),
      json(200, list([payment('pay_9'), payment('pay_8')], false)),
    );
    const ids: string[] = [];
    for await (const p of client(stub.fetch).payments.list({ ending_before: 'pay_5', limit: 2 }).autoPaging()) {
      ids.push(p.id);
    }
    assert.deepEqual(ids, ['pay_6', 'pay_7', 'pay_8', 'pay_9']);
    assert.equal(stub.calls[1]?.url.searchParams.get('ending_before'), 'pay_7');
  });

  test('stops on an empty page even if has_more is set, and lets the caller break early', async () => {
    const stub = stubFetch(json(200, list([], true)));
    const ids: string[] = [];
    for await (const e of client(stub.fetch).events.list().autoPaging()) ids.push(e.id);
    assert.deepEqual(ids, []);

    const more = stubFetch(json(200, list([payment('pay_2'), payment('pay_1')], true)));
    for await (const p of client(more.fetch).payments.list().autoPaging()) {
      assert.equal(p.id, 'pay_2');
      break;
    }
    assert.equal(more.calls.length, 1);
  });

  test('an error on a later page surfaces from the iteration', async () => {
    const stub = stubFetch(
      json(200, list([payment('pay_2')], true)),
      json(500, { error: { type: 'api_error', code: 'internal_error', message: 'boom', request_id: 'req_9' } }),
    );
    const ids: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const p of client(stub.fetch).payments.list().autoPaging()) ids.push(p.id);
      })(),
      (e: unknown) => e instanceof BawabaError && e.code === 'internal_error' && e.status === 500,
    );
    assert.deepEqual(ids, ['pay_2']);
  });
});

describe('events and webhook endpoints', () => {
  const evt: Event = {
    id: 'evt_1',
    object: 'event',
    type: 'payment.captured',
    livemode: false,
    created_at: '2026-01-01T00:00:00.000Z',
    data: { object: payment('pay_1') },
  };

  test('events.retrieve and events.list', async () => {
    const stub = stubFetch(json(200, evt), json(200, list([evt], false)));
    const sdk = client(stub.fetch);
    assert.deepEqual(await sdk.events.retrieve('evt_1'), evt);
    assert.deepEqual(
      await sdk.events.list({ type: 'payment.captured', object_id: 'pay_1', limit: 10 }),
      list([evt], false),
    );
    assert.deepEqual(
      stub.calls.map((c) => [c.method, c.url.pathname, c.url.search]),
      [
        ['GET', '/v1/events/evt_1', ''],
        ['GET', '/v1/events', '?type=payment.captured&object_id=pay_1&limit=10'],
      ],
    );
  });

  test('webhookEndpoints.create posts with an Idempotency-Key and returns the secret', async () => {
    const created = { ...endpoint, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' };
    const stub = stubFetch(json(201, created));
    const params: CreateWebhookEndpointParams = {
      url: 'https://shop.example/hooks',
      enabled_events: ['payment.captured'],
      description: 'Orders',
    };
    assert.deepEqual(await client(stub.fetch).webhookEndpoints.create(params), created);
    const [call] = stub.calls;
    assert.equal(call?.method, 'POST');
    assert.equal(call?.url.pathname, '/v1/webhook_endpoints');
    assert.match(call?.headers.get('idempotency-key') ?? '', UUID);
    assert.deepEqual(call?.body, params);
  });

  test('webhookEndpoints.retrieve, list and delete', async () => {
    const deleted = { id: 'we_01', object: 'webhook_endpoint', deleted: true };
    const stub = stubFetch(
      json(200, endpoint),
      json(200, list([endpoint], false)),
      json(200, deleted),
      new Response(null, { status: 204 }),
    );
    const sdk = client(stub.fetch);
    assert.deepEqual(await sdk.webhookEndpoints.retrieve('we_01'), endpoint);
    assert.deepEqual(await sdk.webhookEndpoints.list(), list([endpoint], false));
    assert.deepEqual(await sdk.webhookEndpoints.delete('we_01'), deleted);
    assert.deepEqual(await sdk.webhookEndpoints.delete('we_02'), { ...deleted, id: 'we_02' }, 'a 204 answer');
    assert.deepEqual(
      stub.calls.map((c) => [c.method, c.url.pathname, c.headers.get('idempotency-key'), c.body]),
      [
        ['GET', '/v1/webhook_endpoints/we_01', null, undefined],
        ['GET', '/v1/webhook_endpoints', null, undefined],
        ['DELETE', '/v1/webhook_endpoints/we_01', null, undefined],
        ['DELETE', '/v1/webhook_endpoints/we_02', null, undefined],
      ],
    );
  });
});

describe('errors', () => {
  test("the API's error body becomes a BawabaError with every field", async () => {
    const stub = stubFetch(
      json(
        400,
        {
          error: {
            type: 'invalid_request_error',
            code: 'parameter_invalid',
            message: 'amount must be a positive integer in minor units.',
            param: 'amount',
            doc_url: 'https://pay.example/docs/errors#parameter_invalid',
            request_id: 'req_body',
          },
        },
        { 'request-id': 'req_header' },
      ),
    );
    const error = await client(stub.fetch)
      .payments.create({ amount: 0, currency: 'QAR', payment_method: 'qpay', return_url: 'https://x.example' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof BawabaError);
    assert.equal(error.name, 'BawabaError');
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'parameter_invalid');
    assert.equal(error.message, 'amount must be a positive integer in minor units.');
    assert.equal(error.param, 'amount');
    assert.equal(error.requestId, 'req_body');
    assert.equal(error.status, 400);
    assert.equal(error.paymentId, undefined);
    assert.equal(error.docUrl, 'https://pay.example/docs/errors#parameter_invalid');
  });

  test('a 404, a 401 and a 402 decline with its payment id', async () => {
    const err = (status: number, type: string, code: string, extra: object = {}) =>
      json(status, { error: { type, code, message: code, request_id: `req_${status}`, ...extra } });
    const stub = stubFetch(
      err(404, 'not_found_error', 'resource_not_found', { param: 'id' }),
      err(401, 'authentication_error', 'api_key_invalid'),
      err(402, 'provider_error', 'provider_declined', { payment_id: 'pay_9' }),
    );
    const sdk = client(stub.fetch);
    const results = await Promise.all([
      sdk.payments.retrieve('pay_x').catch((e: unknown) => e),
      sdk.events.list().catch((e: unknown) => e),
      sdk.payments
        .create({ amount: 1, currency: 'QAR', payment_method: 'qpay', return_url: 'https://x.example' })
        .catch((e: unknown) => e),
    ]);
    const summary = results.map((e) =>
      e instanceof BawabaError ? [e.status, e.type, e.code, e.param, e.requestId, e.paymentId] : e,
    );
    assert.deepEqual(summary, [
      [404, 'not_found_error', 'resource_not_found', 'id', 'req_404', undefined],
      [401, 'authentication_error', 'api_key_invalid', undefined, 'req_401', undefined],
      [402, 'provider_error', 'provider_declined', undefined, 'req_402', 'pay_9'],
    ]);
  });

  test('an error answer without a Bawaba error body, or a 2xx that is not JSON: unexpected_response', async () => {
    const html = new Response('<html>502 Bad Gateway</html>', { status: 502, headers: { 'request-id': 'req_h' } });
    const stub = stubFetch(
      html,
      json(500, { message: 'no envelope' }),
      new Response('not json', { status: 200 }),
      new Response(null, { status: 200 }),
    );
    const sdk = client(stub.fetch);
    for (const [status, requestId] of [
      [502, 'req_h'],
      [500, undefined],
      [200, undefined],
      [200, undefined],
    ] as const) {
      const error = await sdk.payments.retrieve('pay_1').catch((e: unknown) => e);
      assert.ok(error instanceof BawabaError);
      assert.equal(error.type, 'api_error');
      assert.equal(error.code, 'unexpected_response');
      assert.equal(error.status, status);
      assert.equal(error.requestId, requestId);
      assert.equal(error.docUrl, undefined);
    }
  });

  test('a network failure is a BawabaConnectionError carrying the cause and the idempotency key', async () => {
    const reset = new TypeError('fetch failed');
    const stub = stubFetch(() => {
      throw reset;
    });
    const error = await client(stub.fetch)
      .payments.create({ amount: 1, currency: 'QAR', payment_method: 'qpay', return_url: 'https://x.example' })
      .catch((e: unknown) => e);
    assert.ok(error instanceof BawabaConnectionError);
    assert.ok(!(error instanceof BawabaError));
    assert.equal(error.name, 'BawabaConnectionError');
    assert.equal(error.cause, reset);
    assert.match(error.idempotencyKey ?? '', UUID);
    assert.equal(error.idempotencyKey, stub.calls[0]?.headers.get('idempotency-key'));
    assert.match(error.message, /^POST \/v1\/payments failed: no answer from bawaba\.test:3000\.$/);
    assert.ok(!error.message.includes('sk_test_123'), 'the API key never appears in messages');
  });

  test('a timeout names itself; a GET carries no idempotency key', async () => {
    const stub = stubFetch(() => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    });
    const sdk = createBawabaClient({
      apiKey: 'sk_test_123',
      baseUrl: 'http://bawaba.test',
      fetch: stub.fetch,
      timeoutMs: 5,
      maxRetries: 0,
    });
    const error = await sdk.payments.retrieve('pay_1').catch((e: unknown) => e);
    assert.ok(error instanceof BawabaConnectionError);
    assert.match(error.message, /timed out after 5 ms/);
    assert.equal(error.idempotencyKey, undefined);
  });

  test('a failure while reading the body is a connection error too', async () => {
    const broken = new Response(
      new ReadableStream({
        start(controller) {
          controller.error(new TypeError('terminated'));
        },
      }),
      { status: 200 },
    );
    const stub = stubFetch(broken);
    const error = await client(stub.fetch)
      .payments.retrieve('pay_1')
      .catch((e: unknown) => e);
    assert.ok(error instanceof BawabaConnectionError);
  });

  test('bad options are refused at construction', () => {
    assert.throws(() => createBawabaClient({ apiKey: '', baseUrl: 'http://x.test' }), /needs an apiKey/);
    assert.throws(
      () => createBawabaClient({ apiKey: 'sk_test_1', baseUrl: 'localhost:3000/' }),
      /absolute http\(s\) URL/,
    );
    assert.throws(() => createBawabaClient({ apiKey: 'sk_test_1', baseUrl: '/v1' }), /absolute http\(s\) URL/);
    const base = { apiKey: 'sk_test_1', baseUrl: 'http://x.test' };
    assert.throws(() => createBawabaClient({ ...base, timeoutMs: 0 }), /timeoutMs/);
    assert.throws(() => createBawabaClient({ ...base, timeoutMs: Number.POSITIVE_INFINITY }), /timeoutMs/);
  });

  test('an empty id is refused before anything is sent', async () => {
    const stub = stubFetch();
    await assert.rejects(client(stub.fetch).payments.retrieve(''), /non-empty string/);
    await assert.rejects(client(stub.fetch).webhookEndpoints.delete(''), /non-empty string/);
    assert.equal(stub.calls.length, 0);
  });
});

describe('retries', () => {
  const retrying = (fetch: FetchFunction, maxRetries = 2) =>
    createBawabaClient({ apiKey: 'sk_test_123', baseUrl: 'http://bawaba.test', fetch, maxRetries, retryDelayMs: 0 });
  const params: CreatePaymentParams = {
    amount: 1000,
    currency: 'QAR',
    payment_method: 'qpay',
    return_url: 'https://shop.example/return',
  };
  const errorBody = (code: string) => ({ error: { type: 'api_error', code, message: code, request_id: 'req_1' } });

  test('no answer, then 409 idempotency_key_in_use, then 201: every try carries the same Idempotency-Key', async () => {
    const stub = stubFetch(
      () => {
        throw new TypeError('fetch failed');
      },
      json(409, errorBody('idempotency_key_in_use')),
      json(201, payment('pay_1')),
    );
    assert.deepEqual(await retrying(stub.fetch).payments.create(params), payment('pay_1'));
    const keys = stub.calls.map((c) => c.headers.get('idempotency-key'));
    assert.equal(keys.length, 3);
    assert.match(keys[0] ?? '', UUID);
    assert.deepEqual(new Set(keys).size, 1);
  });

  test('a given key is reused too; 429, 502, 503 and 504 are retried, a GET as well', async () => {
    const stub = stubFetch(
      json(503, errorBody('provider_unavailable'), { 'retry-after': '0' }),
      json(201, payment('pay_1')),
      json(429, errorBody('rate_limited')),
      json(504, errorBody('internal_error')),
      json(200, payment('pay_1')),
    );
    const sdk = retrying(stub.fetch);
    await sdk.payments.create(params, { idempotencyKey: 'order-7' });
    await sdk.payments.retrieve('pay_1');
    assert.deepEqual(
      stub.calls.map((c) => [c.method, c.headers.get('idempotency-key')]),
      [
        ['POST', 'order-7'],
        ['POST', 'order-7'],
        ['GET', null],
        ['GET', null],
        ['GET', null],
      ],
    );
  });

  test('a client error is not retried; the last failure is thrown once retries run out', async () => {
    const stub = stubFetch(json(400, errorBody('parameter_invalid')));
    const refused = await retrying(stub.fetch)
      .payments.create(params)
      .catch((e: unknown) => e);
    assert.ok(refused instanceof BawabaError);
    assert.equal(stub.calls.length, 1);

    const down = stubFetch(
      () => {
        throw new TypeError('fetch failed');
      },
      () => {
        throw new TypeError('fetch failed');
      },
    );
    const error = await retrying(down.fetch, 1)
      .payments.create(params)
      .catch((e: unknown) => e);
    assert.ok(error instanceof BawabaConnectionError);
    assert.match(error.message, /\(2 tries\)/);
    assert.equal(error.idempotencyKey, down.calls[1]?.headers.get('idempotency-key'));
    assert.throws(() => retrying(down.fetch, -1), /maxRetries/);
  });
});

describe('every endpoint', () => {
  const refund = { id: 're_1', object: 'refund' };
  const delivery = { id: 'whd_1', object: 'webhook_delivery' };
  const key = { id: 'key_1', object: 'api_key' };
  const connector = { id: 'ca_1', object: 'connector_account' };
  const link = { id: 'plink_1', object: 'payment_link' };
  const logo = { object: 'account_logo', content_type: 'image/png' };

  test('method, path, Idempotency-Key and body of each call', async () => {
    const answers = [
      payment('pay_1'),
      refund,
      refund,
      list([refund], false),
      { ...endpoint, url: 'https://shop.example/new' },
      { ...endpoint, secret: 'whsec_x' },
      list([delivery], false),
      delivery,
      list([key], false),
      { ...key, secret: 'sk_test_x' },
      key,
      key,
      list([connector], false),
      connector,
      { connector: 'tap', deleted: true },
      link,
      link,
      list([link], false),
      { ...link, active: false },
      { ...link, active: true },
      logo,
      logo,
      { object: 'account_logo', deleted: true },
      list([], false),
    ].map((body) => json(200, body));
    const stub = stubFetch(...answers);
    const sdk = client(stub.fetch);
    await sdk.payments.cancel('pay_1', { idempotencyKey: 'cancel-1' });
    await sdk.refunds.create('pay_1', { amount: 500, reason: 'returned' });
    await sdk.refunds.retrieve('re_1');
    await sdk.refunds.list('pay_1');
    await sdk.webhookEndpoints.update('we_01', { url: 'https://shop.example/new', status: 'enabled' });
    await sdk.webhookEndpoints.rotateSecret('we_01', { expire_previous_in_seconds: 3600 });
    await sdk.webhookEndpoints.listDeliveries('we_01', { limit: 10 });
    await sdk.webhookEndpoints.redeliver('we_01', 'whd_1');
    await sdk.apiKeys.list({ limit: 5 });
    await sdk.apiKeys.create({ description: 'CI' });
    await sdk.apiKeys.retrieve('key_1');
    await sdk.apiKeys.revoke('key_1');
    await sdk.connectors.list();
    await sdk.connectors.put('tap', { credentials: { secret_key: 'sk_test_tap' } });
    await sdk.connectors.delete('tap');
    await sdk.paymentLinks.create({ amount: 1500, currency: 'QAR', description: 'Dates, 1 kg' });
    await sdk.paymentLinks.retrieve('plink_1');
    await sdk.paymentLinks.list({ limit: 3 });
    await sdk.paymentLinks.deactivate('plink_1');
    await sdk.paymentLinks.activate('plink_1', { idempotencyKey: 'activate-1' });
    await sdk.accountLogo.set({ data: 'iVBORw0KGgo=' });
    await sdk.accountLogo.retrieve();
    await sdk.accountLogo.delete();
    await sdk.requestLog.list({ after: 'req_1', limit: 5 });
    const keyed = (c: Call) => (c.headers.get('idempotency-key') === null ? null : 'key');
    assert.deepEqual(
      stub.calls.map((c) => [c.method, c.url.pathname + c.url.search, keyed(c), c.body]),
      [
        ['POST', '/v1/payments/pay_1/cancel', 'key', undefined],
        ['POST', '/v1/payments/pay_1/refunds', 'key', { amount: 500, reason: 'returned' }],
        ['GET', '/v1/refunds/re_1', null, undefined],
        ['GET', '/v1/payments/pay_1/refunds', null, undefined],
        ['POST', '/v1/webhook_endpoints/we_01', 'key', { url: 'https://shop.example/new', status: 'enabled' }],
        ['POST', '/v1/webhook_endpoints/we_01/rotate_secret', 'key', { expire_previous_in_seconds: 3600 }],
        ['GET', '/v1/webhook_endpoints/we_01/deliveries?limit=10', null, undefined],
        ['POST', '/v1/webhook_endpoints/we_01/deliveries/whd_1/redeliver', 'key', undefined],
        ['GET', '/v1/api_keys?limit=5', null, undefined],
        ['POST', '/v1/api_keys', 'key', { description: 'CI' }],
        ['GET', '/v1/api_keys/key_1', null, undefined],
        ['POST', '/v1/api_keys/key_1/revoke', 'key', undefined],
        ['GET', '/v1/connectors', null, undefined],
        ['PUT', '/v1/connectors/tap', null, { credentials: { secret_key: 'sk_test_tap' } }],
        ['DELETE', '/v1/connectors/tap', null, undefined],
        ['POST', '/v1/payment_links', 'key', { amount: 1500, currency: 'QAR', description: 'Dates, 1 kg' }],
        ['GET', '/v1/payment_links/plink_1', null, undefined],
        ['GET', '/v1/payment_links?limit=3', null, undefined],
        ['POST', '/v1/payment_links/plink_1/deactivate', 'key', undefined],
        ['POST', '/v1/payment_links/plink_1/activate', 'key', undefined],
        ['POST', '/v1/account/logo', 'key', { data: 'iVBORw0KGgo=' }],
        ['GET', '/v1/account/logo', null, undefined],
        ['DELETE', '/v1/account/logo', null, undefined],
        ['GET', '/v1/request_log?after=req_1&limit=5', null, undefined],
      ],
    );
    assert.equal(stub.calls[0]?.headers.get('idempotency-key'), 'cancel-1');
    assert.equal(stub.calls[19]?.headers.get('idempotency-key'), 'activate-1');
  });

  test('a list is an async iterable: for await walks every page', async () => {
    const stub = stubFetch(
      json(200, list([payment('pay_3'), payment('pay_2')], true)),
      json(200, list([payment('pay_1')], false)),
    );
    const seen: string[] = [];
    for await (const p of client(stub.fetch).payments.list({ limit: 2 })) seen.push(p.id);
    assert.deepEqual(seen, ['pay_3', 'pay_2', 'pay_1']);
    assert.equal(stub.calls[1]?.url.search, '?limit=2&starting_after=pay_2');
  });
});

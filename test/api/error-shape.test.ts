// Every error the gateway answers, however early it is refused, is the one error shape with a
// request id; input never causes a 500. One test per defect a fuzzing probe found.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { BawabaError, ERROR_CODES } from '../../src/core/errors.ts';
import { type Answer, sendRaw } from '../fuzz/send.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
let port: number;
before(async () => {
  gw = await createTestGateway();
  port = Number(new URL(gw.url).port);
});
after(() => gw.close());

const auth = () => ({ authorization: `Bearer ${gw.merchant.key}` });

/** Asserts the one error shape (and its request id header); returns the error object. */
function errorOf(
  res: { statusCode: number; headers: Record<string, unknown>; body: string },
  code: keyof typeof ERROR_CODES,
) {
  assert.equal(res.statusCode, ERROR_CODES[code].status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body = JSON.parse(res.body);
  assert.deepEqual(Object.keys(body), ['error']);
  const e = body.error;
  assert.equal(e.code, code, res.body);
  assert.equal(e.type, ERROR_CODES[code].type);
  assert.equal(typeof e.message, 'string');
  assert.match(String(res.headers['request-id']), /^req_/);
  assert.equal(e.request_id, res.headers['request-id']);
  for (const key of Object.keys(e)) {
    assert.ok(['type', 'code', 'message', 'param', 'doc_url', 'request_id'].includes(key), key);
  }
  assert.match(
    e.doc_url,
    new RegExp(`^https?://[^/]+/docs/errors#${code}$`),
    'doc_url names the code in the error reference',
  );
  if ('param' in e) assert.ok(typeof e.param === 'string' && e.param !== '', 'param is a non-empty string');
  return e as { message: string; param?: string };
}

async function raw(text: string): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
  const answer: Answer = await sendRaw(port, text, 5_000);
  assert.equal(answer.kind, 'answer', JSON.stringify(answer));
  if (answer.kind !== 'answer') throw new Error('unreachable');
  return { statusCode: answer.status, headers: { ...answer.headers }, body: answer.body };
}

const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('no 500 from input', () => {
  test('deeply nested JSON on cancel is a 400 body_invalid (it used to overflow the idempotency fingerprint)', async () => {
    const p = await gw.createPayment();
    const res = await gw.app.inject({
      method: 'POST',
      url: `/v1/payments/${p.id}/cancel`,
      headers: { ...auth(), 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      payload: deep(30_000),
    });
    assert.match(errorOf(res, 'body_invalid').message, /nested deeper than 32 levels/);
  });

  test('deeply nested JSON on redeliver is a 400 body_invalid', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/webhook_endpoints/we_x/deliveries/whd_x/redeliver',
      headers: { ...auth(), 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      payload: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000),
    });
    errorOf(res, 'body_invalid');
  });

  test('a repeated parameter on the sandbox page is a 400 naming it (an array used to reach escapeHtml)', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/sandbox/return?payment_id=a&payment_id=b' });
    const e = errorOf(res, 'parameter_invalid');
    assert.equal(e.param, 'payment_id');
    assert.match(e.message, /given more than once/);
  });

  test('a repeated parameter on a list route is a 400 that says so', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/v1/payments?limit=1&limit=2', headers: auth() });
    const e = errorOf(res, 'parameter_invalid');
    assert.equal(e.param, 'limit');
    assert.match(e.message, /given more than once/);
  });

  test('a NUL character in a path id or a query value is a 400 (PostgreSQL cannot store it)', async () => {
    errorOf(await gw.app.inject({ method: 'GET', url: '/v1/events/%00', headers: auth() }), 'parameter_invalid');
    const res = await gw.app.inject({ method: 'GET', url: '/v1/events?object_id=a%00', headers: auth() });
    assert.equal(errorOf(res, 'parameter_invalid').param, 'object_id');
  });

  test('a NUL byte in a provider notification body is a 400, not a failed insert', async () => {
    const list = await gw.app.inject({ method: 'GET', url: '/v1/connectors', headers: auth() });
    const ca = (list.json().data as { id: string; connector: string }[])[0]!;
    const res = await gw.app.inject({
      method: 'POST',
      url: `/hooks/${ca.connector}/${ca.id}`,
      headers: { 'content-type': 'application/json' },
      payload: '{"type":"payment_approved\u0000"}',
    });
    errorOf(res, 'body_invalid');
  });
});

describe('errors outside the routes are in the shape too', () => {
  test('a URL that is not validly percent-encoded is 400 url_invalid (raw socket)', async () => {
    const res = await raw(`GET /v1/payments/%E0%A4%A HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    errorOf(res, 'url_invalid');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  test('a path id over 100 characters is 414 url_too_long', async () => {
    const res = await gw.app.inject({ method: 'GET', url: `/v1/payments/${'a'.repeat(150)}`, headers: auth() });
    errorOf(res, 'url_too_long');
  });

  test('headers over 16 KiB are 431 headers_too_large, written by the HTTP server (raw socket)', async () => {
    const res = await raw(`GET /v1/payments HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`);
    errorOf(res, 'headers_too_large');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });

  test('a request Node cannot parse is 400 request_invalid (raw socket)', async () => {
    errorOf(await raw('G(E)T / HTTP/1.1\r\nhost: x\r\n\r\n'), 'request_invalid');
    errorOf(await raw('POST /v1/payments HTTP/1.1\r\nhost: x\r\ncontent-length: abc\r\n\r\n{}'), 'request_invalid');
  });

  test('GET and DELETE with a body are 400 body_not_allowed', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await gw.app.inject({
        method,
        url: '/v1/webhook_endpoints/we_x',
        headers: { ...auth(), 'content-type': 'application/json' },
        payload: '{"a":1}',
      });
      assert.match(errorOf(res, 'body_not_allowed').message, new RegExp(`^${method} takes no request body`));
    }
  });

  test('?=1 (a parameter with no name) is refused in words, with no empty param', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/v1/payments?=1', headers: auth() });
    const e = errorOf(res, 'parameter_unknown');
    assert.equal(e.param, undefined);
    assert.match(e.message, /parameter with an empty name/);
  });

  test('a __proto__ key is refused as such, not as "not valid JSON"', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...auth(), 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      payload: '{"amount":1500,"__proto__":{"admin":true}}',
    });
    const e = errorOf(res, 'body_invalid');
    assert.equal(e.param, '__proto__');
    assert.match(e.message, /"__proto__" keys are not allowed/);
  });

  test('a body in another media type is 415, text/plain included', async () => {
    const res = await gw.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...auth(), 'idempotency-key': randomUUID(), 'content-type': 'text/plain' },
      payload: '{}',
    });
    errorOf(res, 'body_unsupported_media_type');
  });

  test('an unknown route echoes its path but never its query string', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/v1/nothing?order=4711&email=mariam%40example.qa' });
    const e = errorOf(res, 'route_not_found');
    assert.equal(e.message, 'No route GET /v1/nothing.');
    const key = `sk_live_${'A'.repeat(32)}`;
    const pasted = await gw.app.inject({ method: 'GET', url: `/v1/${key}` });
    assert.ok(!pasted.body.includes(key), 'a key pasted into a path is not echoed back');
  });
});

describe('internal errors', () => {
  test('answer a generic message; the detail goes to the log only', async () => {
    const payments = gw.core.repos.payments;
    const original = payments.get;
    try {
      (payments as { get: unknown }).get = async () => {
        throw new Error('relation "payments_secret_shard" does not exist');
      };
      const res = await gw.app.inject({ method: 'GET', url: '/v1/payments/pay_x', headers: auth() });
      const e = errorOf(res, 'internal_error');
      assert.equal(e.message, ERROR_CODES.internal_error.message);
      (payments as { get: unknown }).get = async () => {
        throw new BawabaError('internal_error', 'payment pay_x kept changing under concurrent updates');
      };
      const again = await gw.app.inject({ method: 'GET', url: '/v1/payments/pay_x', headers: auth() });
      assert.equal(errorOf(again, 'internal_error').message, ERROR_CODES.internal_error.message);
    } finally {
      (payments as { get: unknown }).get = original;
    }
  });
});

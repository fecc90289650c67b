import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApp, createConnectors, openCore } from '../../src/main.ts';
import { rawSecurityHeaders } from '../../src/server/plugins/security-headers.ts';
import { createTestGateway, type TestGateway, testConfig } from '../support/gateway.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway();
});
after(() => gw.close());

const auth = () => ({ authorization: `Bearer ${gw.merchant.key}` });

function assertBaseline(headers: Record<string, unknown>, what: string): void {
  assert.equal(headers['x-content-type-options'], 'nosniff', what);
  assert.equal(headers['x-frame-options'], 'DENY', what);
  assert.match(String(headers['content-security-policy']), /frame-ancestors 'none'/, what);
  assert.equal(headers['referrer-policy'], 'no-referrer', what);
  assert.equal(headers['cache-control'], 'no-store', what);
  assert.equal(headers['x-powered-by'], undefined, what);
}

describe('every answer', () => {
  test('JSON, errors, the OpenAPI document and pages carry nosniff, no framing, no referrer, no-store', async () => {
    const answers = {
      list: await gw.app.inject({ method: 'GET', url: '/v1/payments', headers: auth() }),
      'not found': await gw.app.inject({ method: 'GET', url: '/v1/payments/pay_nope', headers: auth() }),
      'no key': await gw.app.inject({ method: 'GET', url: '/v1/payments' }),
      'unknown route': await gw.app.inject({ method: 'GET', url: '/nowhere' }),
      'bad body': await gw.app.inject({
        method: 'POST',
        url: '/v1/payments',
        headers: { ...auth(), 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
        payload: '{',
      }),
      health: await gw.app.inject({ method: 'GET', url: '/healthz' }),
      'sandbox page': await gw.app.inject({ method: 'GET', url: '/sandbox/return?payment_id=pay_x&status=captured' }),
    };
    for (const [what, res] of Object.entries(answers)) assertBaseline(res.headers, what);
  });

  test('the OpenAPI document still answers as JSON', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    assert.match(res.json().openapi, /^3\./);
  });

  test('a new webhook secret is never cached, nor is its idempotent replay', async () => {
    const key = randomUUID();
    const send = () =>
      gw.app.inject({
        method: 'POST',
        url: '/v1/webhook_endpoints',
        headers: { ...auth(), 'idempotency-key': key },
        payload: { url: 'http://127.0.0.1:9/hooks', enabled_events: ['*'] },
      });
    const first = await send();
    assert.equal(first.statusCode, 201);
    assert.match(first.json().secret, /^whsec_/);
    assert.equal(first.headers['cache-control'], 'no-store');
    const replay = await send();
    assert.equal(replay.headers['idempotent-replayed'], 'true');
    assert.equal(replay.headers['cache-control'], 'no-store');
  });

  test('no HSTS while the public URL is http', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.headers['strict-transport-security'], undefined);
  });
});

describe('Bawaba’s own HTML pages', () => {
  test('the sandbox page allows exactly its inline stylesheet, by hash, and loads nothing else', async () => {
    const res = await gw.app.inject({ method: 'GET', url: '/sandbox/return?payment_id=pay_x&status=captured' });
    assert.equal(res.statusCode, 200);
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    const style = /<style>([^<]*)<\/style>/.exec(res.body)?.[1];
    assert.ok(style, 'the page has one inline stylesheet');
    const hash = createHash('sha256').update(style).digest('base64');
    assert.match(csp, new RegExp(`style-src 'sha256-${hash.replace(/[+/=]/g, '\\$&')}'`));
    assert.doesNotMatch(res.body, /\sstyle=|<script|<link|src=|https?:\/\//);
  });

  test('the customer’s return page for an unknown payment gets the same policy', async () => {
    const res = await gw.app.inject({
      method: 'GET',
      url: '/return/checkout_com/pay_00000000000000000000000000',
      headers: { accept: 'text/html' },
    });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-security-policy']), /style-src 'sha256-/);
    assertBaseline(res.headers, 'return page');
  });
});

describe('with an https public URL', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  before(async () => {
    const config = testConfig({ publicUrl: 'https://pay.example.qa' });
    const core = await openCore(config);
    app = await createApp(config, core, createConnectors(config));
    close = async () => {
      await app.close();
      await core.database.close();
    };
  });
  after(() => close());

  test('answers carry HSTS for the gateway’s own host', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000');
  });

  test('answers written before routing carry the same headers helmet sets', async () => {
    const res = await app.inject({ method: 'GET', url: '/nowhere' });
    for (const [name, value] of Object.entries(rawSecurityHeaders({ hsts: true }))) {
      assert.equal(res.headers[name], value, name);
    }
  });
});

test('answers written before routing carry the same headers helmet sets (http public URL)', async () => {
  const res = await gw.app.inject({ method: 'GET', url: '/nowhere' });
  for (const [name, value] of Object.entries(rawSecurityHeaders({ hsts: false }))) {
    assert.equal(res.headers[name], value, name);
  }
  assert.equal(rawSecurityHeaders({ hsts: false })['strict-transport-security'], undefined);
});

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

// Every log line the gateway writes, captured at `info` (the request lines carry the URL).
const lines: string[] = [];
const logs = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway({ config: { logLevel: 'info' }, start: { logDestination: logs } });
});
after(async () => {
  await gw.close();
});

const logged = () => lines.join('');

describe('API keys in query strings', () => {
  test('are refused before authentication with 400 api_key_in_query, and never logged', async () => {
    const key = gw.merchant.key;
    for (const [url, param, headers] of [
      [`/v1/payments?api_key=${key}`, 'api_key', {}],
      [`/v1/payments?limit=1&access_token=${key}`, 'access_token', { authorization: `Bearer ${key}` }],
      [`/v1/payments?q=${key}`, 'q', {}],
      [`/v1/no_such_route?key=${encodeURIComponent(key)}`, 'key', {}],
      [`/v1/payments?secret_key=anything`, 'secret_key', {}],
    ] as const) {
      const start = lines.length;
      const res = await gw.app.inject({ method: 'GET', url, headers });
      assert.equal(res.statusCode, 400, url);
      const error = res.json().error;
      assert.equal(error.code, 'api_key_in_query', url);
      assert.equal(error.type, 'invalid_request_error');
      assert.equal(error.param, param);
      assert.match(error.message, /Authorization: Bearer/);
      assert.equal(error.request_id, res.headers['request-id']);
      const mine = lines.slice(start).join('');
      assert.match(mine, /\[redacted\]/, 'the request was logged, redacted');
    }
    const post = await gw.app.inject({
      method: 'POST',
      url: `/v1/payments?api_key=${key}`,
      payload: { amount: 100 },
    });
    assert.equal(post.statusCode, 400);
    assert.equal(post.json().error.code, 'api_key_in_query');
    assert.ok(!logged().includes(key), 'the key reached the log');
    assert.ok(!logged().includes(key.slice(8)), 'part of the key reached the log');
  });

  test('ordinary queries pass, and secrets in the URLs of public routes are redacted in the log', async () => {
    const ok = await gw.app.inject({
      method: 'GET',
      url: '/v1/payments?limit=2',
      headers: { authorization: `Bearer ${gw.merchant.key}` },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const start = lines.length;
    const res = await gw.app.inject({
      method: 'GET',
      url: `/return/checkout_com/pay_unknown?token=opaque-value-123&ref=${gw.other.key}`,
    });
    assert.equal(res.statusCode, 404);
    const mine = lines.slice(start).join('');
    assert.match(mine, /pay_unknown\?token=\[redacted\]&ref=\[redacted\]/);
    assert.ok(!mine.includes('opaque-value-123'));
    assert.ok(!logged().includes(gw.other.key));
  });
});

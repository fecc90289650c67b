import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ERROR_CODES } from '../../src/core/errors.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway();
});
after(() => gw.close());

describe('the reference pages, served by the gateway itself', () => {
  test('/docs is the API reference over the OpenAPI document, with no key and nothing from other hosts', async () => {
    const page = await gw.app.inject({ method: 'GET', url: '/docs' });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.doesNotMatch(page.body, /(src|href)="(https?:)?\/\/(?!localhost)/, 'no asset from another host');
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /https?:/, 'the CSP names no other host');
    const spec = await gw.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(spec.statusCode, 200);
    assert.ok(spec.json().paths['/v1/payments'], 'the document the API is built from');
  });

  test('/docs/errors has a row, with an anchor, for every error code; each error names its row', async () => {
    const page = await gw.app.inject({ method: 'GET', url: '/docs/errors' });
    assert.equal(page.statusCode, 200);
    for (const code of Object.keys(ERROR_CODES)) assert.match(page.body, new RegExp(`<tr id="${code}">`), code);
    assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
    const refused = await gw.app.inject({ method: 'GET', url: '/v1/payments/pay_nope' });
    assert.equal(refused.statusCode, 401);
    const { doc_url: docUrl, code } = refused.json().error;
    assert.equal(docUrl, `${gw.url}/docs/errors#${code}`);
  });
});

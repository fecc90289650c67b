import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

let gw: TestGateway;
before(async () => {
  gw = await createTestGateway();
});
after(() => gw.close());

const put = (connector: string, credentials: Record<string, string>, settings: Record<string, string>) =>
  gw.app.inject({
    method: 'PUT',
    url: `/v1/connectors/${connector}`,
    headers: { authorization: `Bearer ${gw.merchant.key}` },
    payload: { credentials, settings },
  });

function assertRefused(res: { statusCode: number; json(): unknown }, param: string, what: string) {
  assert.equal(res.statusCode, 400, what);
  const { error } = res.json() as { error: Record<string, unknown> };
  assert.equal(error.code, 'parameter_invalid', what);
  assert.equal(error.param, param, what);
  assert.match(String(error.message), new RegExp(`^${param.replace('.', '\\.')} must`), what);
}

describe('connector settings a provider checks', () => {
  test('Checkout.com: settings.prefix is letters and digits only', async () => {
    const creds = { secret_key: 'sk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa' };
    for (const prefix of ['a1b2.evil.example', 'a1-b2', 'https://a1b2', 'a b', '']) {
      assertRefused(await put('checkout_com', creds, { prefix }), 'settings.prefix', prefix);
    }
    const ok = await put('checkout_com', creds, { prefix: 'a1b2c3d4' });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((ok.json() as { settings: Record<string, string> }).settings.prefix, 'a1b2c3d4');
  });

  test('Qattah: settings.auth_scheme is bearer or bare', async () => {
    const creds = { api_token: 'qattah-token-0123456789abcdef' };
    for (const scheme of ['Bearer', 'token', '']) {
      assertRefused(await put('qattah', creds, { auth_scheme: scheme }), 'settings.auth_scheme', scheme);
    }
    for (const scheme of ['bearer', 'bare']) {
      const ok = await put('qattah', creds, { auth_scheme: scheme });
      assert.equal(ok.statusCode, 200, ok.body);
    }
  });
});

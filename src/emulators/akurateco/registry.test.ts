import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startEmulator } from '../registry.ts';
import { expectedHash } from './test-support.ts';

test("startEmulator('akurateco') listens, describes itself and accepts its credentials", async () => {
  const emu = await startEmulator('akurateco');
  try {
    const { secretKey, publicKey, webhookSignatureKey } = emu.credentials;
    assert.match(secretKey, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(publicKey, secretKey);
    assert.match(webhookSignatureKey, /^[a-z0-9]{32}$/);
    const text = emu.describe().join('\n');
    for (const part of [emu.baseUrl, secretKey, webhookSignatureKey, '4111111111111111', '/__control/']) {
      assert.ok(text.includes(part), part);
    }
    const order = { number: 'r-1', amount: '5.00', currency: 'QAR', description: 'registry' };
    const res = await fetch(`${emu.baseUrl}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        merchant_key: secretKey,
        operation: 'purchase',
        success_url: 'https://shop.example/ok',
        order,
        hash: expectedHash(order.number, order.amount, order.currency, order.description, webhookSignatureKey),
      }),
    });
    assert.equal(res.status, 200);
    const { redirect_url: url } = (await res.json()) as { redirect_url: string };
    assert.ok(url.startsWith(`${emu.baseUrl}/checkout/`));
    assert.equal((await fetch(url)).status, 200);
    assert.equal(emu.control.listPayments().length, 1);
    emu.control.reset();
    assert.equal(emu.control.listPayments().length, 0);
  } finally {
    await emu.close();
  }
});

test('given credentials are used as they are', async () => {
  const key = '5b6492f0-f8f5-11ea-976a-0242c0a85007';
  const emu = await startEmulator('akurateco', { secretKey: key, webhookSignatureKey: 'pw' });
  try {
    assert.deepEqual(emu.credentials, { secretKey: key, publicKey: key, webhookSignatureKey: 'pw' });
  } finally {
    await emu.close();
  }
});

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { banner } from '../../src/cli/commands/serve.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { startGateway } from '../../src/main.ts';
import { freeEmulatorPorts } from '../support/emulator-ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'bawaba-start-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const env = {
  PORT: '0',
  ...freeEmulatorPorts(),
  BAWABA_DATA_DIR: dir,
  LOG_LEVEL: 'silent',
};

test('first start: sandbox account, a saved test key, the emulator, and a banner with a curl to paste', async () => {
  const gw = await startGateway(loadConfig(env));
  try {
    assert.equal(gw.sandboxKey?.created, true);
    const key = gw.sandboxKey?.secret ?? '';
    assert.match(key, /^sk_test_[0-9A-Za-z]{32}$/);
    assert.equal(readFileSync(join(dir, 'test-api-key.txt'), 'utf8').trim(), key);
    const text = banner(gw, 'sandbox');
    assert.ok(text.includes(gw.url));
    assert.ok(text.includes(`Authorization: Bearer ${key}`));
    assert.ok(text.includes(gw.emulators[0]?.baseUrl ?? 'missing'));

    const res = await fetch(`${gw.url}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'start-1', 'content-type': 'application/json' },
      body: JSON.stringify({
        amount: 100,
        currency: 'QAR',
        payment_method: 'qpay',
        return_url: `${gw.url}/sandbox/return`,
      }),
    });
    assert.equal(res.status, 201);
    const payment = (await res.json()) as { id: string; provider_payment_id: string };
    // With PORT=0 the return route given to the provider must carry the real port.
    const port = new URL(gw.url).port;
    const provider = gw.emulators[0]?.control as { getPayment(id: string): Record<string, unknown> | undefined };
    assert.equal(
      provider.getPayment(payment.provider_payment_id)?.success_url,
      `http://localhost:${port}/return/checkout_com/${payment.id}`,
    );
  } finally {
    await gw.close();
  }
});

test('a restart keeps the account and prints the saved key', async () => {
  const gw = await startGateway(loadConfig(env));
  try {
    assert.equal(gw.sandboxKey?.created, false);
    assert.equal(gw.sandboxKey?.secret, readFileSync(join(dir, 'test-api-key.txt'), 'utf8').trim());
    assert.match(banner(gw, 'sandbox'), /\(from .*test-api-key\.txt\)/);
  } finally {
    await gw.close();
  }
});

test('a changed encryption key is named at start, and nothing is left running', async () => {
  const keyFile = join(dir, 'encryption.key');
  const original = readFileSync(keyFile, 'utf8');
  writeFileSync(keyFile, `${'b'.repeat(64)}\n`);
  try {
    await assert.rejects(startGateway(loadConfig(env)), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /encryption\.key/);
      return true;
    });
  } finally {
    writeFileSync(keyFile, original);
  }
});

test('configuration errors name the variable', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT must be an integer/);
  assert.throws(() => loadConfig({ BAWABA_MODE: 'live' }), /BAWABA_MODE must be one of sandbox, production/);
  assert.throws(() => loadConfig({ BAWABA_MODE: 'production' }), /BAWABA_ENCRYPTION_KEY is required/);
  assert.throws(() => loadConfig({ BAWABA_PUBLIC_URL: 'bawaba.example' }), /BAWABA_PUBLIC_URL must be an absolute/);
  assert.equal(loadConfig({}).databaseUrl, 'sqlite:./data/bawaba.db');
});

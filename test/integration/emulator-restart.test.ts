import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { startGateway } from '../../src/main.ts';
import { freePort } from '../soak/gateway-process.ts';
import { freeEmulatorPorts } from '../support/emulator-ports.ts';
import { PAYMENT_BODY } from '../support/gateway.ts';
import { waitFor } from '../support/wait.ts';

const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

async function settings(dir: string, extra: Record<string, string> = {}) {
  // The same ports on both starts, as `npm start` has: the payment's links name them.
  return {
    PORT: String(await freePort()),
    ...freeEmulatorPorts(),
    BAWABA_EMULATOR_CHECKOUT_COM_PORT: String(await freePort()),
    BAWABA_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

async function createQpayPayment(url: string, key: string): Promise<{ id: string; next_action: { url: string } }> {
  const res = await fetch(`${url}/v1/payments`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'idempotency-key': 'restart-1', 'content-type': 'application/json' },
    body: JSON.stringify({ ...PAYMENT_BODY, connector: 'checkout_com' }),
  });
  assert.equal(res.status, 201, await res.clone().text());
  const payment = (await res.json()) as { id: string; status: string; next_action: { url: string } };
  assert.equal(payment.status, 'requires_action');
  return payment;
}

test('after a restart of the sandbox, a pending QPay payment still opens and captures when paid', async () => {
  const dir = tempDir('bawaba-emulator-restart-');
  const env = await settings(dir);
  const first = await startGateway(loadConfig(env));
  let payment: { id: string; next_action: { url: string } };
  let key: string;
  try {
    key = first.sandboxKey?.secret ?? '';
    payment = await createQpayPayment(first.url, key);
  } finally {
    await first.close();
  }
  assert.ok(existsSync(join(dir, 'emulators.sqlite')), 'the emulators keep their state in the data dir');

  const second = await startGateway(loadConfig(env));
  try {
    const page = await fetch(payment.next_action.url);
    assert.equal(page.status, 200, 'the hosted page still opens');
    const pageUrl = new URL(page.url);
    const pun = pageUrl.searchParams.get('pun') ?? '';
    assert.ok(pun, `a QPay page: ${page.url}`);
    const paid = await fetch(new URL('/qpay-external/pay', pageUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ pun, card_number: '4215375500883243', expiry: '12/99', pin: '677', otp: '123456' }),
      redirect: 'manual',
    });
    assert.equal(paid.status, 303, await paid.clone().text());
    // The customer comes back to the gateway, which asks the emulator: it still knows the payment.
    const back = await fetch(paid.headers.get('location') ?? '', { redirect: 'manual' });
    assert.ok(back.status < 400, `return answered ${back.status}`);
    await waitFor(
      async () => {
        const res = await fetch(`${second.url}/v1/payments/${payment.id}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        return ((await res.json()) as { status: string }).status === 'captured';
      },
      10_000,
      'the payment captured at the gateway',
    );
  } finally {
    await second.close();
  }
});

test('BAWABA_EMULATOR_STATE=memory writes no emulator file', async () => {
  const dir = tempDir('bawaba-emulator-memory-');
  const gw = await startGateway(loadConfig(await settings(dir, { BAWABA_EMULATOR_STATE: 'memory' })));
  try {
    await createQpayPayment(gw.url, gw.sandboxKey?.secret ?? '');
  } finally {
    await gw.close();
  }
  assert.equal(existsSync(join(dir, 'emulators.sqlite')), false);
});

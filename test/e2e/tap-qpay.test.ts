/**
 * QPay through Tap in a real browser, and routing failover: with Checkout.com unavailable at
 * creation, a QPay payment is made through Tap and the customer pays there. Needs Chromium at
 * /usr/bin/chromium (CHROMIUM_PATH); skipped without it, except with CI=true where it fails.
 * Screenshots go to test-results/.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import type { CheckoutComControl } from '../../src/emulators/checkout-com/control.ts';
import { type Gateway, startGateway } from '../../src/main.ts';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SHOTS = join(import.meta.dirname, '..', '..', 'test-results');
const missing = existsSync(CHROMIUM_PATH) ? undefined : `Chromium not found at ${CHROMIUM_PATH}`;

if (missing && process.env.CI === 'true') {
  test('Chromium is installed (CI=true: browser tests must not be skipped)', () => assert.fail(missing));
}

describe('Tap QPay and failover in a real browser', {
  skip: missing ? `${missing}; browser tests skipped` : false,
}, () => {
  let gateway: Gateway;
  let browser: Browser;
  let merchant: Server;
  let merchantUrl: string;
  let key: string;
  let dir: string;

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'bawaba-e2e-tap-'));
    merchant = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://merchant');
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<p id="result">${url.searchParams.get('status')}</p>`);
    });
    await new Promise<void>((r) => merchant.listen(0, '127.0.0.1', r));
    merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/thanks`;
    gateway = await startGateway(
      loadConfig({
        PORT: '0',
        BAWABA_DATA_DIR: dir,
        BAWABA_EMULATOR_CHECKOUT_COM_PORT: '0',
        BAWABA_EMULATOR_AKURATECO_PORT: '0',
        BAWABA_EMULATOR_TAP_PORT: '0',
        BAWABA_PROVIDER_TIMEOUT_MS: '1500',
        LOG_LEVEL: 'silent',
      }),
    );
    key = gateway.sandboxKey?.secret ?? '';
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    await gateway?.close();
    await new Promise<void>((r) => merchant.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  async function create(body: Record<string, unknown>) {
    const res = await fetch(`${gateway.url}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      body: JSON.stringify({
        amount: 2500,
        currency: 'QAR',
        payment_method: 'qpay',
        return_url: merchantUrl,
        description: 'Order 2001',
        customer: { name: 'Mariam Al-Thani', email: 'mariam@example.qa', phone: '+97455501234' },
        ...body,
      }),
    });
    const json = (await res.json()) as {
      id: string;
      connector: string;
      next_action: { url: string };
      connector_attempts: { reason: string }[];
    };
    assert.equal(res.status, 201, JSON.stringify(json));
    return json;
  }

  async function pay(page: Page, url: string, pin: string, shot: string): Promise<string> {
    await page.goto(url);
    await page.locator('input[name="card_number"]').fill('4215375500883243');
    await page.locator('input[name="expiry"]').fill('12/30');
    await page.locator('input[name="pin"]').fill(pin);
    await page.locator('input[name="otp"]').fill('123456');
    await page.screenshot({ path: join(SHOTS, `tap-qpay-${shot}-hosted-page.png`), fullPage: true });
    await page.locator('#pay').click();
    await page.waitForURL((u) => u.href.startsWith(merchantUrl), { timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, `tap-qpay-${shot}-merchant.png`), fullPage: true });
    return new URL(page.url()).searchParams.get('status') ?? '';
  }

  for (const [pin, status] of [
    ['677', 'captured'],
    ['1234', 'failed'],
  ] as const) {
    test(`through Tap: PIN ${pin} → ${status}`, async () => {
      const p = await create({ connector: 'tap' });
      assert.equal(p.connector, 'tap');
      const page = await browser.newPage();
      try {
        assert.equal(await pay(page, p.next_action.url, pin, status), status);
      } finally {
        await page.close();
      }
      const stored = await fetch(`${gateway.url}/v1/payments/${p.id}`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(((await stored.json()) as { status: string }).status, status);
    });
  }

  test('Checkout.com unavailable → the payment goes to Tap and completes there', async () => {
    const cko = gateway.emulators.find((e) => e.name === 'checkout_com')?.control as CheckoutComControl;
    cko.addFault({ kind: 'server_error', count: 1, match: 'create' });
    const p = await create({});
    assert.equal(p.connector, 'tap');
    assert.equal(p.connector_attempts[0]?.reason, 'server_error');
    const page = await browser.newPage();
    try {
      assert.equal(await pay(page, p.next_action.url, '677', 'failover'), 'captured');
    } finally {
      await page.close();
    }
  });
});

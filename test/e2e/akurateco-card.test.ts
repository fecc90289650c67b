/**
 * Card payments on the Akurateco (TESS) hosted checkout in a real browser: paid, declined, and a
 * session that expired (the emulator's clock moved past its 60 minutes). Needs Chromium at
 * /usr/bin/chromium (CHROMIUM_PATH); skipped without it, except with CI=true where it fails.
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
import type { AkuratecoControl } from '../../src/emulators/akurateco/control.ts';
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

describe('Akurateco card checkout in a real browser', {
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
    dir = mkdtempSync(join(tmpdir(), 'bawaba-e2e-ak-'));
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
        BAWABA_EMULATOR_TAP_PORT: '0',
        BAWABA_EMULATOR_AKURATECO_PORT: '0',
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

  async function create(order: string) {
    const res = await fetch(`${gateway.url}/v1/payments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
      body: JSON.stringify({
        amount: 30100,
        currency: 'QAR',
        payment_method: 'card',
        return_url: merchantUrl,
        description: `Order ${order}`,
        customer: { name: 'Mariam Al-Thani', email: 'mariam@example.qa' },
      }),
    });
    const json = (await res.json()) as { id: string; connector: string; next_action: { url: string } };
    assert.equal(res.status, 201, JSON.stringify(json));
    assert.equal(json.connector, 'akurateco');
    return json;
  }

  async function landed(page: Page, shot: string): Promise<string> {
    await page.waitForURL((u) => u.href.startsWith(merchantUrl), { timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, `akurateco-${shot}-merchant.png`), fullPage: true });
    return new URL(page.url()).searchParams.get('status') ?? '';
  }

  async function payWith(page: Page, url: string, expiry: string, shot: string): Promise<string> {
    await page.goto(url);
    await page.locator('input[name="card_number"]').fill('4111111111111111');
    await page.locator('input[name="expiry"]').fill(expiry);
    await page.locator('input[name="cvv"]').fill('411');
    await page.locator('input[name="card_holder"]').fill('Mariam Al-Thani');
    await page.screenshot({ path: join(SHOTS, `akurateco-${shot}-hosted-page.png`), fullPage: true });
    await page.locator('#pay').click();
    return landed(page, shot);
  }

  for (const [expiry, status, shot] of [
    ['01/25', 'captured', 'paid'],
    ['02/25', 'failed', 'declined'],
  ] as const) {
    test(`test card with expiry ${expiry} → ${status}`, async () => {
      const p = await create(shot);
      const page = await browser.newPage();
      try {
        assert.equal(await payWith(page, p.next_action.url, expiry, shot), status);
      } finally {
        await page.close();
      }
      const stored = await fetch(`${gateway.url}/v1/payments/${p.id}`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(((await stored.json()) as { status: string }).status, status);
    });
  }

  test('an expired session sends the customer back, and nothing is paid', async () => {
    const p = await create('expired');
    const emulator = gateway.emulators.find((e) => e.name === 'akurateco')?.control as AkuratecoControl;
    emulator.advanceClock(61 * 60_000);
    const page = await browser.newPage();
    try {
      await page.goto(p.next_action.url);
      const status = await landed(page, 'expired');
      assert.notEqual(status, 'captured');
    } finally {
      await page.close();
    }
    const stored = (await (
      await fetch(`${gateway.url}/v1/payments/${p.id}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as {
      status: string;
      failure_message: string | null;
    };
    assert.notEqual(stored.status, 'captured');
    assert.equal(stored.status, 'failed');
    assert.match(stored.failure_message ?? '', /expired/i);
  });
});

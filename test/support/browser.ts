import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import { type Gateway, startGateway } from '../../src/main.ts';
import { freeEmulatorPorts } from './emulator-ports.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** Where browser tests save their screenshots (gitignored). */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results');

/** A phone-sized context (360 px wide, 2× pixels) in `locale`, waiting at most `timeoutMs` for anything. */
export async function phoneContext(
  browser: Browser,
  locale: string,
  timeoutMs: number,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, locale });
  context.setDefaultTimeout(timeoutMs);
  context.setDefaultNavigationTimeout(timeoutMs);
  return { context, page: await context.newPage() };
}

/** The whole page as `<dir>/<name>.png`. */
export function screenshot(page: Page, dir: string, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

/** The page never scrolls sideways on the phone. */
export async function assertFits(page: Page): Promise<void> {
  const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth'));
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
}

const missing = existsSync(CHROMIUM_PATH) ? undefined : `Chromium not found at ${CHROMIUM_PATH}`;

/**
 * The `skip` option of a browser suite: skipped without Chromium on a laptop, while with
 * CI=true a missing browser registers a failing test instead.
 */
export function browserSkip(): string | false {
  if (!missing) return false;
  if (process.env.CI === 'true') {
    test('Chromium is installed (CI=true: browser tests must not be skipped)', () => assert.fail(missing));
  }
  return `${missing}; browser tests skipped`;
}

/** A sandbox gateway on loopback with a merchant "thank you" page and a browser. */
export interface BrowserSandbox {
  readonly gateway: Gateway;
  readonly browser: Browser;
  readonly key: string;
  /** The merchant's return page; it shows the `status` it was sent back with. */
  readonly merchantUrl: string;
  /** Creates a payment through the API (201 asserted). */
  create(
    body: Record<string, unknown>,
  ): Promise<{ id: string; connector: string; next_action: { url: string }; connector_attempts: { reason: string }[] }>;
  /** The payment's status through the API. */
  status(id: string): Promise<string>;
  close(): Promise<void>;
}

export async function startBrowserSandbox(env: Record<string, string> = {}): Promise<BrowserSandbox> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'bawaba-e2e-'));
  const merchant = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant');
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<p id="result">${url.searchParams.get('status')}</p>`);
  });
  await new Promise<void>((r) => merchant.listen(0, '127.0.0.1', r));
  const merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/thanks`;
  const gateway = await startGateway(
    loadConfig({
      PORT: '0',
      BAWABA_DATA_DIR: dir,
      ...freeEmulatorPorts(),
      BAWABA_EMULATOR_STATE: 'memory',
      LOG_LEVEL: 'silent',
      ...env,
    }),
  );
  const key = gateway.sandboxKey?.secret ?? '';
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
  const headers = { authorization: `Bearer ${key}` };
  return {
    gateway,
    browser,
    key,
    merchantUrl,
    async create(body) {
      const res = await fetch(`${gateway.url}/v1/payments`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': randomUUID(), 'content-type': 'application/json' },
        body: JSON.stringify({ return_url: merchantUrl, ...body }),
      });
      const json = await res.json();
      assert.equal(res.status, 201, JSON.stringify(json));
      return json as Awaited<ReturnType<BrowserSandbox['create']>>;
    },
    async status(id) {
      const res = await fetch(`${gateway.url}/v1/payments/${id}`, { headers });
      return ((await res.json()) as { status: string }).status;
    },
    async close() {
      await browser.close();
      await gateway.close();
      await new Promise<void>((r) => merchant.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

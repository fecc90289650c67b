/**
 * The customer's whole round trip through a real browser: the merchant creates a payment
 * through the API, the customer pays (or cancels) on the Checkout.com QPay emulator's hosted
 * page, Bawaba's return route checks the outcome with the provider, and the browser lands on
 * the merchant's return_url with the payment's status.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH). Without it the tests are skipped,
 * except when CI=true, where a missing browser fails the run.
 * Screenshots go to test-results/ (gitignored).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import type { CheckoutComControl } from '../../src/emulators/checkout-com/control.ts';
import { type Gateway, startGateway } from '../../src/main.ts';
import { freeEmulatorPorts } from '../support/emulator-ports.ts';

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results');
const TIMEOUT_MS = 15_000;

const TEST_CARD = '4215375500883243';
const APPROVING_PIN = '677';

const missingBrowser = existsSync(CHROMIUM_PATH)
  ? undefined
  : `Chromium not found at ${CHROMIUM_PATH} (install the chromium package or set CHROMIUM_PATH)`;
const skip = missingBrowser === undefined ? false : `${missingBrowser}; browser tests skipped`;

type ApiPayment = {
  id: string;
  status: string;
  failure_code: string | null;
  provider_payment_id: string | null;
  next_action: { type: 'redirect'; url: string } | null;
};

let gateway: Gateway;
let apiKey: string;
let merchant: { server: Server; url: string };
let browser: Browser;
let dataDir: string;

/** A port nothing listens on right now, so BAWABA_PUBLIC_URL can name it before the start. */
async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The merchant's shop: `/thanks` shows the order, payment id and status it was sent back with. */
function merchantPage(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://merchant.invalid');
  if (url.pathname !== '/thanks') {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    return;
  }
  const order = escapeHtml(url.searchParams.get('order') ?? '?');
  const id = escapeHtml(url.searchParams.get('payment_id') ?? '(none)');
  const status = escapeHtml(url.searchParams.get('status') ?? '(none)');
  res
    .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop – order ${order}</title></head>` +
        `<body style="font-family:sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem">` +
        `<h1>Demo shop</h1><p id="result" style="font-size:1.25rem">Order ${order}: payment ` +
        `<code id="payment-id">${id}</code> is <strong id="status">${status}</strong></p></body></html>`,
    );
}

async function startMerchant(): Promise<{ server: Server; url: string }> {
  const server = createServer(merchantPage);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

async function api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = randomUUID();
  }
  const res = await fetch(`${gateway.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

async function createPayment(order: string): Promise<ApiPayment> {
  const res = await api('POST', '/v1/payments', {
    amount: 1500,
    currency: 'QAR',
    payment_method: 'qpay',
    return_url: `${merchant.url}/thanks?order=${order}`,
    description: `Order ${order}`,
    customer: { national_id: '28463400123' },
  });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  const payment = res.json as ApiPayment;
  assert.equal(payment.status, 'requires_action');
  assert.equal(payment.next_action?.type, 'redirect');
  return payment;
}

async function getPayment(id: string): Promise<ApiPayment> {
  const res = await api('GET', `/v1/payments/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json as ApiPayment;
}

/** A fresh browser context (no cookies or storage shared between tests) and one page in it. */
async function openPage(): Promise<{ context: BrowserContext; page: Page; navigations: string[] }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 1000 } });
  context.setDefaultTimeout(TIMEOUT_MS);
  context.setDefaultNavigationTimeout(TIMEOUT_MS);
  const page = await context.newPage();
  // Every top-level request, redirect hops included, to see the browser pass through Bawaba.
  const navigations: string[] = [];
  page.on('request', (request) => {
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) navigations.push(request.url());
  });
  return { context, page, navigations };
}

async function fillCard(page: Page, card: { number?: string; expiry?: string; pin: string; otp?: string }) {
  await page.locator('input[name="card_number"]').fill(card.number ?? TEST_CARD);
  await page.locator('input[name="expiry"]').fill(card.expiry ?? '12/30');
  await page.locator('input[name="pin"]').fill(card.pin);
  await page.locator('input[name="otp"]').fill(card.otp ?? '123456');
}

function screenshot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: join(SCREENSHOTS, `checkout-com-qpay-${name}.png`), fullPage: true });
}

/** Waits for the merchant's thank-you page and checks what the browser was sent back with. */
async function expectMerchantResult(page: Page, payment: ApiPayment, order: string, status: string): Promise<void> {
  await page.waitForURL((url) => url.href.startsWith(`${merchant.url}/thanks?`), { timeout: TIMEOUT_MS });
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('order'), order, 'the merchant’s own query survives');
  assert.equal(url.searchParams.get('payment_id'), payment.id);
  assert.equal(url.searchParams.get('status'), status);
  const text = await page.locator('#result').textContent({ timeout: TIMEOUT_MS });
  assert.equal(text, `Order ${order}: payment ${payment.id} is ${status}`);
}

function assertReturnedThroughBawaba(navigations: readonly string[], payment: ApiPayment): void {
  const returnRoute = `${gateway.url}/return/checkout_com/${payment.id}`;
  assert.ok(
    navigations.some((url) => url.startsWith(returnRoute)),
    `the browser should pass through ${returnRoute}; it went: ${navigations.join(' → ')}`,
  );
}

if (missingBrowser !== undefined && process.env.CI === 'true') {
  test('Chromium is installed (CI=true: the browser round trip must not be skipped)', () => {
    assert.fail(`${missingBrowser}. CI=true, so the browser tests cannot be skipped.`);
  });
}

describe('Checkout.com QPay: the customer pays in a real browser', { skip }, () => {
  before(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'bawaba-e2e-'));
    merchant = await startMerchant();
    const port = await freePort();
    gateway = await startGateway(
      loadConfig({
        PORT: String(port),
        HOST: '127.0.0.1',
        BAWABA_PUBLIC_URL: `http://127.0.0.1:${port}`,
        BAWABA_MODE: 'sandbox',
        BAWABA_DATA_DIR: dataDir,
        BAWABA_EMULATOR_HOST: '127.0.0.1',
        ...freeEmulatorPorts(),
        LOG_LEVEL: 'silent',
      }),
    );
    assert.ok(gateway.sandboxKey?.secret, 'a fresh sandbox data dir gets a test API key');
    apiKey = gateway.sandboxKey.secret;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await gateway?.close();
    if (merchant) await new Promise<void>((resolve) => merchant.server.close(() => resolve()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('the right PIN captures the payment and the customer lands on the return_url', async () => {
    const payment = await createPayment('1001');
    const { context, page, navigations } = await openPage();
    try {
      await page.goto(payment.next_action!.url);
      await page.locator('#amount').getByText('QAR 15.00').waitFor();
      await fillCard(page, { pin: APPROVING_PIN });
      await screenshot(page, 'captured-hosted-page');
      await page.locator('#pay').click();
      await expectMerchantResult(page, payment, '1001', 'captured');
      await screenshot(page, 'captured-merchant');
      assertReturnedThroughBawaba(navigations, payment);
    } finally {
      await context.close();
    }
    const stored = await getPayment(payment.id);
    assert.equal(stored.status, 'captured');
    assert.equal(stored.next_action, null);
    assert.equal(stored.failure_code, null);
  });

  test('paid in the browser, then refunded through the API once QPay approves the refund', async () => {
    const payment = await createPayment('1005');
    const { context, page } = await openPage();
    try {
      await page.goto(payment.next_action!.url);
      await fillCard(page, { pin: APPROVING_PIN });
      await page.locator('#pay').click();
      await expectMerchantResult(page, payment, '1005', 'captured');
    } finally {
      await context.close();
    }
    const created = await api('POST', `/v1/payments/${payment.id}/refunds`, {
      amount: 500,
      reason: 'one item returned',
    });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const refund = created.json as { id: string; status: string; provider_refund_id: string };
    assert.equal(refund.status, 'pending');
    const control = gateway.emulators[0]?.control as CheckoutComControl;
    assert.ok(control.approveRefund(refund.provider_refund_id).ok);
    const deadline = Date.now() + TIMEOUT_MS;
    let stored = await getPayment(payment.id);
    while (stored.status !== 'partially_refunded' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      stored = await getPayment(payment.id);
    }
    assert.equal(stored.status, 'partially_refunded');
    assert.equal((stored as ApiPayment & { amount_refunded: number }).amount_refunded, 500);
    const after = (await api('GET', `/v1/refunds/${refund.id}`)).json as { status: string };
    assert.equal(after.status, 'succeeded');
  });

  test('a wrong PIN fails the payment with provider_declined', async () => {
    const payment = await createPayment('1002');
    const { context, page, navigations } = await openPage();
    try {
      await page.goto(payment.next_action!.url);
      await fillCard(page, { pin: '1234' });
      await screenshot(page, 'failed-hosted-page');
      await page.locator('#pay').click();
      await expectMerchantResult(page, payment, '1002', 'failed');
      await screenshot(page, 'failed-merchant');
      assertReturnedThroughBawaba(navigations, payment);
    } finally {
      await context.close();
    }
    const stored = await getPayment(payment.id);
    assert.equal(stored.status, 'failed');
    assert.equal(stored.failure_code, 'provider_declined');
    assert.equal(stored.next_action, null);
  });

  test('Cancel cancels the payment', async () => {
    const payment = await createPayment('1003');
    const { context, page, navigations } = await openPage();
    try {
      await page.goto(payment.next_action!.url);
      await screenshot(page, 'canceled-hosted-page');
      await page.locator('#cancel').click();
      await expectMerchantResult(page, payment, '1003', 'canceled');
      await screenshot(page, 'canceled-merchant');
      assertReturnedThroughBawaba(navigations, payment);
    } finally {
      await context.close();
    }
    const stored = await getPayment(payment.id);
    assert.equal(stored.status, 'canceled');
    assert.equal(stored.next_action, null);
  });

  test('the Arabic page is right-to-left, and paying from it works', async () => {
    const payment = await createPayment('1004');
    const { context, page } = await openPage();
    try {
      await page.goto(payment.next_action!.url);
      assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
      await page.locator('#lang-switch').click();
      await page.waitForURL((url) => url.searchParams.get('lang') === 'ar', { timeout: TIMEOUT_MS });
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
      await page.locator('#pay').getByText('ادفع').waitFor();
      await fillCard(page, { pin: APPROVING_PIN });
      await screenshot(page, 'arabic-hosted-page');
      await page.locator('#pay').click();
      await expectMerchantResult(page, payment, '1004', 'captured');
    } finally {
      await context.close();
    }
    assert.equal((await getPayment(payment.id)).status, 'captured');
  });

  test('an invalid card number is shown as an error and changes nothing', async () => {
    const payment = await createPayment('1005');
    const { context, page } = await openPage();
    try {
      await page.goto(payment.next_action!.url);
      // One digit off the test card: 16 digits, but the Luhn check fails.
      await fillCard(page, { number: '4215375500883244', pin: APPROVING_PIN });
      await page.locator('#pay').click();
      const error = page.locator('#f-card_number-error');
      await error.waitFor({ state: 'visible' });
      assert.match((await error.textContent()) ?? '', /card number is not valid/);
      assert.equal(await page.locator('input[name="card_number"]').getAttribute('aria-invalid'), 'true');
      await page.getByRole('alert').waitFor({ state: 'visible' });
      assert.ok(!page.url().startsWith(merchant.url), 'the customer stays on the payment page');
      await screenshot(page, 'invalid-card-hosted-page');
    } finally {
      await context.close();
    }
    const stored = await getPayment(payment.id);
    assert.equal(stored.status, 'requires_action');
    assert.equal(stored.next_action?.url, payment.next_action!.url);
    assert.ok(payment.provider_payment_id);
    const emulator = gateway.emulators[0]?.control as CheckoutComControl;
    assert.equal(emulator.getPayment(payment.provider_payment_id)?.status, 'Pending', 'nothing reached the provider');
  });
});

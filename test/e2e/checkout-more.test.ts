/**
 * Bawaba Checkout in a real browser, on a 360-px-wide phone, continued: a card payment declined
 * on the Akurateco page, then QPay chosen on the same session and paid (one captured payment,
 * the session complete); and a session whose time ran out, in English and in Arabic: a clear
 * expired page, no method to choose, and a form posted from a page opened before the expiry
 * makes no payment.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH); skipped without it unless CI=true.
 * Screenshots go to /tmp/bawaba-checkout-more/ (or BAWABA_CHECKOUT_MORE_SCREENSHOTS).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadConfig } from '../../src/config.ts';
import type { Clock } from '../../src/core/clock.ts';
import { type Gateway, startGateway } from '../../src/main.ts';
import {
  assertFits,
  type BrowserSandbox,
  browserSkip,
  phoneContext,
  screenshot,
  startBrowserSandbox,
} from '../support/browser.ts';
import { freeEmulatorPorts } from '../support/emulator-ports.ts';
import { waitForValue } from '../support/wait.ts';

const SHOTS = process.env.BAWABA_CHECKOUT_MORE_SCREENSHOTS ?? '/tmp/bawaba-checkout-more';
const TIMEOUT_MS = 15_000;
/** The Checkout.com emulator's QPay test card and the PIN it approves. */
const QPAY_CARD = '4215375500883243';
const APPROVING_PIN = '677';
/** The Akurateco test engine card: expiry month 02 declines (src/emulators/akurateco/outcomes.ts). */
const AKURATECO_CARD = '4111111111111111';
const AKURATECO_CVV = '411';
const DECLINING_EXPIRY = '02/30';

type Session = {
  id: string;
  url: string;
  status: string;
  expires_at: string;
  payment_id: string | null;
  payment_ids: string[];
};

/** A gateway the tests talk to: its address, its sandbox key, the merchant's return page. */
interface Target {
  readonly url: string;
  readonly key: string;
  readonly merchantUrl: string;
}

async function api(
  target: Target,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${target.key}`,
    'idempotency-key': randomUUID(),
  };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${target.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

async function createSession(target: Target, extra: Record<string, unknown> = {}): Promise<Session> {
  const res = await api(target, 'POST', '/v1/checkout_sessions', {
    amount: 4750,
    currency: 'QAR',
    success_url: `${target.merchantUrl}?order=2041`,
    cancel_url: `${target.merchantUrl}?order=2041&canceled=1`,
    description: 'Order 2041: 2 × karak, 1 × chips oman sandwich',
    reference: '2041',
    ...extra,
  });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json as Session;
}

async function getSession(target: Target, id: string): Promise<Session> {
  const res = await api(target, 'GET', `/v1/checkout_sessions/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json as Session;
}

async function paymentStatus(target: Target, id: string): Promise<string> {
  const res = await api(target, 'GET', `/v1/payments/${id}`);
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return (res.json as { status: string }).status;
}

const phone = (browser: Browser, locale: string) => phoneContext(browser, locale, TIMEOUT_MS);

const shot = (page: Page, name: string) => screenshot(page, SHOTS, name);

/** A merchant "thank you" page on loopback. */
async function startMerchant(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://merchant');
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<p id="result">${url.searchParams.get('status')}</p>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/thanks`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** The wall clock, plus however far a test moved it. */
function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms) => {
      offset += ms;
    },
  };
}

const skip = browserSkip();
let sandbox: BrowserSandbox;

before(async () => {
  if (skip) return;
  mkdirSync(SHOTS, { recursive: true });
  sandbox = await startBrowserSandbox();
});
after(() => sandbox?.close());

describe('Bawaba Checkout: a declined card, then QPay on the same session', { skip }, () => {
  let target: Target;
  before(() => {
    target = { url: sandbox.gateway.url, key: sandbox.key, merchantUrl: sandbox.merchantUrl };
  });

  test('the card is declined, the shopper picks QPay, pays and lands on success_url', async () => {
    const s = await createSession(target, { customer: { name: 'Mariam Al-Thani', email: 'mariam@example.qa' } });
    const { context, page } = await phone(sandbox.browser, 'en-QA');
    try {
      await page.goto(s.url);
      await page.locator('#method-card').click();
      // On the Akurateco card page: the test card with expiry month 02 is declined.
      await page.locator('input[name="card_number"]').waitFor();
      await page.locator('input[name="card_number"]').fill(AKURATECO_CARD);
      await page.locator('input[name="expiry"]').fill(DECLINING_EXPIRY);
      await page.locator('input[name="cvv"]').fill(AKURATECO_CVV);
      await page.locator('input[name="card_holder"]').fill('Mariam Al-Thani');
      await shot(page, 'en-1-card-provider');
      await page.locator('#pay').click();
      await page.waitForURL(/\/c\/[A-Za-z0-9_-]{32}\/result\?/);
      await page.getByRole('heading', { name: 'Payment not completed' }).waitFor();
      assert.match((await page.locator('main').textContent()) ?? '', /no money was taken/);
      await assertFits(page);
      await shot(page, 'en-2-card-declined');

      const declined = await getSession(target, s.id);
      assert.equal(declined.status, 'open', 'a declined payment leaves the session open');
      assert.equal(declined.payment_ids.length, 1);
      const cardPayment = declined.payment_ids[0] as string;
      assert.equal(await paymentStatus(target, cardPayment), 'failed');

      await page.locator('#retry').click();
      await page.locator('#method-qpay').waitFor();
      assert.match((await page.locator('.notice').textContent()) ?? '', /did not go through/);
      await shot(page, 'en-3-try-again');
      await page.locator('#method-qpay').click();
      await page.locator('input[name="card_number"]').waitFor();
      await page.locator('input[name="card_number"]').fill(QPAY_CARD);
      await page.locator('input[name="expiry"]').fill('12/30');
      await page.locator('input[name="pin"]').fill(APPROVING_PIN);
      await page.locator('input[name="otp"]').fill('123456');
      await page.locator('#pay').click();
      await page.waitForURL(/\/result\?/);
      await page.getByRole('heading', { name: 'Payment successful' }).waitFor();
      await shot(page, 'en-4-qpay-success');
      await page.locator('#continue').click();
      await page.waitForURL((url) => url.href.startsWith(target.merchantUrl));
      const landed = new URL(page.url());
      assert.equal(landed.searchParams.get('order'), '2041');
      assert.equal(landed.searchParams.get('checkout_session_id'), s.id);

      const done = await getSession(target, s.id);
      assert.equal(done.status, 'complete');
      assert.equal(done.payment_ids.length, 2);
      assert.equal(done.payment_ids[0], cardPayment);
      assert.equal(done.payment_id, done.payment_ids[1], 'the session points at the QPay payment');
      assert.equal(landed.searchParams.get('payment_id'), done.payment_id);
      const statuses = await Promise.all(done.payment_ids.map((id) => paymentStatus(target, id)));
      assert.deepEqual(statuses, ['failed', 'captured'], 'exactly one successful payment');
    } finally {
      await context.close();
    }
  });
});

describe('Bawaba Checkout: an expired session', { skip }, () => {
  let gateway: Gateway;
  let merchant: Awaited<ReturnType<typeof startMerchant>>;
  let dir: string;
  let target: Target;
  const clock = movableClock();

  before(async () => {
    // A second gateway, on a clock the test moves; the browser is the first one's.
    merchant = await startMerchant();
    dir = mkdtempSync(join(tmpdir(), 'bawaba-e2e-clock-'));
    gateway = await startGateway(
      loadConfig({
        PORT: '0',
        BAWABA_DATA_DIR: dir,
        ...freeEmulatorPorts(),
        LOG_LEVEL: 'silent',
      }),
      { clock },
    );
    target = { url: gateway.url, key: gateway.sandboxKey?.secret ?? '', merchantUrl: merchant.url };
  });
  after(async () => {
    await gateway?.close();
    await merchant?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The expired page: its title and text, no method, nothing to post, a way back to the merchant. */
  async function assertExpiredPage(page: Page, lang: 'en' | 'ar', title: string, text: RegExp): Promise<void> {
    await page.getByRole('heading', { name: title }).waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), lang);
    assert.equal(await page.locator('html').getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
    assert.match((await page.locator('main').textContent()) ?? '', text);
    assert.equal(await page.locator('button.method').count(), 0, 'no method to choose');
    assert.equal(await page.locator('form').count(), 0, 'nothing to post');
    // Nothing is left to pay: the amount is labelled as a payment, not as a call to pay.
    const label = (await page.locator('#amount-label').textContent())?.trim() ?? '';
    assert.match(label, lang === 'ar' ? /^دفعة إلى / : /^Payment to /);
    const back = new URL((await page.locator('#continue').getAttribute('href')) ?? '', page.url());
    assert.equal(back.searchParams.get('canceled'), '1', 'the way back is the cancel_url');
    await assertFits(page);
  }

  test('past its expires_at, in English and in Arabic: an expired page, and nothing can be paid', async () => {
    const fiveMinutes = 5 * 60_000;
    // The shortest a session may last: five minutes (plus a moment for the request to arrive).
    const expiresAt = () => new Date(clock.now() + fiveMinutes + 2_000).toISOString();
    const en = await createSession(target, { expires_at: expiresAt() });
    const ar = await createSession(target, { locale: 'ar', expires_at: expiresAt() });
    const first = await phone(sandbox.browser, 'en-QA');
    // An Arabic session opened by a browser that asks for English: the session's language wins.
    const second = await phone(sandbox.browser, 'en-GB');
    try {
      // Both shoppers open the page in time; their tabs keep the method form.
      await first.page.goto(en.url);
      await first.page.locator('#method-qpay').waitFor();
      await second.page.goto(ar.url);
      await second.page.locator('#method-qpay').waitFor();
      const csrf = await second.page.locator('input[name="_csrf"]').getAttribute('value');
      assert.ok(csrf);

      clock.advance(fiveMinutes + 5_000);
      // The worker's expiry job ends both sessions.
      for (const s of [en, ar]) {
        await waitForValue(
          async () => ((await getSession(target, s.id)).status === 'expired' ? true : undefined),
          `${s.id} expired`,
          10_000,
        );
      }

      // English: the stale page's QPay button is refused, and the shopper sees the expired page.
      await first.page.locator('#method-qpay').click();
      await first.page.waitForURL((url) => url.pathname === new URL(en.url).pathname);
      await assertExpiredPage(first.page, 'en', 'This payment page has expired', /no longer valid.*start again/);
      await shot(first.page, 'en-5-expired');
      await first.page.reload();
      await assertExpiredPage(first.page, 'en', 'This payment page has expired', /no longer valid/);

      // Arabic: the page in Arabic, right to left; the method form posted anyway makes no payment.
      await second.page.goto(ar.url);
      await assertExpiredPage(second.page, 'ar', 'انتهت صلاحية صفحة الدفع', /لم تعد صفحة الدفع هذه صالحة/);
      assert.equal((await second.page.locator('#amount').textContent())?.trim(), '٤٧٫٥٠\u00a0ر.ق');
      await shot(second.page, 'ar-5-expired');
      const posted = await second.page.request.post(`${ar.url}/pay`, {
        form: { _csrf: csrf as string, method: 'card' },
      });
      assert.equal(posted.status(), 200);
      assert.equal(new URL(posted.url()).pathname, new URL(ar.url).pathname, 'sent back to the page');
      assert.match(await posted.text(), /انتهت صلاحية صفحة الدفع/);

      for (const s of [en, ar]) {
        const after = await getSession(target, s.id);
        assert.equal(after.status, 'expired');
        assert.deepEqual(after.payment_ids, [], 'no payment made');
        assert.equal(after.payment_id, null);
      }
      const payments = await api(target, 'GET', '/v1/payments');
      assert.equal(payments.status, 200, JSON.stringify(payments.json));
      assert.deepEqual((payments.json as { data: unknown[] }).data, [], 'no payment on the account');
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });

  test('expired by the merchant before its time: the same page, nothing to pay', async () => {
    const s = await createSession(target, { locale: 'ar' });
    const expired = await api(target, 'POST', `/v1/checkout_sessions/${s.id}/expire`, {});
    assert.equal(expired.status, 200, JSON.stringify(expired.json));
    assert.equal((expired.json as Session).status, 'expired');
    const { context, page } = await phone(sandbox.browser, 'ar-QA');
    try {
      await page.goto(s.url);
      await assertExpiredPage(page, 'ar', 'انتهت صلاحية صفحة الدفع', /يُرجى العودة إلى/);
      await page.locator('a.lang').click();
      await page.waitForURL(/lang=en/);
      await assertExpiredPage(page, 'en', 'This payment page has expired', /no longer valid/);
      await shot(page, 'en-6-expired-by-merchant-switched');
      assert.deepEqual((await getSession(target, s.id)).payment_ids, []);
    } finally {
      await context.close();
    }
  });
});

/**
 * Bawaba Checkout in a real browser, on a 360-px-wide phone: the shopper opens the hosted page,
 * picks QPay, pays on the Checkout.com emulator's page, comes back to the result page and goes on
 * to the merchant's success_url; in English and in Arabic; a declined payment, then another try
 * on the same session; a second tab while a payment is in flight; a SAR bill split between two
 * payers in two browsers.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH); skipped without it unless CI=true.
 * Screenshots go to /tmp/bawaba-checkout/ (or BAWABA_CHECKOUT_SCREENSHOTS).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import {
  assertFits,
  type BrowserSandbox,
  browserSkip,
  phoneContext,
  screenshot,
  startBrowserSandbox,
} from '../support/browser.ts';

const SHOTS = process.env.BAWABA_CHECKOUT_SCREENSHOTS ?? '/tmp/bawaba-checkout';
const TIMEOUT_MS = 15_000;
const TEST_CARD = '4215375500883243';
const APPROVING_PIN = '677';

type Session = { id: string; url: string; status: string; payment_id: string | null; payment_ids: string[] };

let sandbox: BrowserSandbox;

async function api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${sandbox.key}` };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = randomUUID();
  }
  const res = await fetch(`${sandbox.gateway.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

async function createSession(extra: Record<string, unknown> = {}): Promise<Session> {
  const res = await api('POST', '/v1/checkout_sessions', {
    amount: 4750,
    currency: 'QAR',
    success_url: `${sandbox.merchantUrl}?order=2040`,
    cancel_url: `${sandbox.merchantUrl}?order=2040&canceled=1`,
    description: 'Order 2040: 2 × karak, 1 × chips oman sandwich',
    reference: '2040',
    ...extra,
  });
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json as Session;
}

async function session(id: string): Promise<Session> {
  return (await api('GET', `/v1/checkout_sessions/${id}`)).json as Session;
}

const phone = (locale: string) => phoneContext(sandbox.browser, locale, TIMEOUT_MS);

const shot = (page: Page, name: string) => screenshot(page, SHOTS, name);

/** On the Checkout.com QPay emulator's page: card, expiry, PIN, OTP, pay. */
async function payOnQpay(page: Page, pin: string, name: string): Promise<void> {
  await page.locator('input[name="card_number"]').waitFor();
  await page.locator('input[name="card_number"]').fill(TEST_CARD);
  await page.locator('input[name="expiry"]').fill('12/30');
  await page.locator('input[name="pin"]').fill(pin);
  await page.locator('input[name="otp"]').fill('123456');
  await shot(page, name);
  await page.locator('#pay').click();
}

describe('Bawaba Checkout: a shopper on a phone', { skip: browserSkip() }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sandbox = await startBrowserSandbox();
  });
  after(() => sandbox?.close());

  test('English: picks QPay, pays, sees the result, lands on success_url', async () => {
    const s = await createSession();
    const { context, page } = await phone('en-QA');
    try {
      await page.goto(s.url);
      assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
      assert.equal((await page.locator('#amount').textContent())?.trim(), 'QAR\u00a047.50');
      await assertFits(page);
      await shot(page, 'en-1-choose');
      // Keyboard: the first method is reachable with Tab and shows its focus ring.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      await shot(page, 'en-1b-keyboard-focus');
      await page.locator('#method-qpay').click();
      await payOnQpay(page, APPROVING_PIN, 'en-2-provider');
      await page.waitForURL(/\/result\?/);
      await page.getByRole('heading', { name: 'Payment successful' }).waitFor();
      await assertFits(page);
      await shot(page, 'en-3-result');
      await page.locator('#continue').click();
      await page.waitForURL((url) => url.href.startsWith(sandbox.merchantUrl));
      const landed = new URL(page.url());
      assert.equal(landed.searchParams.get('order'), '2040');
      assert.equal(landed.searchParams.get('checkout_session_id'), s.id);
      const done = await session(s.id);
      assert.equal(done.status, 'complete');
      assert.equal(landed.searchParams.get('payment_id'), done.payment_id);
      assert.equal(await sandbox.status(done.payment_id as string), 'captured');
      // Back to the page after paying: nothing more to pay.
      await page.goto(s.url);
      await page.getByRole('heading', { name: 'Already paid' }).waitFor();
      assert.equal(await page.locator('button.method').count(), 0);
    } finally {
      await context.close();
    }
  });

  test('Arabic: right to left with Arabic-Indic digits; a wrong PIN, then QPay again on the same session', async () => {
    const s = await createSession({ locale: 'ar' });
    const { context, page } = await phone('ar-QA');
    try {
      await page.goto(s.url);
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
      assert.equal((await page.locator('#amount').textContent())?.trim(), '٤٧٫٥٠\u00a0ر.ق');
      await assertFits(page);
      await shot(page, 'ar-1-choose');
      await page.locator('#method-qpay').click();
      await payOnQpay(page, '1234', 'ar-2-provider-wrong-pin');
      await page.waitForURL(/\/result\?/);
      await page.getByRole('heading', { name: 'لم تكتمل عملية الدفع' }).waitFor();
      await shot(page, 'ar-3-failed');
      await page.locator('#retry').click();
      await page.locator('#method-qpay').waitFor();
      await shot(page, 'ar-4-try-again');
      await page.locator('#method-qpay').click();
      await payOnQpay(page, APPROVING_PIN, 'ar-5-provider');
      await page.waitForURL(/\/result\?/);
      await page.getByRole('heading', { name: 'تم الدفع بنجاح' }).waitFor();
      await shot(page, 'ar-6-success');
      // The result page moves on to the merchant by itself (meta refresh, no script).
      await page.waitForURL((url) => url.href.startsWith(sandbox.merchantUrl), { timeout: 10_000 });
      const done = await session(s.id);
      assert.equal(done.status, 'complete');
      assert.equal(done.payment_ids.length, 2);
      const statuses = await Promise.all(done.payment_ids.map((id) => sandbox.status(id)));
      assert.deepEqual(statuses, ['failed', 'captured'], 'one captured payment');
    } finally {
      await context.close();
    }
  });

  test('the language switch, and a second tab while a payment is in flight', async () => {
    const s = await createSession({ currency: 'SAR', amount: 12000, payment_methods: ['card', 'qattah'] });
    const { context, page } = await phone('en-US');
    try {
      await page.goto(s.url);
      await page.locator('a.lang').click();
      await page.waitForURL(/lang=ar/);
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      assert.equal((await page.locator('#amount').textContent())?.trim(), '١٢٠٫٠٠\u00a0ر.س');
      await assertFits(page);
      await shot(page, 'ar-7-sar-switched');
      const second = await context.newPage();
      await second.goto(s.url);
      assert.equal(await second.locator('html').getAttribute('dir'), 'rtl', 'the switch is remembered');
      await page.locator('#method-card').click();
      await page.waitForURL((url) => !url.href.startsWith(sandbox.gateway.url) && !url.href.includes('/c/'));
      await shot(page, 'ar-8-card-provider');
      // The shopper switched the page to Arabic: the card page follows, though the session said nothing.
      assert.equal(await page.locator('html').getAttribute('lang'), 'ar');
      assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
      // The other tab still shows the methods; choosing one finds the card payment in flight.
      await second.locator('#method-qattah').click();
      await second.getByRole('heading', { name: 'عملية دفع قيد التنفيذ' }).waitFor();
      await shot(second, 'ar-9-in-flight');
      assert.equal((await session(s.id)).payment_ids.length, 1, 'one payment in flight');
    } finally {
      await context.close();
    }
  });

  test('Riyadh: a SAR bill split between two payers in two browsers; one captured payment', async () => {
    const s = await createSession({
      currency: 'SAR',
      amount: 20001,
      description: 'Dinner for two',
      locale: 'ar',
      customer: { email: 'mariam@example.sa' },
    });
    const first = await phone('ar-SA');
    const second = await phone('en-SA');
    try {
      const initiator = first.page;
      await initiator.goto(s.url);
      assert.equal((await initiator.locator('#amount').textContent())?.trim(), '٢٠٠٫٠١\u00a0ر.س');
      await initiator.locator('#method-qattah').click();
      await initiator.locator('#people').waitFor();
      await initiator.locator('#people').fill('2');
      await initiator.locator('#split-equal').click();
      await initiator.locator('a.share-link').nth(1).waitFor();
      const splitPage = initiator.url();
      const links = await initiator
        .locator('a.share-link')
        .evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
      await initiator.goto(links[0] as string);
      await initiator.locator('#pay-mada').click();
      await initiator.locator('#paid-waiting').waitFor();
      assert.equal((await session(s.id)).status, 'open', 'one share of two paid');
      const friend = second.page;
      await friend.goto(links[1] as string);
      await friend.locator('#pay-applepay').click();
      // The last payer comes back to the session's result page, then goes on to the merchant.
      await friend.waitForURL(/\/result\?/);
      await friend.getByRole('heading', { name: 'تم الدفع بنجاح' }).waitFor();
      await shot(friend, 'ar-10-split-friend-success');
      await initiator.goto(splitPage);
      await initiator.waitForURL(/\/result\?/);
      await initiator.getByRole('heading', { name: 'تم الدفع بنجاح' }).waitFor();
      await initiator.locator('#continue').click();
      await initiator.waitForURL((url) => url.href.startsWith(sandbox.merchantUrl));
      const done = await session(s.id);
      assert.equal(done.status, 'complete');
      assert.equal(done.payment_ids.length, 1);
      assert.equal(await sandbox.status(done.payment_id as string), 'captured');
    } finally {
      await first.context.close();
      await second.context.close();
    }
  });
});

/**
 * Payment links in a real browser, on a 360-px-wide phone: a fixed-amount link opened twice
 * makes two checkout sessions, and one of them is paid with QPay on the Checkout.com
 * emulator's page and lands on the link's own thank-you page; a link whose customer enters the
 * amount, in English and in Arabic, with an amount out of bounds first; the merchant's logo
 * beside its name.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH); skipped without it unless CI=true.
 * Screenshots go to /tmp/bawaba-links/ (or BAWABA_LINK_SCREENSHOTS).
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

const SHOTS = process.env.BAWABA_LINK_SCREENSHOTS ?? '/tmp/bawaba-links';
const TIMEOUT_MS = 15_000;

type Link = { id: string; url: string; completed_sessions: number };
type Session = {
  id: string;
  status: string;
  amount: number;
  payment_id: string | null;
  metadata: Record<string, string>;
};

let sandbox: BrowserSandbox;

async function api(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { authorization: `Bearer ${sandbox.key}` };
  if (method === 'POST') headers['idempotency-key'] = randomUUID();
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sandbox.gateway.url}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: await res.json() };
}

async function createLink(body: Record<string, unknown>): Promise<Link> {
  const res = await api('POST', '/v1/payment_links', body);
  assert.equal(res.status, 201, JSON.stringify(res.json));
  return res.json as Link;
}

async function sessionsOf(link: Link): Promise<Session[]> {
  const res = await api('GET', '/v1/checkout_sessions?limit=100');
  return (res.json as { data: Session[] }).data.filter((s) => s.metadata.payment_link === link.id);
}

const phone = (locale: string) => phoneContext(sandbox.browser, locale, TIMEOUT_MS);

const shot = (page: Page, name: string) => screenshot(page, SHOTS, name);

/** A small PNG logo, drawn by the browser itself. */
async function drawLogo(): Promise<Buffer> {
  const { context, page } = await phone('en-QA');
  try {
    await page.setContent(
      '<div id="logo" style="display:inline-flex;align-items:center;justify-content:center;width:96px;height:96px;border-radius:20px;background:#5b2a86;color:#fff;font:700 40px system-ui">KH</div>',
    );
    return await page.locator('#logo').screenshot({ omitBackground: true });
  } finally {
    await context.close();
  }
}

describe('payment links: a shopper on a phone', { skip: browserSkip() }, () => {
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sandbox = await startBrowserSandbox();
    const logo = await api('POST', '/v1/account/logo', { data: (await drawLogo()).toString('base64') });
    assert.equal(logo.status, 200, JSON.stringify(logo.json));
  });
  after(() => sandbox?.close());

  test('a fixed-amount link opened twice makes two sessions; one is paid with QPay', async () => {
    const link = await createLink({
      amount: 3500,
      currency: 'QAR',
      description: 'Karak House: family tray (4 karak, 4 chips oman)',
      payment_methods: ['qpay', 'card'],
    });
    const { context, page } = await phone('en-QA');
    try {
      await page.goto(link.url);
      await page.waitForURL(/\/c\/[A-Za-z0-9_-]{32}$/);
      const first = page.url();
      await page.locator('#method-qpay').waitFor();
      assert.ok(await page.locator('img.logo').isVisible(), 'the logo beside the name');
      assert.equal(
        await page.locator('img.logo').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0),
        true,
      );
      await assertFits(page);
      await shot(page, 'en-1-link-opened');
      await page.goto(link.url);
      await page.waitForURL(/\/c\/[A-Za-z0-9_-]{32}$/);
      assert.notEqual(page.url(), first, 'a second visit, a second session');
      assert.equal((await sessionsOf(link)).length, 2);

      await page.locator('#method-qpay').click();
      await page.locator('input[name="card_number"]').waitFor();
      await page.locator('input[name="card_number"]').fill('4215375500883243');
      await page.locator('input[name="expiry"]').fill('12/30');
      await page.locator('input[name="pin"]').fill('677');
      await page.locator('input[name="otp"]').fill('123456');
      await page.locator('#pay').click();
      await page.waitForURL(/\/result\?/);
      await page.getByRole('heading', { name: 'Payment successful' }).waitFor();
      await page.locator('#continue').click();
      await page.waitForURL(/\/l\/[A-Za-z0-9_-]{32}\/thanks\?/);
      await page.getByRole('heading', { name: 'Thank you' }).waitFor();
      assert.match(
        (await page.locator('#result-text').textContent()) ?? '',
        /received your payment of .*QAR\u00a035\.00/,
      );
      await assertFits(page);
      await shot(page, 'en-2-link-thanks');

      const sessions = await sessionsOf(link);
      assert.deepEqual(sessions.map((s) => s.status).sort(), ['complete', 'open']);
      const paid = sessions.find((s) => s.status === 'complete');
      assert.equal(await sandbox.status(paid?.payment_id as string), 'captured');
      const read = (await api('GET', `/v1/payment_links/${link.id}`)).json as Link;
      assert.equal(read.completed_sessions, 1);
    } finally {
      await context.close();
    }
  });

  for (const lang of ['en', 'ar'] as const) {
    test(`${lang}: the customer enters the amount; out of bounds first, then paid on the session`, async () => {
      const link = await createLink({
        currency: 'QAR',
        description: lang === 'ar' ? 'إكرامية لفريق كرك هاوس' : 'A tip for the Karak House team',
        min_amount: 1000,
        max_amount: 50_000,
        reference: 'TIPS',
      });
      const { context, page } = await phone(lang === 'ar' ? 'ar-QA' : 'en-QA');
      try {
        await page.goto(link.url);
        assert.equal(await page.locator('html').getAttribute('dir'), lang === 'ar' ? 'rtl' : 'ltr');
        await page.locator('#amount').waitFor();
        await assertFits(page);
        await shot(page, `${lang}-3-amount`);
        await page.locator('#amount').fill(lang === 'ar' ? '٥' : '5');
        await page.locator('#continue').click();
        await page.locator('#amount-error').waitFor();
        assert.equal(await page.locator('#amount').getAttribute('aria-invalid'), 'true');
        await shot(page, `${lang}-4-amount-too-small`);
        await assertFits(page);
        await page.locator('#amount').fill(lang === 'ar' ? '٧٥٫٥٠' : '75.50');
        // Keyboard: Enter submits the form.
        await page.locator('#amount').press('Enter');
        await page.waitForURL(/\/c\/[A-Za-z0-9_-]{32}$/);
        await page.locator('#amount').waitFor();
        assert.equal(
          (await page.locator('#amount').textContent())?.trim(),
          lang === 'ar' ? '٧٥٫٥٠\u00a0ر.ق' : 'QAR\u00a075.50',
        );
        assert.equal(await page.locator('html').getAttribute('lang'), lang, 'the session keeps the language');
        await shot(page, `${lang}-5-session-from-link`);
        const sessions = await sessionsOf(link);
        assert.equal(sessions.length, 1);
        assert.equal(sessions[0]?.amount, 7550);
      } finally {
        await context.close();
      }
    });
  }

  test('a deactivated link says so in Arabic, never a 500', async () => {
    const link = await createLink({ amount: 1200, currency: 'QAR', description: 'Karak' });
    assert.equal((await api('POST', `/v1/payment_links/${link.id}/deactivate`)).status, 200);
    const { context, page } = await phone('ar-QA');
    try {
      const res = await page.goto(link.url);
      assert.equal(res?.status(), 410);
      await page.getByRole('heading', { name: 'رابط الدفع هذا غير مفعّل' }).waitFor();
      await assertFits(page);
      await shot(page, 'ar-6-link-inactive');
    } finally {
      await context.close();
    }
  });
});

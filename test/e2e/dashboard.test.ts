/**
 * The operator's dashboard in Debian's Chromium: sign in with the sandbox's first admin, see a
 * payment paid on the Checkout.com emulator's QPay page captured with its timeline, refund part
 * of it, and read the dashboard in Arabic, right to left. Screenshots go to /tmp/bawaba-dashboard.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type BrowserSandbox, browserSkip, startBrowserSandbox } from '../support/browser.ts';
import { waitFor } from '../support/wait.ts';

const SHOTS = process.env.DASHBOARD_SCREENSHOTS ?? '/tmp/bawaba-dashboard';
const TIMEOUT_MS = 15_000;

const until = (check: () => Promise<boolean>, what: string) => waitFor(check, TIMEOUT_MS, what);

describe('operator dashboard in a browser', { skip: browserSkip() }, () => {
  let sandbox: BrowserSandbox;
  let page: Page;
  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sandbox = await startBrowserSandbox();
    page = await (await sandbox.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(TIMEOUT_MS);
  });
  after(async () => {
    await sandbox?.close();
  });

  test('sign in, see a paid payment and its timeline, refund part of it, read it in Arabic', async () => {
    const admin = sandbox.gateway.sandboxKey?.admin;
    assert.ok(admin?.password, 'the sandbox made a first admin with a one-time password');
    const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

    await page.goto(`${sandbox.gateway.url}/`);
    assert.match(page.url(), /\/dashboard\/sign-in/);
    await shot('01-sign-in');
    await page.fill('#email', admin.email);
    await page.fill('#password', admin.password);
    await page.click('button[type=submit]');
    await page.locator('.testbar').waitFor();
    await shot('02-home-empty');

    const payment = await sandbox.create({
      amount: 1500,
      currency: 'QAR',
      payment_method: 'qpay',
      reference: 'ORDER-7001',
      description: 'Order 7001',
      customer: { name: 'Mariam', email: 'mariam@example.qa', national_id: '28463400123' },
      metadata: { order_id: '7001' },
    });
    const customer = await sandbox.browser.newPage();
    await customer.goto(payment.next_action.url);
    await customer.locator('input[name="card_number"]').fill('4215375500883243');
    await customer.locator('input[name="expiry"]').fill('12/30');
    await customer.locator('input[name="pin"]').fill('677');
    await customer.locator('input[name="otp"]').fill('123456');
    await customer.locator('#pay').click();
    await customer.locator('#result').waitFor();
    await customer.close();
    await until(async () => (await sandbox.status(payment.id)) === 'captured', 'the capture');

    await page.goto(`${sandbox.gateway.url}/dashboard/payments?q=ORDER-7001`);
    await page.locator(`a[href="/dashboard/payments/${payment.id}"]`).click();
    await page.locator('h1 .badge.ok').waitFor();
    const timeline = String(await page.locator('ol.timeline').textContent());
    assert.match(timeline, /Payment created with checkout_com/);
    assert.match(timeline, /payment\.captured/);
    assert.ok(String(await page.locator('body').textContent()).includes('••••••••123'), 'national id masked');
    assert.ok(!(await page.content()).includes('28463400123'));
    await shot('03-payment-captured');

    await page.fill('input[name="amount"]', '5.00');
    await page.click('form[action$="/refund"] button');
    await page.locator('.confirm').waitFor();
    assert.match(String(await page.locator('.confirm').textContent()), /QAR 5\.00/);
    await shot('04-refund-confirm');
    await page.click('.confirm button[type=submit]');
    await page.locator('.notice.ok').waitFor();
    assert.match(String(await page.locator('.notice.ok').textContent()), /Refund re_/);
    assert.match(String(await page.locator('ol.timeline').textContent()), /Refund re_\w+ asked for · QAR 5\.00/);
    await shot('05-refund-done');

    await page.goto(`${sandbox.gateway.url}/dashboard/refunds`);
    assert.match(String(await page.locator('table').textContent()), /QAR 5\.00/);
    await page.goto(`${sandbox.gateway.url}/dashboard/audit`);
    assert.match(String(await page.locator('#audit').textContent()), /refund\.create/);
    await shot('06-audit');

    await page.goto(`${sandbox.gateway.url}/dashboard/payments`);
    await page.click('a[lang="ar"]');
    await page.locator('html[dir="rtl"][lang="ar"]').waitFor();
    await shot('07-payments-ar');
    await page.goto(`${sandbox.gateway.url}/dashboard/payments/${payment.id}`);
    assert.match(String(await page.locator('nav.side').textContent()), /المدفوعات/);
    await shot('08-payment-ar');
    await page.goto(`${sandbox.gateway.url}/dashboard`);
    await page.locator('svg.chart').waitFor();
    await shot('09-home-ar');
  });
});

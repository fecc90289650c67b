/**
 * QPay through Tap in a real browser, and routing failover: with Checkout.com unavailable at
 * creation, a QPay payment is made through Tap and the customer pays there.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CheckoutComControl } from '../../src/emulators/checkout-com/control.ts';
import { type BrowserSandbox, browserSkip, SCREENSHOTS, startBrowserSandbox } from '../support/browser.ts';

const CUSTOMER = { name: 'Mariam Al-Thani', email: 'mariam@example.qa', phone: '+97455501234' };

describe('Tap QPay and failover in a real browser', { skip: browserSkip() }, () => {
  let sb: BrowserSandbox;
  before(async () => {
    sb = await startBrowserSandbox({ BAWABA_PROVIDER_TIMEOUT_MS: '1500' });
  });
  after(() => sb?.close());

  const create = (body: Record<string, unknown>) =>
    sb.create({
      amount: 2500,
      currency: 'QAR',
      payment_method: 'qpay',
      description: 'Order 2001',
      customer: CUSTOMER,
      ...body,
    });

  async function pay(page: Page, url: string, pin: string, shot: string): Promise<string> {
    await page.goto(url);
    await page.locator('input[name="card_number"]').fill('4215375500883243');
    await page.locator('input[name="expiry"]').fill('12/30');
    await page.locator('input[name="pin"]').fill(pin);
    await page.locator('input[name="otp"]').fill('123456');
    await page.screenshot({ path: join(SCREENSHOTS, `tap-qpay-${shot}-hosted-page.png`), fullPage: true });
    await page.locator('#pay').click();
    await page.waitForURL((u) => u.href.startsWith(sb.merchantUrl), { timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, `tap-qpay-${shot}-merchant.png`), fullPage: true });
    return new URL(page.url()).searchParams.get('status') ?? '';
  }

  for (const [pin, status] of [
    ['677', 'captured'],
    ['1234', 'failed'],
  ] as const) {
    test(`through Tap: PIN ${pin} → ${status}`, async () => {
      const p = await create({ connector: 'tap' });
      assert.equal(p.connector, 'tap');
      const page = await sb.browser.newPage();
      try {
        assert.equal(await pay(page, p.next_action.url, pin, status), status);
      } finally {
        await page.close();
      }
      assert.equal(await sb.status(p.id), status);
    });
  }

  test('Checkout.com unavailable → the payment goes to Tap and completes there', async () => {
    const cko = sb.gateway.emulators.find((e) => e.name === 'checkout_com')?.control as CheckoutComControl;
    cko.addFault({ kind: 'server_error', count: 1, match: 'create' });
    const p = await create({});
    assert.equal(p.connector, 'tap');
    assert.equal(p.connector_attempts[0]?.reason, 'server_error');
    const page = await sb.browser.newPage();
    try {
      assert.equal(await pay(page, p.next_action.url, '677', 'failover'), 'captured');
    } finally {
      await page.close();
    }
    assert.equal(await sb.status(p.id), 'captured');
  });
});

/**
 * Card payments on the Akurateco (TESS) hosted checkout in a real browser: paid, declined, and a
 * session that expired (the emulator's clock moved past its 60 minutes).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { AkuratecoControl } from '../../src/emulators/akurateco/control.ts';
import { type BrowserSandbox, browserSkip, SCREENSHOTS, startBrowserSandbox } from '../support/browser.ts';

describe('Akurateco card checkout in a real browser', { skip: browserSkip() }, () => {
  let sb: BrowserSandbox;
  before(async () => {
    sb = await startBrowserSandbox();
  });
  after(() => sb?.close());

  async function create(order: string) {
    const p = await sb.create({
      amount: 30100,
      currency: 'QAR',
      payment_method: 'card',
      description: `Order ${order}`,
      customer: { name: 'Mariam Al-Thani', email: 'mariam@example.qa' },
    });
    assert.equal(p.connector, 'akurateco');
    return p;
  }

  async function landed(page: Page, shot: string): Promise<string> {
    await page.waitForURL((u) => u.href.startsWith(sb.merchantUrl), { timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, `akurateco-${shot}-merchant.png`), fullPage: true });
    return new URL(page.url()).searchParams.get('status') ?? '';
  }

  for (const [expiry, status, shot] of [
    ['01/25', 'captured', 'paid'],
    ['02/25', 'failed', 'declined'],
  ] as const) {
    test(`test card with expiry ${expiry} → ${status}`, async () => {
      const p = await create(shot);
      const page = await sb.browser.newPage();
      try {
        await page.goto(p.next_action.url);
        await page.locator('input[name="card_number"]').fill('4111111111111111');
        await page.locator('input[name="expiry"]').fill(expiry);
        await page.locator('input[name="cvv"]').fill('411');
        await page.locator('input[name="card_holder"]').fill('Mariam Al-Thani');
        await page.screenshot({ path: join(SCREENSHOTS, `akurateco-${shot}-hosted-page.png`), fullPage: true });
        await page.locator('#pay').click();
        assert.equal(await landed(page, shot), status);
      } finally {
        await page.close();
      }
      assert.equal(await sb.status(p.id), status);
    });
  }

  test('an expired session sends the customer back, and nothing is paid', async () => {
    const p = await create('expired');
    const emulator = sb.gateway.emulators.find((e) => e.name === 'akurateco')?.control as AkuratecoControl;
    emulator.advanceClock(61 * 60_000);
    const page = await sb.browser.newPage();
    try {
      await page.goto(p.next_action.url);
      assert.notEqual(await landed(page, 'expired'), 'captured');
    } finally {
      await page.close();
    }
    const res = await fetch(`${sb.gateway.url}/v1/payments/${p.id}`, {
      headers: { authorization: `Bearer ${sb.key}` },
    });
    const stored = (await res.json()) as { status: string; failure_message: string | null };
    assert.equal(stored.status, 'failed');
    assert.match(stored.failure_message ?? '', /expired/i);
  });
});

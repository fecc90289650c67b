/**
 * Qattah Pay split bills in a real browser, with two people: the initiator splits the bill on
 * the hosted page and pays a share; a friend, in another browser context, opens the other
 * share's link and pays it. The merchant's return page shows `captured` and the payment holds
 * both parts. And the timeout: fifteen minutes without every share paid.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import type { QattahControl } from '../../src/emulators/qattah/control.ts';
import { type BrowserSandbox, browserSkip, SCREENSHOTS, startBrowserSandbox } from '../support/browser.ts';

type Part = { name: string; amount: number; status: string; method: string | null; paid_at: string | null };

describe('Qattah Pay split bill in a real browser, two people', { skip: browserSkip() }, () => {
  let sb: BrowserSandbox;
  let qattah: QattahControl;
  const contexts: BrowserContext[] = [];
  before(async () => {
    sb = await startBrowserSandbox();
    qattah = sb.gateway.emulators.find((e) => e.name === 'qattah')?.control as QattahControl;
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await sb?.close();
  });

  async function context(): Promise<BrowserContext> {
    const c = await sb.browser.newContext();
    contexts.push(c);
    return c;
  }

  const create = (lang: 'en' | 'ar') =>
    sb.create({
      amount: 20_001,
      currency: 'SAR',
      payment_method: 'qattah',
      description: 'Dinner for two',
      locale: lang,
      customer: { email: 'mariam@example.sa' },
    });

  async function parts(id: string): Promise<Part[]> {
    const res = await fetch(`${sb.gateway.url}/v1/payments/${id}`, { headers: { authorization: `Bearer ${sb.key}` } });
    return ((await res.json()) as { parts: Part[] }).parts;
  }

  test('split in two, each person pays a share: captured at the merchant, both parts on the payment', async () => {
    const p = await create('en');
    const initiator = await (await context()).newPage();
    await initiator.goto(p.next_action.url);
    await initiator.locator('#people').fill('2');
    await initiator.screenshot({ path: join(SCREENSHOTS, 'qattah-split-page.png'), fullPage: true });
    await initiator.locator('#split-equal').click();
    await initiator.locator('a.share-link').nth(1).waitFor();
    await initiator.screenshot({ path: join(SCREENSHOTS, 'qattah-shares-page.png'), fullPage: true });
    const links = await initiator
      .locator('a.share-link')
      .evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    assert.equal(links.length, 2);
    assert.deepEqual(await initiator.locator('.share-amount').allTextContents(), ['100.01 SAR', '100.00 SAR']);

    // The initiator pays the first share with mada.
    await initiator.goto(links[0] as string);
    await initiator.locator('#pay-mada').click();
    await initiator.locator('#paid-waiting').waitFor();
    assert.equal(await sb.status(p.id), 'requires_action', 'one share of two paid: not captured');

    // The friend, in a browser of their own, opens the second link and pays with Apple Pay.
    const friend = await (await context()).newPage();
    await friend.goto(links[1] as string);
    assert.equal(await friend.locator('#invoice-amount').textContent(), '100.00');
    await friend.screenshot({ path: join(SCREENSHOTS, 'qattah-friend-share.png'), fullPage: true });
    await friend.locator('#pay-applepay').click();
    // The last payer goes to the merchant like the initiator (through Bawaba's return check).
    await friend.waitForURL((u) => u.href.startsWith(sb.merchantUrl), { timeout: 15_000 });
    assert.equal(new URL(friend.url()).searchParams.get('status'), 'captured');

    // The initiator's page now sends them to the merchant too.
    await initiator.goto(p.next_action.url);
    await initiator.waitForURL((u) => u.href.startsWith(sb.merchantUrl), { timeout: 15_000 });
    assert.equal(await initiator.locator('#result').textContent(), 'captured');
    await initiator.screenshot({ path: join(SCREENSHOTS, 'qattah-merchant-captured.png'), fullPage: true });

    assert.equal(await sb.status(p.id), 'captured');
    const got = await parts(p.id);
    assert.deepEqual(
      got.map((x) => [x.amount, x.status, x.method]),
      [
        [10_001, 'paid', 'mada'],
        [10_000, 'paid', 'applepay'],
      ],
    );
    assert.ok(got.every((x) => x.paid_at !== null));
  });

  test('fifteen minutes without every share paid: Qattah times out, the merchant sees expired', async () => {
    const p = await create('ar');
    const initiator = await (await context()).newPage();
    await initiator.goto(p.next_action.url);
    await initiator.locator('#split-equal').click();
    const links = await initiator
      .locator('a.share-link')
      .evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    await initiator.goto(links[0] as string);
    await initiator.locator('#pay-mada').click();
    await initiator.locator('#paid-waiting').waitFor();

    qattah.advanceClock(15 * 60_000 + 1000);
    await initiator.goto(p.next_action.url);
    await initiator.locator('#failure-link').waitFor();
    await initiator.screenshot({ path: join(SCREENSHOTS, 'qattah-timeout-ar.png'), fullPage: true });
    await initiator.locator('#failure-link').click();
    await initiator.waitForURL((u) => u.href.startsWith(sb.merchantUrl), { timeout: 15_000 });
    assert.equal(await initiator.locator('#result').textContent(), 'expired');
    assert.equal(await sb.status(p.id), 'expired');
    assert.deepEqual(
      (await parts(p.id)).map((x) => x.status),
      ['paid', 'expired'],
      'the share paid before the timeout stays visible',
    );
  });
});

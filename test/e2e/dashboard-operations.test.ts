/**
 * An operator's day in Debian's Chromium: a refund asked for in the dashboard settles once
 * QPay approves it (through the Checkout.com emulator's control API); a viewer cannot refund;
 * a webhook endpoint made in the dashboard fails, stands out, and a redelivery succeeds once
 * the merchant's server is back. Screenshots go to /tmp/bawaba-dashboard.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { createDashboardUser } from '../../src/dashboard-users.ts';
import { adminDeps } from '../../src/main.ts';
import { type BrowserSandbox, browserSkip, startBrowserSandbox } from '../support/browser.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { waitFor } from '../support/wait.ts';

const SHOTS = process.env.DASHBOARD_SCREENSHOTS ?? '/tmp/bawaba-dashboard';
const TIMEOUT_MS = 20_000;
const VIEWER_PASSWORD = 'a viewer looks but never acts';

const until = (check: () => Promise<boolean>, what: string) => waitFor(check, TIMEOUT_MS, what);

async function signIn(browser: Browser, url: string, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  await page.goto(`${url}/dashboard`);
  await page.fill('#email', email);
  await page.fill('#password', password);
  await page.click('button[type=submit]');
  await page.locator('.testbar').waitFor();
  return page;
}

describe('operator dashboard: refunds, roles and webhooks in a browser', { skip: browserSkip() }, () => {
  let sandbox: BrowserSandbox;
  let admin: Page;
  let receiver: Receiver;
  let paymentId = '';
  let accountId = '';
  const account = () => accountId;
  let providerId = '';
  const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sandbox = await startBrowserSandbox();
    receiver = await startReceiver();
    const first = sandbox.gateway.sandboxKey?.admin;
    assert.ok(first?.password);
    admin = await signIn(sandbox.browser, sandbox.gateway.url, first.email, first.password);
    const payment = await sandbox.create({
      amount: 25000,
      currency: 'QAR',
      payment_method: 'qpay',
      reference: 'ORDER-8102',
      description: 'Abaya, two pieces',
      customer: { name: 'Noura Al-Thani', email: 'noura@example.qa' },
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
    paymentId = payment.id;
    accountId = (await sandbox.gateway.core.repos.accounts.listAccounts())[0]?.id ?? '';
    const res = await fetch(`${sandbox.gateway.url}/v1/payments/${payment.id}`, {
      headers: { authorization: `Bearer ${sandbox.key}` },
    });
    providerId = ((await res.json()) as { provider_payment_id: string }).provider_payment_id;
  });
  after(async () => {
    await receiver?.close();
    await sandbox?.close();
  });

  test('a refund asked for in the dashboard settles when QPay approves it', async () => {
    await admin.goto(`${sandbox.gateway.url}/dashboard/payments/${paymentId}`);
    await admin.fill('input[name="amount"]', '60.00');
    await admin.click('form[action$="/refund"] button');
    await admin.locator('.confirm').waitFor();
    // A double click on the confirmation posts the form twice: one refund all the same.
    await admin.dblclick('.confirm button[type=submit]');
    await admin.locator('.notice.ok').waitFor();
    assert.match(String(await admin.locator('.notice.ok').textContent()), /Refund re_\w+ was asked for: Pending/);
    const list = await fetch(`${sandbox.gateway.url}/v1/payments/${paymentId}/refunds`, {
      headers: { authorization: `Bearer ${sandbox.key}` },
    });
    const refunds = ((await list.json()) as { data: { id: string; status: string }[] }).data;
    assert.equal(refunds.length, 1, 'one refund, however often the form was posted');
    await shot(admin, '10-refund-pending');

    const emulator = sandbox.gateway.emulators.find((e) => e.name === 'checkout_com');
    assert.ok(emulator);
    const pending = (await (await fetch(`${emulator.baseUrl}/__control/refunds`)).json()) as {
      refunds: { action_id: string; payment_id: string; status: string }[];
    };
    const action = pending.refunds.find((r) => r.payment_id === providerId && r.status === 'pending');
    assert.ok(action, JSON.stringify(pending));
    const approved = await fetch(`${emulator.baseUrl}/__control/refunds/${action.action_id}/approve`, {
      method: 'POST',
    });
    assert.equal(approved.status, 200);
    await until(async () => {
      await admin.goto(`${sandbox.gateway.url}/dashboard/payments/${paymentId}`);
      return (await admin.locator('h1 .badge').textContent()) === 'Partially refunded';
    }, 'the refund to settle');
    const table = String(await admin.locator('table').first().textContent());
    assert.match(table, /Succeeded/);
    assert.match(table, /QAR 60\.00/);
    assert.match(String(await admin.locator('ol.timeline').textContent()), /refund\.succeeded/);
    await shot(admin, '11-refund-succeeded');
  });

  test('a viewer sees the payment but cannot refund it', async () => {
    const core = sandbox.gateway.core;
    const account = (await core.repos.accounts.listAccounts())[0];
    assert.ok(account);
    await createDashboardUser(
      { ...adminDeps(core), dashboard: core.repos.dashboard },
      { accountId: account.id, email: 'viewer@shop.qa', role: 'viewer', password: VIEWER_PASSWORD },
    );
    const viewer = await signIn(sandbox.browser, sandbox.gateway.url, 'viewer@shop.qa', VIEWER_PASSWORD);
    const before = await sandbox.status(paymentId);
    await viewer.goto(`${sandbox.gateway.url}/dashboard/payments/${paymentId}`);
    assert.equal(await viewer.locator('form[action$="/refund"]').count(), 0, 'no refund form for a viewer');
    assert.match(String(await viewer.locator('.actions, .muted').allTextContents()), /your role is viewer/);
    await shot(viewer, '12-viewer-payment');
    const direct = await viewer.goto(`${sandbox.gateway.url}/dashboard/payments/${paymentId}/refund?amount=1.00`);
    assert.equal(direct?.status(), 403);
    await shot(viewer, '13-viewer-refused');
    assert.equal(await sandbox.status(paymentId), before);
    await viewer.context().close();
  });

  test('a webhook endpoint that fails stands out; a redelivery succeeds once it answers', {
    timeout: 60_000,
  }, async () => {
    let healthy = false;
    receiver.respond = (_req, _i, res) => {
      if (healthy) res.writeHead(200).end('ok');
      else res.writeHead(500, { 'content-type': 'text/plain' }).end('database is down');
    };
    await admin.goto(`${sandbox.gateway.url}/dashboard/webhooks`);
    await admin.click('a[href="/dashboard/webhooks/new"]');
    await admin.fill('input[name="url"]', `${receiver.url}/bawaba`);
    await admin.fill('input[name="description"]', 'Shop order service');
    await shot(admin, '14-webhook-new');
    await admin.click('form.stack button[type=submit]');
    const secret = String(await admin.locator('#secret').textContent());
    assert.match(secret, /^whsec_/);
    await shot(admin, '15-webhook-secret');
    await admin.click('a.button[href^="/dashboard/webhooks/we_"]');
    assert.ok(!(await admin.content()).includes(secret), 'the secret is not shown again');

    await admin.click('a[href$="/test"]');
    await admin.click('.confirm button[type=submit]');
    await admin.locator('.notice.ok').waitFor();
    const endpointPage = admin.url().replace(/\?.*$/, '');
    await until(async () => {
      await admin.goto(endpointPage);
      return (await admin.locator('#deliveries tr.failing').count()) > 0;
    }, 'the first attempt to fail');
    assert.ok(receiver.received.length >= 1);
    await admin.locator('#deliveries details summary').first().click();
    assert.match(String(await admin.locator('#deliveries').textContent()), /HTTP 500/);
    await shot(admin, '16-webhook-failing');
    await admin.goto(`${sandbox.gateway.url}/dashboard/webhooks`);
    assert.equal(await admin.locator('#endpoints tr.failing').count(), 1);
    await shot(admin, '17-webhooks-list-failing');

    // Both quick tries fail (at once and 5 s later); the next is minutes away: only a redelivery helps now.
    const deliveries = sandbox.gateway.core.repos.webhookDeliveries;
    const endpoints = await sandbox.gateway.core.repos.webhookEndpoints.list(account(), 'test');
    const endpointId = endpoints[0]?.id as string;
    await until(async () => {
      const [d] = (await deliveries.listForEndpoint(endpointId, { limit: 1 })).data;
      return d?.attempts === 2 && d.status === 'pending';
    }, 'the second attempt to fail');
    healthy = true;
    await admin.click('#endpoints a[href^="/dashboard/webhooks/we_"]');
    await admin.click('#deliveries a[href$="/redeliver"]');
    await admin.locator('.confirm').waitFor();
    await admin.click('.confirm button[type=submit]');
    await admin.locator('.notice.ok').waitFor();
    await until(async () => {
      await admin.goto(endpointPage);
      return (await admin.locator('#deliveries tr.failing').count()) === 0;
    }, 'the redelivery to succeed');
    assert.match(String(await admin.locator('#deliveries .badge.ok').first().textContent()), /Succeeded/);
    assert.equal(receiver.received.length, 3, 'two failed tries, then the redelivery');
    const [done] = (await deliveries.listForEndpoint(endpointId, { limit: 1 })).data;
    assert.equal(done?.attempts, 3);
    assert.equal(done?.lastStatusCode, 200);
    await shot(admin, '18-webhook-redelivered');
    await admin.goto(`${sandbox.gateway.url}/dashboard/audit`);
    const audit = String(await admin.locator('#audit').textContent());
    assert.match(audit, /webhook_endpoint\.create/);
    assert.match(audit, /delivery\.redeliver/);

    await admin.goto(`${sandbox.gateway.url}/dashboard/connectors`);
    await shot(admin, '19-connectors');
    await admin.goto(`${sandbox.gateway.url}/dashboard/connectors/checkout_com/edit`);
    await shot(admin, '20-connector-edit');
    await admin.goto(`${sandbox.gateway.url}/dashboard/api-keys`);
    await shot(admin, '21-api-keys');
    await admin.goto(`${sandbox.gateway.url}/dashboard/lang?to=ar&back=/dashboard/webhooks`);
    await admin.locator('html[dir="rtl"]').waitFor();
    await shot(admin, '22-webhooks-ar');
    await admin.click('#endpoints a[href^="/dashboard/webhooks/we_"]');
    await shot(admin, '23-webhook-ar');
    await admin.goto(`${sandbox.gateway.url}/dashboard/payments/${paymentId}`);
    await shot(admin, '24-payment-ar');
    await admin.goto(`${sandbox.gateway.url}/dashboard`);
    await shot(admin, '25-home-ar');
    await admin.goto(`${sandbox.gateway.url}/dashboard/lang?to=en&back=/dashboard`);
    await shot(admin, '26-home-en');
  });
});

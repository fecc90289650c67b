import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { request } from 'undici';
import { startEmulator } from '../registry.ts';
import { createOk, getOrder, MINUTE, newEmulator, postForm } from './test-support.ts';

describe('hosted pages', () => {
  const emu = newEmulator();

  test('the split page is Arabic RTL by default and English LTR with ?lang=en', async () => {
    const order = await createOk(emu);
    let res = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /^text\/html/);
    assert.match(res.body, /<html lang="ar" dir="rtl">/);
    assert.match(res.body, /تقسيم بالتساوي/);
    assert.match(res.body, /<button class="primary" id="split-equal" type="submit">/);
    assert.match(res.body, /<input id="people" name="people"/);
    assert.equal(res.body.match(/name="share_name"/g)?.length, 4);
    assert.equal(res.body.match(/name="share_amount"/g)?.length, 4);
    assert.match(res.body, /id="split-custom"/);
    assert.match(res.body, /id="order-amount">100.00</);
    res = await emu.app.inject({ method: 'GET', url: `/${order.id}?lang=en&rows=6` });
    assert.match(res.body, /<html lang="en" dir="ltr">/);
    assert.match(res.body, /Split equally/);
    assert.equal(res.body.match(/name="share_name"/g)?.length, 6);
    assert.match(res.body, /action="\/ord_[A-Za-z0-9]{13}\/split\/equal\?lang=en"/);
  });

  test('an order created with lang=en opens in English; opening it sets started_at', async () => {
    const order = await createOk(emu, { lang: 'en' });
    assert.equal(order.started_at, null);
    emu.clock.advance(MINUTE);
    const res = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.match(res.body, /dir="ltr"/);
    const after = await getOrder(emu, order.id);
    assert.match(after.started_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.equal(after.activity_status, 'CREATED');
    assert.deepEqual(after.remaining_time, { min: 14, sec: 0 });
  });

  test('after the split: share links, each share page with Apple Pay and mada buttons', async () => {
    const order = await createOk(emu, { amount: 10 });
    await postForm(emu, `/${order.id}/split/equal?lang=ar`, [['people', '2']]);
    const res = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.equal(res.body.match(/class="share-link"/g)?.length, 2);
    assert.match(res.body, /شخص 1/);
    const href = /class="share-link" href="([^"]+)"/.exec(res.body)?.[1] ?? '';
    const page = await emu.app.inject({ method: 'GET', url: href.replace(/\?lang=ar$/, '?lang=en') });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /dir="ltr"/);
    assert.match(page.body, /id="invoice-amount">5.00</);
    assert.match(page.body, /<button class="applepay" id="pay-applepay" name="brand" value="APPLEPAY"/);
    assert.match(page.body, /<button class="mada" id="pay-mada" name="brand" value="MADA"/);
  });

  test('unknown order or invoice is a 404 page; a cancelled order shows it was cancelled', async () => {
    assert.equal((await emu.app.inject({ method: 'GET', url: '/ord_AAAAAAAAAAAAA' })).statusCode, 404);
    const order = await createOk(emu);
    assert.equal((await emu.app.inject({ method: 'GET', url: `/${order.id}/invoices/inv_x` })).statusCode, 404);
    emu.control.split(order.id, { people: 2 });
    emu.state.cancel(order.id);
    const res = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.match(res.body, /data-result="abandoned"/);
  });

  test('escapes what the merchant sent', async () => {
    const order = await createOk(emu, { reference: '<script>x</script>' });
    const res = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.doesNotMatch(res.body, /<script>x/);
    assert.match(res.body, /&lt;script&gt;x/);
  });
});

describe('control API', () => {
  const emu = newEmulator();

  test('orders, merchants, callbacks, reset keeps the first token', async () => {
    const order = await createOk(emu);
    let res = await emu.app.inject({ method: 'GET', url: '/__control/orders' });
    assert.deepEqual(
      res.json().orders.map((o: { id: string }) => o.id),
      [order.id],
    );
    res = await emu.app.inject({ method: 'GET', url: `/__control/orders/${order.id}` });
    assert.equal(res.json()._emulator.page_url, `http://localhost/${order.id}`);
    assert.equal((await emu.app.inject({ method: 'GET', url: '/__control/orders/ord_nope' })).statusCode, 404);
    res = await emu.app.inject({ method: 'POST', url: '/__control/merchants', payload: { name: 'B' } });
    assert.equal(res.statusCode, 201);
    assert.match(res.json().api_token, /^[A-Za-z0-9]{48}$/);
    res = await emu.app.inject({ method: 'GET', url: '/__control/callbacks' });
    assert.deepEqual(res.json(), { callbacks: [] });
    emu.clock.advance(MINUTE);
    await emu.app.inject({ method: 'POST', url: '/__control/reset' });
    assert.deepEqual(emu.control.listOrders(), []);
    assert.equal(emu.control.listMerchants().length, 1);
    assert.equal(emu.clock.offsetMs(), 0);
    assert.ok(await createOk(emu));
    res = await emu.app.inject({ method: 'POST', url: '/__control/clock', payload: { advance_ms: -1 } });
    assert.equal(res.statusCode, 400);
  });
});

describe('registry', () => {
  test("startEmulator('qattah') listens, shares the token as both keys and signs nothing", async () => {
    const emu = await startEmulator('qattah', { secretKey: 'my-qattah-token-0123456789' });
    try {
      assert.equal(emu.name, 'qattah');
      assert.deepEqual(emu.credentials, {
        secretKey: 'my-qattah-token-0123456789',
        publicKey: 'my-qattah-token-0123456789',
        webhookSignatureKey: '',
      });
      assert.ok(emu.describe().some((line) => line.includes('my-qattah-token-0123456789')));
      const res = await request(`${emu.baseUrl}/api/v1/merchant-integration/orders`, {
        method: 'POST',
        headers: { authorization: 'Bearer my-qattah-token-0123456789', 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 12.5 }),
      });
      assert.equal(res.statusCode, 200);
      const body = (await res.body.json()) as { links: { redirect_to: string } };
      assert.match(body.links.redirect_to, new RegExp(`^${emu.baseUrl}/ord_[A-Za-z0-9]{13}$`));
      assert.equal(emu.control.listOrders().length, 1);
    } finally {
      await emu.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createMerchantRegistry } from './merchants.ts';
import { renderPaymentForm } from './pages.ts';
import type { TapEmulator } from './server.ts';
import { sandboxSetup } from './start.ts';
import { createOk, type Json, newEmulator, pagePath, SEED_BODY, tokenOf } from './test-support.ts';

async function page(emu: TapEmulator, charge: Json, lang: 'en' | 'ar'): Promise<string> {
  const res = await emu.app.inject({ method: 'GET', url: `${pagePath(charge)}&lang=${lang}` });
  assert.equal(res.statusCode, 200);
  return res.body;
}

async function createFor(emu: TapEmulator, secretKey: string): Promise<Json> {
  const res = await emu.app.inject({
    method: 'POST',
    url: '/v2/charges/',
    headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
    payload: JSON.stringify(SEED_BODY),
  });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const heading = (body: string): string => /<h1>(.*?)<\/h1>/s.exec(body)?.[1] ?? '';

describe("the QPay page is headed by the merchant's name", () => {
  test('in English and in Arabic (right to left, the name isolated)', async () => {
    const emu = newEmulator({ merchantName: 'Doha Books' });
    const charge = await createOk(emu);
    assert.equal(heading(await page(emu, charge, 'en')), 'Payment to <bdi id="merchant-name">Doha Books</bdi>');
    const ar = await page(emu, charge, 'ar');
    assert.match(ar, /<html lang="ar" dir="rtl">/);
    assert.equal(heading(ar), 'دفعة إلى <bdi id="merchant-name">Doha Books</bdi>');
  });

  test('each merchant its own, set over the control API; the charge itself carries no name', async () => {
    const emu = newEmulator();
    const first = await createOk(emu);
    assert.equal(heading(await page(emu, first, 'en')), 'Payment to <bdi id="merchant-name">Emulator Merchant 1</bdi>');

    const made = await emu.app.inject({ method: 'POST', url: '/__control/merchants', payload: { name: 'متجر الكتب' } });
    assert.equal(made.statusCode, 201);
    const other = made.json();
    assert.equal(other.name, 'متجر الكتب');
    const second = await createFor(emu, other.secret_key);
    assert.equal(heading(await page(emu, second, 'ar')), 'دفعة إلى <bdi id="merchant-name">متجر الكتب</bdi>');
    assert.equal(heading(await page(emu, first, 'ar')), 'دفعة إلى <bdi id="merchant-name">Emulator Merchant 1</bdi>');
    // Tap's charge shows `merchant` as {country, currency, id} (seed): no name there.
    assert.deepEqual(Object.keys(second.merchant), ['country', 'currency', 'id']);

    const escaped = emu.control.createMerchant({ name: 'Tea & <Co>' });
    const third = await createFor(emu, escaped.secretKey);
    assert.equal(
      heading(await page(emu, third, 'en')),
      'Payment to <bdi id="merchant-name">Tea &amp; &lt;Co&gt;</bdi>',
    );
    const listed = (await emu.app.inject({ method: 'GET', url: '/__control/merchants' })).json().merchants as Json[];
    assert.deepEqual(
      listed.map((m) => m.name),
      ['Emulator Merchant 1', 'متجر الكتب', 'Tea & <Co>'],
    );
    const bad = await emu.app.inject({ method: 'POST', url: '/__control/merchants', payload: { name: ' ' } });
    assert.equal(bad.statusCode, 400);
  });

  test('the form shown again with its errors keeps the heading', async () => {
    const emu = newEmulator({ merchantName: 'Doha Books' });
    const charge = await createOk(emu);
    const res = await emu.app.inject({
      method: 'POST',
      url: '/test_gosell/v2/payment/tap_process.aspx',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        chg: tokenOf(charge),
        lang: 'ar',
        card_number: '1',
        expiry: '1',
        pin: '1',
      }).toString(),
    });
    assert.equal(res.statusCode, 400);
    assert.equal(heading(res.body), 'دفعة إلى <bdi id="merchant-name">Doha Books</bdi>');
  });

  test('nothing else on the page changes: only the heading differs from the unnamed page', async () => {
    const emu = newEmulator({ merchantName: 'Doha Books' });
    const created = await createOk(emu);
    const charge = emu.state.getCharge(created.id);
    assert.ok(charge);
    const fixed = { en: 'Payment to merchant', ar: 'دفعة إلى التاجر' } as const;
    for (const lang of ['en', 'ar'] as const) {
      const served = await page(emu, created, lang);
      assert.equal(served, renderPaymentForm(charge, 'Doha Books', lang));
      const unnamed = renderPaymentForm(charge, undefined, lang);
      assert.equal(heading(unnamed), fixed[lang]);
      assert.equal(served.replace(/<h1>.*?<\/h1>/s, `<h1>${fixed[lang]}</h1>`), unnamed);
      const state = { values: { card_number: '1', expiry: '1' }, errors: ['card_number', 'expiry'] as const };
      assert.equal(
        renderPaymentForm(charge, 'Doha Books', lang, state).replace(/<h1>.*?<\/h1>/s, `<h1>${fixed[lang]}</h1>`),
        renderPaymentForm(charge, undefined, lang, state),
      );
    }
  });

  test("the sandbox names an account's merchant after the account", () => {
    const emu = newEmulator();
    const setup = sandboxSetup(emu.control);
    const hookUrl = 'http://127.0.0.1:3000/hooks/tap/ca_1';
    const named = setup.merchant({ stored: undefined, hookUrl, name: 'Sandbox merchant' });
    const byKey = (key: string | undefined) => emu.control.listMerchants().find((m) => m.secretKey === key);
    assert.equal(byKey(named.secret_key)?.name, 'Sandbox merchant');
    const unnamed = setup.merchant({ stored: undefined, hookUrl, name: ' ' });
    assert.equal(byKey(unnamed.secret_key)?.name, 'Emulator Merchant 3');
  });

  test('merchants kept before they had names come back with the default ones', () => {
    const saved = new Map<string, unknown>([
      ['100001', { id: '100001', secretKey: `sk_test_${'a'.repeat(24)}`, publicKey: `pk_test_${'a'.repeat(24)}` }],
      ['100002', { id: '100002', name: 'Kept', secretKey: `sk_test_${'b'.repeat(24)}`, publicKey: 'pk' }],
    ]);
    const put: string[] = [];
    const book = {
      durable: true,
      load: (kind: string) => (kind === 'merchant' ? saved : new Map()),
      put: (kind: string, id: string) => put.push(`${kind}/${id}`),
      remove() {},
      clear() {},
    };
    const merchants = createMerchantRegistry({ secretKey: `sk_test_${'a'.repeat(24)}` }, book);
    assert.deepEqual(
      merchants.list().map((m) => m.name),
      ['Emulator Merchant 1', 'Kept'],
    );
    assert.ok(put.includes('merchant/100001'));
  });
});

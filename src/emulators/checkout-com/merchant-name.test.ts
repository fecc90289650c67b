import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createEntityRegistry } from './entities.ts';
import { renderPaymentForm } from './pages.ts';
import type { CheckoutComEmulator } from './server.ts';
import { sandboxSetup } from './start.ts';
import { type Json, newEmulator } from './test-support.ts';

const BODY = {
  amount: 100,
  currency: 'QAR',
  source: { type: 'qpay', description: 'QPay Demo Payment', language: 'en', quantity: '1' },
};

async function createOk(emu: CheckoutComEmulator, key = emu.credentials.secretKey): Promise<Json> {
  const res = await emu.app.inject({
    method: 'POST',
    url: '/payments',
    headers: { authorization: `Bearer ${key}` },
    payload: BODY,
  });
  assert.equal(res.statusCode, 202, res.body);
  return res.json();
}

const punOf = (created: Json): string => new URL(created._links.redirect.href).searchParams.get('pun') ?? '';

async function page(emu: CheckoutComEmulator, created: Json, lang: 'en' | 'ar'): Promise<string> {
  const url = `/qpay-external/redirect-to-qpay?pun=${punOf(created)}&lang=${lang}`;
  const res = await emu.app.inject({ method: 'GET', url });
  assert.equal(res.statusCode, 200);
  return res.body;
}

const heading = (body: string): string => /<h1>(.*?)<\/h1>/s.exec(body)?.[1] ?? '';

describe("the QPay page is headed by the entity's name", () => {
  test('in English and in Arabic (right to left, the name isolated)', async () => {
    const emu = newEmulator({ merchantName: 'Doha Books' });
    const created = await createOk(emu);
    assert.equal(heading(await page(emu, created, 'en')), 'Payment to <bdi id="merchant-name">Doha Books</bdi>');
    const ar = await page(emu, created, 'ar');
    assert.match(ar, /<html lang="ar" dir="rtl">/);
    assert.equal(heading(ar), 'دفعة إلى <bdi id="merchant-name">Doha Books</bdi>');
  });

  test('each entity its own: set over the control API, renamed by its secret key, never empty', async () => {
    const emu = newEmulator();
    const first = await createOk(emu);
    assert.equal(heading(await page(emu, first, 'en')), 'Payment to <bdi id="merchant-name">Emulator Merchant 1</bdi>');

    const made = await emu.app.inject({ method: 'POST', url: '/__control/entities', payload: { name: 'متجر الكتب' } });
    assert.equal(made.statusCode, 201);
    const other = made.json();
    assert.equal(other.name, 'متجر الكتب');
    const second = await createOk(emu, other.secret_key);
    assert.equal(heading(await page(emu, second, 'ar')), 'دفعة إلى <bdi id="merchant-name">متجر الكتب</bdi>');
    assert.equal(heading(await page(emu, first, 'ar')), 'دفعة إلى <bdi id="merchant-name">Emulator Merchant 1</bdi>');

    const renamed = await emu.app.inject({
      method: 'POST',
      url: '/__control/entities',
      payload: { secret_key: other.secret_key, name: 'Tea & <Co>' },
    });
    assert.equal(renamed.statusCode, 200);
    assert.equal(
      heading(await page(emu, second, 'en')),
      'Payment to <bdi id="merchant-name">Tea &amp; &lt;Co&gt;</bdi>',
    );
    const listed = (await emu.app.inject({ method: 'GET', url: '/__control/entities' })).json().entities as Json[];
    assert.deepEqual(
      listed.map((e) => e.name),
      ['Emulator Merchant 1', 'Tea & <Co>'],
    );
    for (const name of ['', '  ', 7]) {
      const bad = await emu.app.inject({ method: 'POST', url: '/__control/entities', payload: { name } });
      assert.equal(bad.statusCode, 400, String(name));
    }
    assert.throws(() => emu.control.createEntity({ name: ' ' }), TypeError);
  });

  test('the form shown again with its errors keeps the heading', async () => {
    const emu = newEmulator({ merchantName: 'Doha Books' });
    const created = await createOk(emu);
    const res = await emu.app.inject({
      method: 'POST',
      url: '/qpay-external/pay',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        pun: punOf(created),
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
    const payment = emu.state.getByPun(punOf(created));
    assert.ok(payment);
    const fixed = { en: 'Payment to merchant', ar: 'دفعة إلى التاجر' } as const;
    for (const lang of ['en', 'ar'] as const) {
      const served = await page(emu, created, lang);
      assert.equal(served, renderPaymentForm(payment, 'Doha Books', lang));
      const unnamed = renderPaymentForm(payment, undefined, lang);
      assert.equal(heading(unnamed), fixed[lang]);
      assert.equal(served.replace(/<h1>.*?<\/h1>/s, `<h1>${fixed[lang]}</h1>`), unnamed);
      const state = { values: { card_number: '1', expiry: '1' }, errors: ['card_number', 'expiry'] as const };
      assert.equal(
        renderPaymentForm(payment, 'Doha Books', lang, state).replace(/<h1>.*?<\/h1>/s, `<h1>${fixed[lang]}</h1>`),
        renderPaymentForm(payment, undefined, lang, state),
      );
    }
  });

  test("the sandbox names an account's entity after the account, and renames it on the next start", () => {
    const emu = newEmulator();
    const setup = sandboxSetup(emu.control);
    const hookUrl = 'http://127.0.0.1:3000/hooks/checkout_com/ca_1';
    const credentials = setup.merchant({ stored: undefined, hookUrl, name: 'Sandbox merchant' });
    const byKey = () => emu.control.listEntities().find((e) => e.secretKey === credentials.secret_key);
    assert.equal(byKey()?.name, 'Sandbox merchant');
    setup.merchant({ stored: credentials, hookUrl, name: 'Corniche Café' });
    assert.equal(byKey()?.name, 'Corniche Café');
    const unnamed = setup.merchant({ stored: undefined, hookUrl, name: ' ' });
    assert.equal(
      emu.control.listEntities().find((e) => e.secretKey === unnamed.secret_key)?.name,
      'Emulator Merchant 3',
    );
  });

  test('entities kept before they had names come back with the default ones', () => {
    const saved = new Map<string, unknown>([
      ['ent_a', { id: 'ent_a', secretKey: 'sk_a', publicKey: 'pk_a', webhookSignatureKey: 'w', webhooks: [] }],
      [
        'ent_b',
        { id: 'ent_b', name: 'Kept', secretKey: 'sk_b', publicKey: 'pk_b', webhookSignatureKey: 'w', webhooks: [] },
      ],
    ]);
    const put: string[] = [];
    const book = {
      durable: true,
      load: (kind: string) => (kind === 'entity' ? saved : new Map()),
      put: (kind: string, id: string) => put.push(`${kind}/${id}`),
      remove() {},
      clear() {},
    };
    const entities = createEntityRegistry({ secretKey: 'sk_a' }, book);
    assert.deepEqual(
      entities.list().map((e) => e.name),
      ['Emulator Merchant 1', 'Kept'],
    );
    assert.ok(put.includes('entity/ent_a'));
  });
});

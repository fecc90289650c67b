import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { card, MINUTE, newEmulator, openSession, PASSWORD, status, submitCard } from './test-support.ts';

const get = (emu: ReturnType<typeof newEmulator>, url: string) => emu.app.inject({ method: 'GET', url });

describe('hosted page', () => {
  test('shows the card form with the test-mode box, Pay and Cancel', async () => {
    const emu = newEmulator();
    const { path } = await openSession(emu);
    const page = await get(emu, path);
    assert.equal(page.statusCode, 200);
    assert.match(page.headers['content-type'] as string, /text\/html/);
    for (const name of ['card_number', 'expiry', 'cvv', 'card_holder'])
      assert.match(page.body, new RegExp(`name="${name}"`));
    assert.match(page.body, /id="pay"/);
    assert.match(page.body, /id="cancel"/);
    assert.match(page.body, /id="test-mode"/);
    assert.match(page.body, /4111111111111111/);
    assert.match(page.body, /3\.01 QAR/);
    assert.match(page.body, /<h1 id="merchant-name">Emulator Merchant 1<\/h1>/);
  });

  test("the card page is headed by the merchant's name, in English and in Arabic, never by the payment id", async () => {
    const emu = newEmulator({ merchantName: 'Doha Books' });
    const en = await openSession(emu);
    const enPage = await get(emu, en.path);
    assert.match(enPage.body, /<html lang="en" dir="ltr">/);
    assert.match(enPage.body, /<h1 id="merchant-name">Doha Books<\/h1>/);
    assert.match(enPage.body, /<h2>Pay by card<\/h2>/);
    assert.doesNotMatch(enPage.body, new RegExp(en.id));

    // `checkout_language` picks the page's language; the merchant's name is the same in both.
    for (const language of ['ar', 'ar-QA']) {
      const ar = await openSession(emu, { checkout_language: language });
      const arPage = await get(emu, ar.path);
      assert.match(arPage.body, /<html lang="ar" dir="rtl">/);
      assert.match(arPage.body, /<h1 id="merchant-name">Doha Books<\/h1>/);
      assert.match(arPage.body, /<h2>الدفع بالبطاقة<\/h2>/);
      assert.match(arPage.body, /الطلب <bdi>order-1234<\/bdi>/);
      assert.doesNotMatch(arPage.body, new RegExp(ar.id));
    }

    // Each merchant's page shows its own name (set when the merchant is made).
    const key = '0f8fad5b-d9cb-469f-a165-70867728950e';
    emu.control.createMerchant({ merchantKey: key, password: PASSWORD, name: 'متجر الكتب' });
    const other = await openSession(emu, { merchant_key: key, checkout_language: 'ar' });
    assert.match((await get(emu, other.path)).body, /<h1 id="merchant-name">متجر الكتب<\/h1>/);
    const merchants = (await emu.app.inject({ method: 'GET', url: '/__control/merchants' })).json().merchants;
    assert.deepEqual(
      merchants.map((m: { name: string }) => m.name),
      ['Doha Books', 'متجر الكتب'],
    );
  });

  test('in Arabic, the form errors and the 3-D Secure step are Arabic too, under the same heading', async () => {
    const emu = newEmulator({ merchantName: 'Doha Books' });
    const { path } = await openSession(emu, { checkout_language: 'ar' });
    const bad = await submitCard(emu, path, { card_number: '1', expiry: '13/25', cvv: '4', card_holder: ' ' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /<div class="field-error" id="card_number-error">أدخل رقم بطاقة صالحًا.<\/div>/);
    await submitCard(emu, path, card('05/25'));
    const step = await get(emu, path);
    assert.match(step.body, /<html lang="ar" dir="rtl">/);
    assert.match(step.body, /<h1 id="merchant-name">Doha Books<\/h1>/);
    assert.match(step.body, /التحقق عبر <bdi>3-D Secure<\/bdi>/);
  });

  const finals: [string, string, string][] = [
    ['01', 'settled', 'https://shop.example/success?x=1'],
    ['02', 'decline', 'https://shop.example/cancel'],
  ];
  for (const [month, expected, location] of finals) {
    test(`test card month ${month} → ${expected}, 303 to ${location}`, async () => {
      const emu = newEmulator();
      const { path, id } = await openSession(emu);
      const res = await submitCard(emu, path, card(`${month}/25`));
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, location);
      assert.equal((await status(emu, id)).json().status, expected);
    });
  }

  for (const [month, expected, location] of [
    ['05', 'settled', 'https://shop.example/success?x=1'],
    ['06', 'decline', 'https://shop.example/cancel'],
  ] as const) {
    test(`test card month ${month} → 3-D Secure step, then ${expected}`, async () => {
      const emu = newEmulator();
      const { path, id } = await openSession(emu);
      const res = await submitCard(emu, path, card(`${month}/25`));
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, path);
      assert.equal((await status(emu, id)).json().status, '3ds');
      const step = await get(emu, path);
      assert.equal(step.statusCode, 200);
      assert.match(step.body, /3-D Secure/);
      assert.match(step.body, /id="continue"/);
      const done = await submitCard(emu, `${path}/3ds`, { action: 'continue' });
      assert.equal(done.statusCode, 303);
      assert.equal(done.headers.location, location);
      const json = (await status(emu, id)).json();
      assert.equal(json.status, expected);
      if (expected === 'decline') assert.equal(json.reason, '3-D Secure authentication failed');
    });
  }

  test('another Luhn-valid card with a future expiry settles; a past expiry is refused', async () => {
    const emu = newEmulator();
    const { path, id } = await openSession(emu);
    const past = await submitCard(emu, path, card('12/25', '4242424242424242'));
    assert.equal(past.statusCode, 400);
    assert.match(past.body, /id="expiry-error"/);
    const ok = await submitCard(emu, path, card('12/30', '4242424242424242'));
    assert.equal(ok.statusCode, 303);
    assert.equal((await status(emu, id)).json().status, 'settled');
  });

  test('form errors name the bad fields and keep the payment open', async () => {
    const emu = newEmulator();
    const { path, id } = await openSession(emu);
    const res = await submitCard(emu, path, {
      card_number: '4111111111111112',
      expiry: '13/25',
      cvv: '4',
      card_holder: ' ',
    });
    assert.equal(res.statusCode, 400);
    for (const f of ['card_number', 'expiry', 'cvv', 'card_holder'])
      assert.match(res.body, new RegExp(`id="${f}-error"`));
    assert.equal((await status(emu, id)).json().status, 'prepare');
  });

  test('cancel goes to cancel_url (else success_url) and sends no callback', async () => {
    const emu = newEmulator();
    const events: string[] = [];
    emu.control.onEvent((e) => events.push(e.type));
    const { path, id } = await openSession(emu);
    const res = await submitCard(emu, path, { action: 'cancel' });
    assert.equal(res.headers.location, 'https://shop.example/cancel');
    const json = (await status(emu, id)).json();
    assert.deepEqual([json.status, json.reason], ['decline', 'Cancelled by customer']);
    const noCancelUrl = await openSession(emu, { cancel_url: undefined });
    const res2 = await submitCard(emu, noCancelUrl.path, { action: 'cancel' });
    assert.equal(res2.headers.location, 'https://shop.example/success?x=1');
    assert.deepEqual(events, []);
  });

  test('one link is one payment: after completion the link is no longer valid', async () => {
    const emu = newEmulator();
    const { path } = await openSession(emu);
    await submitCard(emu, path, card('01/25'));
    assert.equal((await get(emu, path)).statusCode, 410);
    const again = await submitCard(emu, path, card('01/25'));
    assert.equal(again.statusCode, 410);
    assert.match(again.body, /no longer valid/);
    assert.equal((await get(emu, '/checkout/unknown')).statusCode, 404);
  });

  test('expires after session_expiry minutes of emulator clock → expiry_url', async () => {
    const emu = newEmulator();
    const { path, id } = await openSession(emu, { session_expiry: 5 });
    emu.control.advanceClock(5 * MINUTE - 1);
    assert.equal((await get(emu, path)).statusCode, 200);
    emu.control.advanceClock(1);
    const res = await get(emu, path);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, 'https://shop.example/expired');
    const json = (await status(emu, id)).json();
    assert.deepEqual([json.status, json.reason], ['decline', 'Session expired']);
    assert.equal((await submitCard(emu, path, card('01/25'))).headers.location, 'https://shop.example/expired');
  });

  test('default expiry is 60 minutes; without expiry_url an expired page is shown', async () => {
    const emu = newEmulator();
    const { path, id } = await openSession(emu, { expiry_url: undefined });
    const swept = emu.control.advanceClock(60 * MINUTE);
    assert.deepEqual(swept.expired, [id]);
    const res = await get(emu, path);
    assert.equal(res.statusCode, 410);
    assert.match(res.body, /Session expired/);
  });

  test('control complete drives the same outcomes, 3DS through the step', async () => {
    const emu = newEmulator();
    const a = await openSession(emu);
    assert.deepEqual(emu.control.completePayment(a.id, '3ds_success'), {
      ok: true,
      status: 'settled',
      redirect_url: 'https://shop.example/success?x=1',
    });
    const b = await openSession(emu);
    const res = await emu.app.inject({
      method: 'POST',
      url: `/__control/payments/${b.id}/complete`,
      payload: { outcome: 'decline' },
    });
    assert.deepEqual(res.json(), { status: 'decline', redirect_url: 'https://shop.example/cancel' });
    const again = await emu.app.inject({
      method: 'POST',
      url: `/__control/payments/${b.id}/complete`,
      payload: { outcome: 'approve' },
    });
    assert.equal(again.statusCode, 409);
  });
});

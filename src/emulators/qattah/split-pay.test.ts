import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  createOk,
  getOrder,
  type Json,
  MINUTE,
  newEmulator,
  postForm,
  sleep,
  startReceiver,
  waitFor,
} from './test-support.ts';

const SHARE_LINK =
  /<a class="share-link" href="(\/ord_[A-Za-z0-9]{13}\/invoices\/inv_[A-Za-z0-9]{13})\?lang=(ar|en)">/g;

describe('split', () => {
  const emu = newEmulator();

  test('equal split of an odd total: 100.00 in 3 is 33.34 / 33.33 / 33.33, STARTED', async () => {
    const order = await createOk(emu);
    const res = await postForm(emu, `/${order.id}/split/equal?lang=en`, [['people', '3']]);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `/${order.id}?lang=en`);
    const after = await getOrder(emu, order.id);
    assert.equal(after.activity_status, 'STARTED');
    assert.equal(after.payment_status, 'PENDING');
    assert.deepEqual(
      after.invoices.map((inv: Json) => [inv.name, inv.amount, inv.payment_status]),
      [
        ['Person 1', '33.34', 'PENDING'],
        ['Person 2', '33.33', 'PENDING'],
        ['Person 3', '33.33', 'PENDING'],
      ],
    );
  });

  test('custom split: names and amounts that add up exactly; empty rows ignored', async () => {
    const order = await createOk(emu, { amount: 90.5 });
    const res = await postForm(emu, `/${order.id}/split/custom`, [
      ['share_name', 'Sara'],
      ['share_amount', '60.25'],
      ['share_name', ''],
      ['share_amount', '30.25'],
      ['share_name', ''],
      ['share_amount', ''],
    ]);
    assert.equal(res.statusCode, 303, res.body);
    const after = await getOrder(emu, order.id);
    assert.deepEqual(
      after.invoices.map((inv: Json) => [inv.name, inv.amount]),
      [
        ['Sara', '60.25'],
        ['شخص 2', '30.25'],
      ],
    );
  });

  test('custom shares that do not add up, or bad amounts, re-show the form with an error (422)', async () => {
    const order = await createOk(emu);
    for (const amounts of [
      ['50', '49.99'],
      ['50', '50.001'],
      ['100', '0'],
      ['abc', '100'],
    ]) {
      const fields: [string, string][] = amounts.flatMap(
        (a) =>
          [
            ['share_name', 'x'],
            ['share_amount', a],
          ] as [string, string][],
      );
      const res = await postForm(emu, `/${order.id}/split/custom`, fields);
      assert.equal(res.statusCode, 422, amounts.join());
      assert.match(res.body, /id="split-error"/);
      assert.match(res.body, /id="split-custom"/);
    }
    const res = await postForm(emu, `/${order.id}/split/equal`, [['people', '0']]);
    assert.equal(res.statusCode, 422);
    assert.deepEqual((await getOrder(emu, order.id)).invoices, []);
    const tiny = await createOk(emu, { amount: 0.02 });
    assert.equal((await postForm(emu, `/${tiny.id}/split/equal`, [['people', '3']])).statusCode, 422);
  });

  test('control split: {shares} must add up; {people}; no re-split after a share is paid', async () => {
    const order = await createOk(emu);
    let res = await emu.app.inject({
      method: 'POST',
      url: `/__control/orders/${order.id}/split`,
      payload: {
        shares: [
          { name: 'A', amount: '50.00' },
          { name: 'B', amount: '49.00' },
        ],
      },
    });
    assert.equal(res.statusCode, 422);
    res = await emu.app.inject({
      method: 'POST',
      url: `/__control/orders/${order.id}/split`,
      payload: {
        shares: [
          { name: 'A', amount: '50.00' },
          { name: 'B', amount: 50 },
        ],
      },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(
      res.json().invoices.map((inv: Json) => inv.name),
      ['A', 'B'],
    );
    const inv = res.json().invoices[0].id;
    res = await emu.app.inject({
      method: 'POST',
      url: `/__control/orders/${order.id}/invoices/${inv}/pay`,
      payload: { brand: 'APPLEPAY' },
    });
    assert.equal(res.statusCode, 200, res.body);
    res = await emu.app.inject({ method: 'POST', url: `/__control/orders/${order.id}/split`, payload: { people: 4 } });
    assert.equal(res.statusCode, 409);
    res = await emu.app.inject({
      method: 'POST',
      url: `/__control/orders/${order.id}/invoices/${inv}/pay`,
      payload: { brand: 'VISA' },
    });
    assert.equal(res.statusCode, 400);
  });
});

describe('pay every share through the hosted pages', () => {
  test('order PAID only when all shares are; 303 to success_url; one GET callback ?order_id=', async () => {
    const rx = await startReceiver();
    const emu = newEmulator();
    const order = await createOk(emu, {
      callback_url: rx.url('/qattah/callback?shop=1'),
      success_url: 'https://shop.example/ok',
      failure_url: 'https://shop.example/fail',
    });
    await postForm(emu, `/${order.id}/split/equal`, [['people', '3']]);
    const page = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    const links = [...page.body.matchAll(SHARE_LINK)].map((m) => m[1] ?? '');
    assert.equal(links.length, 3);

    const [first, second, third] = links as [string, string, string];
    let res = await postForm(emu, `${first}/pay`, [['brand', 'APPLEPAY']]);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, `${first}?lang=ar`);
    res = await emu.app.inject({ method: 'GET', url: first });
    assert.match(res.body, /id="paid-waiting"/);
    assert.match(res.body, /id="refresh"/);
    res = await postForm(emu, `${second}/pay`, [['brand', 'MADA']]);
    assert.equal(res.statusCode, 303);
    let after = await getOrder(emu, order.id);
    assert.equal(after.activity_status, 'STARTED');
    assert.equal(after.payment_status, 'PENDING');
    assert.deepEqual(
      after.invoices.map((inv: Json) => [inv.payment_status, inv.payment_brand]),
      [
        ['PAID', 'APPLEPAY'],
        ['PAID', 'MADA'],
        ['PENDING', null],
      ],
    );
    assert.match(after.invoices[0].applepay_checkout_id, /^[0-9A-F]{32}$/);
    assert.equal(after.invoices[0].mada_checkout_id, null);
    assert.equal(rx.hits.length, 0);
    res = await postForm(emu, `${first}/pay`, [['brand', 'MADA']]);
    assert.equal(res.headers.location, `${first}?lang=ar`, 'paying twice changes nothing');

    res = await postForm(emu, `${third}/pay`, [['brand', 'MADA']]);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, 'https://shop.example/ok');
    after = await getOrder(emu, order.id);
    assert.equal(after.activity_status, 'PAID');
    assert.equal(after.payment_status, 'PAID');
    res = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.equal(res.statusCode, 303, 'the initiator goes to success_url');
    assert.equal(res.headers.location, 'https://shop.example/ok');
    res = await emu.app.inject({ method: 'GET', url: first });
    assert.match(res.body, /id="success-link" href="https:\/\/shop.example\/ok"/);

    await waitFor(() => rx.hits.length === 1, 'callback');
    const hit = rx.hits[0] as (typeof rx.hits)[number];
    assert.equal(hit.method, 'GET');
    assert.equal(hit.url, `/qattah/callback?shop=1&order_id=${order.id}`);
    assert.equal(hit.body, '');
    await sleep(50);
    assert.equal(rx.hits.length, 1, 'sent once');
    await waitFor(() => emu.control.callbacks()[0]?.delivered === true, 'record');
  });

  test('a non-2xx callback answer is retried', async () => {
    const rx = await startReceiver([500, 503]);
    const emu = newEmulator({ notificationRetryDelaysMs: [10, 10, 10] });
    const order = await createOk(emu, { callback_url: rx.url('/cb') });
    const split = emu.control.split(order.id, { people: 1 });
    assert.ok(split.ok);
    emu.control.pay(order.id, split.order.invoices[0]?.id ?? '', 'APPLEPAY');
    await waitFor(() => rx.hits.length === 3, 'three attempts');
    await waitFor(() => emu.control.callbacks()[0]?.delivered === true, 'delivered');
    assert.deepEqual(
      emu.control.callbacks()[0]?.attempts.map((a) => a.status_code),
      [500, 503, 200],
    );
  });

  test('timeout: no callback, payers cannot pay, the initiator sees a failure page with failure_url', async () => {
    const rx = await startReceiver();
    const emu = newEmulator();
    const order = await createOk(emu, { callback_url: rx.url('/cb'), failure_url: 'https://shop.example/fail' });
    const split = emu.control.split(order.id, { people: 2 });
    assert.ok(split.ok);
    const [a, b] = split.order.invoices as Json[];
    emu.control.pay(order.id, a?.id, 'MADA');
    const res0 = await emu.app.inject({
      method: 'POST',
      url: '/__control/clock',
      payload: { advance_ms: 15 * MINUTE },
    });
    assert.deepEqual(res0.json().timed_out, [order.id]);
    const res = await postForm(emu, `/${order.id}/invoices/${b?.id}/pay`, [['brand', 'MADA']]);
    assert.equal(res.statusCode, 303);
    const after = await getOrder(emu, order.id);
    assert.equal(after.activity_status, 'TIMEOUT');
    assert.deepEqual(
      after.invoices.map((inv: Json) => inv.payment_status),
      ['PAID', 'EXPIRED'],
    );
    const page = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-result="failure"/);
    assert.match(page.body, /id="failure-link" href="https:\/\/shop.example\/fail"/);
    await sleep(50);
    assert.equal(rx.hits.length, 0);
    assert.deepEqual(emu.control.callbacks(), []);
  });
});

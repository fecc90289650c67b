import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startOnStore, stopOnStore, storeFile } from '../kit/durable-test-support.ts';
import { createTapEmulator } from './server.ts';
import { create, GOOD_CARD, get, type Json, pagePath, SEED_BODY, startReceiver, submit } from './test-support.ts';

const start = (path: string) => startOnStore(path, 'tap', (book) => createTapEmulator({ sweepIntervalMs: 0, book }));
const stop = stopOnStore;

test('charges, refunds, merchants, idempotent strings and settings survive a restart on the same file', async () => {
  const path = storeFile('tap');
  const receiver = await startReceiver();
  after(() => receiver.close());
  const body = { ...SEED_BODY, post: { url: receiver.url('/post') } };
  const idempotent = { ...body, reference: { ...body.reference, idempotent: 'order-7' } };

  const first = start(path);
  const key = first.emu.credentials.secretKey;
  const other = first.emu.control.createMerchant({});
  first.emu.control.updateSettings({ paymentWindowMs: 45 * 60_000 });
  const pending: Json = (await create(first.emu, idempotent)).json();
  const paid: Json = (await create(first.emu, body)).json();
  assert.equal((await submit(first.emu, paid, GOOD_CARD)).statusCode, 303);
  const refundRes = await first.emu.app.inject({
    method: 'POST',
    url: '/v2/refunds/',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    payload: JSON.stringify({ charge_id: paid.id, amount: 0.4, currency: 'QAR', reason: 'requested_by_customer' }),
  });
  assert.equal(refundRes.statusCode, 200, refundRes.body);
  const refund: Json = refundRes.json();
  await stop(first);

  const second = start(path);
  try {
    const { emu } = second;
    assert.equal(emu.credentials.secretKey, key, 'the first merchant keeps its keys');
    assert.equal(emu.control.settings().paymentWindowMs, 45 * 60_000);
    const got = await get(emu, `/v2/charges/${pending.id}`);
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().status, 'INITIATED');
    const replay = await create(emu, idempotent);
    assert.equal(replay.json().id, pending.id, 'a repeated reference.idempotent answers the first charge');
    const page = await emu.app.inject({ method: 'GET', url: pagePath(pending) });
    assert.equal(page.statusCode, 200, 'the hosted page still opens');
    assert.equal((await submit(emu, pending, GOOD_CARD)).statusCode, 303);
    assert.equal((await get(emu, `/v2/charges/${pending.id}`)).json().status, 'CAPTURED');
    const refundAgain = await get(emu, `/v2/refunds/${refund.id}`);
    assert.equal(refundAgain.json().status, 'PENDING');
    assert.equal(emu.control.settleRefund(refund.id, 'approve').ok, true);
    assert.equal((await get(emu, `/v2/refunds/${refund.id}`)).json().status, 'REFUNDED');
    assert.equal((await create(emu, body, other.secretKey)).statusCode, 200, 'a merchant made later keeps its key');
  } finally {
    await stop(second);
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOnStore, stopOnStore, storeFile } from '../kit/durable-test-support.ts';
import { createQattahEmulator } from './server.ts';
import { createOk, getOrder } from './test-support.ts';

const start = (path: string) =>
  startOnStore(path, 'qattah', (book) => createQattahEmulator({ sweepIntervalMs: 0, book }));
const stop = stopOnStore;

test('orders, their shares, merchants and the window setting survive a restart on the same file', async () => {
  const path = storeFile('qattah');

  const first = start(path);
  const token = first.emu.credentials.apiToken;
  const other = first.emu.control.createMerchant({ name: 'Other' });
  first.emu.control.updateSettings({ window_starts: 'first_payer' });
  const order = await createOk(first.emu, { callback_url: null });
  assert.equal(first.emu.control.split(order.id, { people: 2 }).ok, true);
  await stop(first);

  const second = start(path);
  try {
    const { emu } = second;
    assert.equal(emu.credentials.apiToken, token);
    assert.equal(emu.control.settings().window_starts, 'first_payer');
    const page = await emu.app.inject({ method: 'GET', url: `/${order.id}` });
    assert.equal(page.statusCode, 200, 'the hosted page still opens');
    const view = emu.control.getOrder(order.id);
    assert.equal(view?.invoices.length, 2);
    for (const invoice of view?.invoices ?? []) assert.equal(emu.control.pay(order.id, invoice.id, 'MADA').ok, true);
    assert.equal((await getOrder(emu, order.id)).payment_status, 'PAID');
    assert.equal(emu.control.createMerchant({ apiToken: other.apiToken }).id, other.id);
  } finally {
    await stop(second);
  }
});

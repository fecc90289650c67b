import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startOnStore, stopOnStore, storeFile } from '../kit/durable-test-support.ts';
import { createAkuratecoEmulator } from './server.ts';
import { card, MERCHANT_KEY, openSession, PASSWORD, settledPayment, status, submitCard } from './test-support.ts';

const start = (path: string, keys = true) =>
  startOnStore(path, 'akurateco', (book) =>
    createAkuratecoEmulator({
      sweepIntervalMs: 0,
      ...(keys && { merchantKey: MERCHANT_KEY, password: PASSWORD }),
      book,
    }),
  );
const stop = stopOnStore;

test('sessions, payments, refunds, merchants and settings survive a restart on the same file', async () => {
  const path = storeFile('akurateco');

  const first = start(path);
  const other = first.emu.control.createMerchant({});
  first.emu.control.updateSettings({ statusHistory: false });
  const open = await openSession(first.emu);
  const settledId = await settledPayment(first.emu, { number: 'order-2' });
  await stop(first);

  // Started without keys, as the sandbox does: the first merchant of the last run stays first.
  const second = start(path, false);
  try {
    const { emu } = second;
    assert.equal(emu.credentials.merchantKey, MERCHANT_KEY);
    assert.equal(emu.control.settings().statusHistory, false);
    assert.equal((await status(emu, settledId)).json().status, 'settled');
    assert.equal((await emu.app.inject({ method: 'GET', url: open.path })).statusCode, 200, 'the page still opens');
    assert.equal((await submitCard(emu, open.path, card('01/25'))).statusCode, 303);
    assert.equal((await status(emu, open.id)).json().status, 'settled');
    // The sandbox registers its stored merchants again on each start: that adopts them.
    const again = emu.control.createMerchant({ merchantKey: other.merchantKey, password: other.password });
    assert.equal(again.merchantKey, other.merchantKey);
  } finally {
    await stop(second);
  }
});

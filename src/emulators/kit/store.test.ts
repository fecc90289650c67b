import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createEmulatorClock } from './clock.ts';
import { keepClockOffset, MEMORY_BOOK, memoryStore, openFileStore } from './store.ts';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-store-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Counts the rows the store writes, by a trigger in the file (the store's own connection fires it). */
function countWrites(path: string): { count(): number; close(): void } {
  const db = new Database(path);
  db.exec(`CREATE TABLE IF NOT EXISTS writes (id TEXT);
    CREATE TRIGGER IF NOT EXISTS count_inserts AFTER INSERT ON emulator_records BEGIN INSERT INTO writes VALUES (new.id); END;
    CREATE TRIGGER IF NOT EXISTS count_updates AFTER UPDATE ON emulator_records BEGIN INSERT INTO writes VALUES (new.id); END;`);
  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM writes');
  return { count: () => (count.get() as { n: number }).n, close: () => db.close() };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('emulator store', () => {
  test('writes the changed records together, once each, as they are when written', async () => {
    const path = join(tempDir(), 'emulators.sqlite');
    const store = openFileStore(path, { flushIntervalMs: 50 });
    const writes = countWrites(path);
    try {
      const book = store.book('checkout_com');
      const payment = { id: 'pay_1', status: 'Pending', events: [] as string[] };
      for (let i = 0; i < 100; i++) {
        payment.events.push(`evt_${i}`);
        book.put('payment', payment.id, payment);
      }
      book.put('payment', 'pay_2', { id: 'pay_2', status: 'Pending' });
      assert.equal(writes.count(), 0, 'nothing is written while the request runs');
      await sleep(150);
      assert.equal(writes.count(), 2, 'one write per changed record');
      payment.status = 'Captured';
      book.put('payment', payment.id, payment);
      store.flush();
      assert.equal(writes.count(), 3, 'only the record that changed is written again');
    } finally {
      writes.close();
      store.close();
    }
    const again = openFileStore(path);
    try {
      const saved = again.book('checkout_com').load('payment');
      assert.deepEqual([...saved.keys()], ['pay_1', 'pay_2'], 'in the order first saved');
      const first = saved.get('pay_1') as { status: string; events: string[] };
      assert.equal(first.status, 'Captured');
      assert.equal(first.events.length, 100);
      assert.equal(again.book('tap').load('payment').size, 0, 'each emulator sees its own records');
    } finally {
      again.close();
    }
  });

  test('writes what changed on close, forgets removed records and a cleared emulator', () => {
    const path = join(tempDir(), 'state', 'emulators.sqlite');
    const store = openFileStore(path, { flushIntervalMs: 60_000 });
    const cko = store.book('checkout_com');
    const tap = store.book('tap');
    cko.put('payment', 'pay_1', { n: 1 });
    cko.put('payment', 'pay_2', { n: 2 });
    cko.put('meta', 'settings', { paymentWindowMs: 1000 });
    tap.put('charge', 'chg_1', { n: 1 });
    store.flush();
    cko.remove('payment', 'pay_2');
    tap.clear();
    tap.put('merchant', 'm1', { secretKey: 'sk' });
    store.close();
    const again = openFileStore(path);
    try {
      const book = again.book('checkout_com');
      assert.deepEqual([...book.load('payment').keys()], ['pay_1']);
      assert.deepEqual(book.load('meta').get('settings'), { paymentWindowMs: 1000 });
      const tapAgain = again.book('tap');
      assert.equal(tapAgain.load('charge').size, 0);
      assert.deepEqual(tapAgain.load('merchant').get('m1'), { secretKey: 'sk' });
    } finally {
      again.close();
    }
  });

  test('keeps the clock offset: restored on start, saved on each move', () => {
    const path = join(tempDir(), 'emulators.sqlite');
    const store = openFileStore(path);
    const clock = createEmulatorClock(() => 0);
    keepClockOffset(clock, store.book('qattah'));
    clock.advance(90_000);
    store.close();
    const again = openFileStore(path);
    try {
      const restored = createEmulatorClock(() => 0);
      keepClockOffset(restored, again.book('qattah'));
      assert.equal(restored.now(), 90_000);
    } finally {
      again.close();
    }
  });

  test('in memory, nothing is kept and no file is made', () => {
    const dir = tempDir();
    const store = memoryStore();
    assert.equal(store.path, null);
    const book = store.book('checkout_com');
    assert.equal(book, MEMORY_BOOK);
    book.put('payment', 'pay_1', { n: 1 });
    store.flush();
    store.close();
    assert.equal(book.load('payment').size, 0);
    const clock = createEmulatorClock(() => 0);
    const advance = clock.advance;
    keepClockOffset(clock, book);
    assert.equal(clock.advance, advance, 'the clock is left as it is');
    assert.deepEqual(readdirSync(dir), []);
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase } from '../support/databases.ts';
import { startReceiver, waitFor } from '../support/receiver.ts';
import { exited, seedDeliveries, spawnWorker, undelivered } from '../support/worker-process.ts';

forEachDatabase((kind) => {
  test('a worker killed while holding jobs loses nothing: after a restart every event is delivered', async () => {
    const shared = await kind.openShared();
    const db = await shared.open();
    const rx = await startReceiver();
    // Slow answers, so the worker holds claimed jobs when it is killed.
    rx.respond = (_r, _i, res) =>
      new Promise<void>((resolve) => setTimeout(() => resolve(void res.writeHead(200).end()), 300));
    try {
      const { eventIds } = await seedDeliveries(db, `${rx.url}/hook`, 40);
      const first = spawnWorker(shared.url);
      await waitFor(() => rx.received.length >= 8, 20_000, 'the first worker to be busy');
      first.kill('SIGKILL');
      assert.equal(await exited(first), 'SIGKILL');
      assert.ok((await undelivered(db)) > 0, 'work was left over');

      const second = spawnWorker(shared.url);
      await waitFor(async () => (await undelivered(db)) === 0, 30_000, 'every delivery to succeed');
      second.kill('SIGTERM');
      assert.equal(await exited(second), 0, 'a graceful stop');
      const seen = new Set(rx.received.map((r) => r.headers['webhook-id']));
      for (const id of eventIds) assert.ok(seen.has(id), `event ${id} delivered`);
    } finally {
      await rx.close();
      await db.close();
      await shared.dispose();
    }
  });

  test('two worker processes on one database: every job runs, none twice at once', {
    skip: kind.name === 'sqlite' ? 'several worker processes need PostgreSQL' : false,
  }, async () => {
    const shared = await kind.openShared();
    const db = await shared.open();
    const rx = await startReceiver();
    const inFlight = new Set<string>();
    const overlaps: string[] = [];
    rx.respond = (r, _i, res) => {
      const id = String(r.headers['webhook-id']);
      if (inFlight.has(id)) overlaps.push(id);
      inFlight.add(id);
      return new Promise<void>((resolve) =>
        setTimeout(() => {
          inFlight.delete(id);
          resolve(void res.writeHead(200).end());
        }, 20),
      );
    };
    try {
      const { eventIds } = await seedDeliveries(db, `${rx.url}/hook`, 150);
      const workers = [spawnWorker(shared.url), spawnWorker(shared.url)];
      await waitFor(async () => (await undelivered(db)) === 0, 30_000, 'every delivery to succeed');
      for (const w of workers) w.kill('SIGTERM');
      assert.deepEqual(await Promise.all(workers.map(exited)), [0, 0]);
      assert.deepEqual(overlaps, []);
      const ids = rx.received.map((r) => String(r.headers['webhook-id']));
      assert.equal(ids.length, eventIds.length, 'each delivered exactly once');
      assert.deepEqual([...new Set(ids)].sort(), [...eventIds].sort());
    } finally {
      await rx.close();
      await db.close();
      await shared.dispose();
    }
  });
});

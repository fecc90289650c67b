import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openCore } from '../../src/main.ts';
import { forEachDatabase } from '../support/databases.ts';
import { testConfig } from '../support/gateway.ts';
import { startReceiver, waitFor } from '../support/receiver.ts';
import { exited, running, seedDeliveries, spawnWorker, undelivered } from '../support/worker-process.ts';

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

  test('a worker process wakes for jobs an API node without a worker wrote, not at its next poll', {
    skip: kind.name === 'sqlite' ? 'processes tell each other of jobs on PostgreSQL only' : false,
  }, async () => {
    const shared = await kind.openShared();
    const db = await shared.open();
    const rx = await startReceiver();
    // The worker polls once a minute: only the API node's announcement can wake it in time.
    const worker = spawnWorker(shared.url, { BAWABA_WORKER_POLL_MS: '60000' });
    try {
      await running(worker);
      const api = await openCore(testConfig({ databaseUrl: shared.url, mode: 'production' }), { database: db });
      const started = Date.now();
      await seedDeliveries(db, `${rx.url}/hook`, 5, (runAt) => api.bell.ring(runAt));
      await waitFor(async () => (await undelivered(db)) === 0, 10_000, 'every delivery to succeed');
      assert.ok(Date.now() - started < 10_000);
      assert.equal(rx.received.length, 5);
    } finally {
      worker.kill('SIGTERM');
      await exited(worker);
      await rx.close();
      await db.close();
      await shared.dispose();
    }
  });
});

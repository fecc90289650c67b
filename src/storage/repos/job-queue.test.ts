import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import type { Job, JobQueue, NewJob } from '../../core/event-ports.ts';
import type { Database } from '../db.ts';
import { createJobQueue } from './job-queue.ts';

const T0 = Date.UTC(2026, 0, 1);
const LEASE = 30_000;

function job(id: string, overrides: Partial<NewJob> = {}): NewJob {
  return {
    id,
    queue: 'reconcile_payment',
    payload: { payment_id: `pay_${id}` },
    runAt: T0,
    maxAttempts: 5,
    ...overrides,
  };
}

const idsOf = (jobs: readonly Job[]) => jobs.map((j) => j.id);

async function rawJob(database: Database, id: string) {
  return database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
}

// A worker in a process of its own: opens the database, says "ready", waits for a line on
// stdin, then claims and completes jobs until none is left and prints the ids it claimed.
const childDir = mkdtempSync(join(tmpdir(), 'bawaba-claim-'));
after(() => rmSync(childDir, { recursive: true, force: true }));
const childScript = join(childDir, 'claim-worker.mts');
const here = (file: string) => JSON.stringify(pathToFileURL(join(import.meta.dirname, file)).href);
writeFileSync(
  childScript,
  `import { once } from 'node:events';
import { openDatabase } from ${here('../db.ts')};
import { createJobQueue } from ${here('./job-queue.ts')};
const [url, worker, now] = process.argv.slice(2);
const database = await openDatabase(url);
const queue = createJobQueue(database);
const claimed = [];
try {
  process.stdout.write('ready\\n');
  await once(process.stdin, 'data');
  for (;;) {
    const batch = await queue.claim(worker, Number(now), 60_000, 3);
    if (batch.length === 0) break;
    for (const job of batch) {
      claimed.push(job.id);
      await queue.complete(job.id, worker);
    }
  }
} finally {
  await database.close();
}
process.stdout.write(JSON.stringify(claimed) + '\\n');
process.stdin.destroy();
`,
);

interface ClaimProcess {
  readonly ready: Promise<void>;
  readonly done: Promise<string[]>;
  go(): void;
}

function startClaimProcess(url: string, worker: string, now: number): ClaimProcess {
  const env: Record<string, string | undefined> = { ...process.env, NODE_TEST_CONTEXT: undefined };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, url, worker, String(now)], {
    env,
    cwd: join(import.meta.dirname, '..', '..', '..'),
  });
  let output = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk;
    if (output.startsWith('ready\n')) markReady();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const done = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      markReady(); // never leave the caller waiting on a child that died early
      const last = output.trim().split('\n').at(-1) ?? '';
      if (code === 0 && output.startsWith('ready\n')) resolve(JSON.parse(last) as string[]);
      else reject(new Error(`claim worker ${worker} exited with ${code}: ${output}`));
    });
  });
  return { ready, done, go: () => child.stdin.write('go\n') };
}

forEachDatabase((kind) => {
  const run = (fn: (queue: JobQueue, database: Database) => Promise<void>) =>
    withDatabase(kind, (database) => fn(createJobQueue(database), database));

  describe('JobQueue: enqueue and claim', () => {
    it('round-trips a job through enqueue and claim', () =>
      run(async (queue) => {
        const full = job('job_1', { queue: 'deliver_webhook', dedupeKey: 'k1', groupKey: 'we_1', maxAttempts: 8 });
        await queue.enqueue(full, T0 - 5);
        await queue.enqueue(job('job_2', { runAt: T0 + 1 }), T0 - 5);
        const claimed = await queue.claim('w1', T0 + 1, LEASE, 10);
        assert.deepEqual(claimed, [
          {
            ...full,
            attempts: 1,
            lockedUntil: T0 + 1 + LEASE,
            lockedBy: 'w1',
            lastError: null,
            createdAt: T0 - 5,
          },
          {
            ...job('job_2', { runAt: T0 + 1 }),
            attempts: 1,
            lockedUntil: T0 + 1 + LEASE,
            lockedBy: 'w1',
            lastError: null,
            createdAt: T0 - 5,
          },
        ]);
        assert.equal(typeof claimed[0]?.runAt, 'number');
      }));

    it('claims only due jobs, in run_at then id order, up to the limit', () =>
      run(async (queue) => {
        await queue.enqueue(job('job_c', { runAt: T0 + 20 }), T0);
        await queue.enqueue(job('job_b', { runAt: T0 + 10 }), T0);
        await queue.enqueue(job('job_a', { runAt: T0 + 10 }), T0);
        await queue.enqueue(job('job_d', { runAt: T0 }), T0);
        assert.deepEqual(await queue.claim('w1', T0 - 1, LEASE, 10), []);
        assert.deepEqual(idsOf(await queue.claim('w1', T0 + 10, LEASE, 2)), ['job_d', 'job_a']);
        assert.deepEqual(idsOf(await queue.claim('w1', T0 + 10, LEASE, 2)), ['job_b']);
        assert.deepEqual(idsOf(await queue.claim('w1', T0 + 20, LEASE, 2)), ['job_c']);
        assert.deepEqual(await queue.claim('w1', T0 + 20, LEASE, 0), []);
      }));

    it('does not claim a leased job until its lease lapses, then claims it again with one more attempt', () =>
      run(async (queue) => {
        await queue.enqueue(job('job_1'), T0);
        assert.deepEqual(idsOf(await queue.claim('w1', T0, LEASE, 5)), ['job_1']);
        assert.deepEqual(await queue.claim('w2', T0 + LEASE - 1, LEASE, 5), []);
        const again = await queue.claim('w2', T0 + LEASE, LEASE, 5);
        assert.deepEqual(
          again.map((j) => [j.id, j.attempts, j.lockedBy, j.lockedUntil]),
          [['job_1', 2, 'w2', T0 + 2 * LEASE]],
        );
      }));

    it('skips the jobs of busy groups, never ungrouped ones', () =>
      run(async (queue) => {
        await queue.enqueue(job('job_1', { groupKey: 'we_1' }), T0);
        await queue.enqueue(job('job_2', { groupKey: 'we_2' }), T0);
        await queue.enqueue(job('job_3'), T0);
        await queue.enqueue(job('job_4', { groupKey: 'we_1' }), T0);
        assert.deepEqual(idsOf(await queue.claim('w1', T0, LEASE, 10, ['we_1', 'we_9'])), ['job_2', 'job_3']);
        assert.deepEqual(idsOf(await queue.claim('w1', T0, LEASE, 10, [])), ['job_1', 'job_4']);
      }));

    it('binds the busy groups of each claim anew (the same shape, other groups)', () =>
      run(async (queue) => {
        await queue.enqueue(job('job_1', { groupKey: 'we_1' }), T0);
        await queue.enqueue(job('job_2', { groupKey: 'we_2' }), T0);
        await queue.enqueue(job('job_3', { groupKey: 'we_3' }), T0);
        assert.deepEqual(idsOf(await queue.claim('w1', T0, LEASE, 10, ['we_1'])), ['job_2', 'job_3']);
        await queue.release(['job_2', 'job_3'], 'w1');
        assert.deepEqual(idsOf(await queue.claim('w2', T0, LEASE, 10, ['we_2'])), ['job_1', 'job_3']);
      }));

    it('counts pending jobs and finds the earliest run_at, dead jobs aside', () =>
      run(async (queue) => {
        assert.equal(await queue.pendingCount(), 0);
        assert.equal(await queue.nextRunAt(), undefined);
        await queue.enqueue(job('job_1', { runAt: T0 + 50 }), T0);
        await queue.enqueue(job('job_2', { runAt: T0 + 20 }), T0);
        await queue.enqueue(job('job_3', { runAt: T0 + 90 }), T0);
        assert.equal(await queue.pendingCount(), 3);
        assert.equal(await queue.nextRunAt(), T0 + 20);
        await queue.claim('w1', T0 + 20, LEASE, 1);
        assert.equal(await queue.nextRunAt(), T0 + 20, 'a claimed job is still pending');
        await queue.kill('job_2', 'w1', 'gave up');
        assert.equal(await queue.pendingCount(), 2);
        assert.equal(await queue.nextRunAt(), T0 + 50);
      }));
  });

  describe('JobQueue: dedupe keys', () => {
    it('keeps one job per key, at the earlier run_at, with the first payload', () =>
      run(async (queue, database) => {
        await queue.enqueue(job('job_1', { dedupeKey: 'reconcile:pay_1', runAt: T0 + 60_000 }), T0);
        await queue.enqueue(
          job('job_2', { dedupeKey: 'reconcile:pay_1', runAt: T0 + 30_000, payload: { payment_id: 'other' } }),
          T0 + 1,
        );
        await queue.enqueue(job('job_3', { dedupeKey: 'reconcile:pay_1', runAt: T0 + 90_000 }), T0 + 2);
        await queue.enqueue(job('job_4', { dedupeKey: 'reconcile:pay_2', runAt: T0 + 90_000 }), T0 + 2);
        const rows = await database.db.selectFrom('jobs').selectAll().orderBy('id').execute();
        assert.deepEqual(
          rows.map((r) => [r.id, r.dedupe_key, Number(r.run_at), JSON.parse(r.payload)]),
          [
            ['job_1', 'reconcile:pay_1', T0 + 30_000, { payment_id: 'pay_job_1' }],
            ['job_4', 'reconcile:pay_2', T0 + 90_000, { payment_id: 'pay_job_4' }],
          ],
        );
      }));

    it('lets a new job take the key of a killed one', () =>
      run(async (queue, database) => {
        await queue.enqueue(job('job_1', { dedupeKey: 'k' }), T0);
        await queue.claim('w1', T0, LEASE, 1);
        await queue.kill('job_1', 'w1', 'boom');
        await queue.enqueue(job('job_2', { dedupeKey: 'k', runAt: T0 + 5 }), T0 + 5);
        assert.equal((await rawJob(database, 'job_1'))?.dedupe_key, null);
        assert.equal((await rawJob(database, 'job_2'))?.dedupe_key, 'k');
        assert.deepEqual(idsOf(await queue.claim('w1', T0 + 5, LEASE, 5)), ['job_2']);
      }));
  });

  describe('JobQueue: finishing', () => {
    it('complete removes the job, but only for the worker holding it', () =>
      run(async (queue, database) => {
        await queue.enqueue(job('job_1'), T0);
        await queue.complete('job_1', 'w1'); // not claimed yet
        assert.notEqual(await rawJob(database, 'job_1'), undefined);
        await queue.claim('w1', T0, LEASE, 1);
        await queue.complete('job_1', 'w2');
        assert.notEqual(await rawJob(database, 'job_1'), undefined);
        await queue.complete('job_1', 'w1');
        assert.equal(await rawJob(database, 'job_1'), undefined);
        assert.equal(await queue.pendingCount(), 0);
      }));

    it('a worker whose lease was taken over can no longer complete or retry the job', () =>
      run(async (queue, database) => {
        await queue.enqueue(job('job_1'), T0);
        await queue.claim('w1', T0, LEASE, 1);
        await queue.claim('w2', T0 + LEASE, LEASE, 1);
        await queue.complete('job_1', 'w1');
        await queue.retry('job_1', 'w1', T0 + 1, 'late');
        const row = await rawJob(database, 'job_1');
        assert.equal(row?.locked_by, 'w2');
        assert.equal(row?.last_error, null);
      }));

    it('retry unlocks the job with its error, to run again at run_at, keeping the attempt count', () =>
      run(async (queue, database) => {
        await queue.enqueue(job('job_1'), T0);
        await queue.claim('w1', T0, LEASE, 1);
        await queue.retry('job_1', 'w2', T0 + 999, 'not mine');
        assert.equal((await rawJob(database, 'job_1'))?.locked_by, 'w1');
        await queue.retry('job_1', 'w1', T0 + 1_000, 'HTTP 503');
        const row = await rawJob(database, 'job_1');
        assert.deepEqual(
          [Number(row?.run_at), row?.last_error, Number(row?.locked_until), row?.locked_by, Number(row?.attempts)],
          [T0 + 1_000, 'HTTP 503', 0, null, 1],
        );
        assert.deepEqual(await queue.claim('w1', T0 + 999, LEASE, 1), []);
        const [again] = await queue.claim('w3', T0 + 1_000, LEASE, 1);
        assert.deepEqual([again?.attempts, again?.lastError], [2, 'HTTP 503']);
      }));

    it('kill marks the job dead with its error; dead jobs are never claimed', () =>
      run(async (queue, database) => {
        await queue.enqueue(job('job_1', { dedupeKey: 'k' }), T0);
        await queue.claim('w1', T0, LEASE, 1);
        await queue.kill('job_1', 'w2', 'not mine');
        assert.equal((await rawJob(database, 'job_1'))?.dead_at, null);
        await queue.kill('job_1', 'w1', 'too many attempts');
        const row = await rawJob(database, 'job_1');
        assert.equal(typeof row?.dead_at, 'number');
        assert.equal(row?.last_error, 'too many attempts');
        assert.deepEqual(await queue.claim('w1', T0 + 10 * LEASE, LEASE, 5), []);
        assert.equal(await queue.pendingCount(), 0);
      }));

    it('release unlocks only the given jobs this worker holds, attempts kept', () =>
      run(async (queue) => {
        for (const id of ['job_1', 'job_2', 'job_3']) await queue.enqueue(job(id), T0);
        await queue.claim('w1', T0, LEASE, 3);
        await queue.release(['job_1', 'job_2'], 'w2');
        assert.deepEqual(await queue.claim('w2', T0, LEASE, 3), []);
        await queue.release(['job_1', 'job_2'], 'w1');
        await queue.release([], 'w1');
        const again = await queue.claim('w2', T0, LEASE, 3);
        assert.deepEqual(
          again.map((j) => [j.id, j.attempts]),
          [
            ['job_1', 2],
            ['job_2', 2],
          ],
        );
      }));
  });

  describe('JobQueue: concurrent workers', () => {
    const WORKERS = 4;
    const JOBS = 200;

    it(`${WORKERS} workers on separate connections claim each of ${JOBS} jobs exactly once`, async () => {
      const shared = await kind.openShared();
      const handles: Database[] = [];
      try {
        for (let i = 0; i < WORKERS; i++) handles.push(await shared.open());
        const [first] = handles;
        assert.ok(first);
        const setup = createJobQueue(first);
        for (let i = 0; i < JOBS; i++) {
          await setup.enqueue(job(`job_${String(i).padStart(4, '0')}`, { runAt: T0 + (i % 7) }), T0);
        }
        const claims = new Map<string, string[]>();
        const workers = handles.map(async (database, w) => {
          const queue = createJobQueue(database);
          const worker = `w${w}`;
          for (;;) {
            const batch = await queue.claim(worker, T0 + 10, LEASE, 3);
            if (batch.length === 0) return;
            for (const claimed of batch) {
              claims.set(claimed.id, [...(claims.get(claimed.id) ?? []), worker]);
              await queue.complete(claimed.id, worker);
            }
          }
        });
        await Promise.all(workers);
        const twice = [...claims].filter(([, by]) => by.length > 1);
        assert.deepEqual(twice, [], 'no job claimed twice');
        assert.equal(claims.size, JOBS, 'every job claimed');
        assert.equal(await setup.pendingCount(), 0);
      } finally {
        for (const database of handles) await database.close();
        await shared.dispose();
      }
    });

    it('3 processes claim each of 600 jobs exactly once', async () => {
      const shared = await kind.openShared();
      try {
        const database = await shared.open();
        try {
          const queue = createJobQueue(database);
          for (let i = 0; i < 600; i++) {
            await queue.enqueue(job(`job_${String(i).padStart(4, '0')}`, { runAt: T0 + (i % 11) }), T0);
          }
        } finally {
          await database.close();
        }
        const children = ['p1', 'p2', 'p3'].map((w) => startClaimProcess(shared.url, w, T0 + 20));
        await Promise.all(children.map((c) => c.ready));
        for (const c of children) c.go();
        const results = await Promise.all(children.map((c) => c.done));
        const all = results.flat();
        assert.equal(all.length, 600, `claims per process: ${results.map((r) => r.length).join(', ')}`);
        assert.equal(new Set(all).size, 600, 'no job claimed twice');
      } finally {
        await shared.dispose();
      }
    });
  });
});

import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Job, JobQueue, JobQueueName, NewJob } from '../../core/event-ports.ts';
import { type CompiledRun, compiled, slots } from '../compiled.ts';
import type { Database } from '../db.ts';
import { type DialectName, lockForUpdateSkipLocked } from '../dialect.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { DB, JobsTable } from '../schema.ts';
import { earliestRunAt, type JobSignal } from './job-signal.ts';
import { parseStringRecord } from './json.ts';

type JobRow = Selectable<JobsTable>;

// A record, not a list, so that a queue added to JobQueueName fails to compile here.
const QUEUES: Readonly<Record<JobQueueName, true>> = {
  deliver_webhook: true,
  reconcile_payment: true,
  reconcile_refund: true,
  process_notification: true,
  checkout_session: true,
};

/**
 * The job queue in the `jobs` table. A job is live until completed (deleted) or killed
 * (`dead_at` set); a claim leases it to one worker until `locked_until`, after which any
 * worker may claim it again.
 */
export function createJobQueue(database: Database, signal?: JobSignal): JobQueue {
  const { db, dialect } = database;
  // The claim of every poll, compiled once per number of busy groups passed over (a handful:
  // one per webhook endpoint at its limit; see `compiled`).
  const claims = new Map<number, CompiledRun<ClaimParams & Record<string, unknown>, JobRow>>();
  const claimDue = (p: ClaimParams, busyGroups: readonly string[]) => {
    let run = claims.get(busyGroups.length);
    if (run === undefined) {
      const n = busyGroups.length;
      run = compiled<ClaimParams & Record<string, unknown>, JobRow>((trx, param) =>
        claimQuery(
          trx,
          dialect,
          { now: param('now'), lockedUntil: param('lockedUntil'), workerId: param('workerId'), limit: param('limit') },
          Array.from({ length: n }, (_, i) => param(`group${i}`) as string),
        ),
      );
      if (claims.size < MAX_COMPILED_CLAIMS) claims.set(n, run);
    }
    const groups = Object.fromEntries(busyGroups.map((group, i) => [`group${i}`, group]));
    return run(db, { ...p, ...groups });
  };
  const held = (id: string, workerId: string) =>
    db.updateTable('jobs').where('id', '=', id).where('locked_by', '=', workerId);
  return {
    async enqueue(job, now) {
      await insertJobs(db, [job], now);
      signal?.(job.runAt);
    },
    async claim(workerId, now, leaseMs, limit, busyGroups = []) {
      if (!Number.isSafeInteger(limit) || limit < 1) return [];
      const { rows } = await claimDue({ now, lockedUntil: now + leaseMs, workerId, limit }, busyGroups);
      // RETURNING follows no ORDER BY: restore the claim order.
      return rows.map(toJob).sort((a, b) => a.runAt - b.runAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async complete(id, workerId) {
      await completeJob(db, { id, workerId });
    },
    async retry(id, workerId, runAt, error) {
      await held(id, workerId)
        .set({ run_at: runAt, last_error: error, locked_until: 0, locked_by: null })
        .where('dead_at', 'is', null)
        .execute();
      signal?.(runAt);
    },
    async kill(id, workerId, error) {
      // The port gives no time; this is the only wall-clock read in storage (see dead_at).
      await held(id, workerId)
        .set({ dead_at: Date.now(), last_error: error, dedupe_key: null, locked_until: 0 })
        .where('dead_at', 'is', null)
        .execute();
    },
    async release(ids, workerId) {
      if (ids.length === 0) return;
      await db
        .updateTable('jobs')
        .set({ locked_until: 0, locked_by: null })
        .where('id', 'in', ids)
        .where('locked_by', '=', workerId)
        .where('dead_at', 'is', null)
        .execute();
    },
    async extend(ids, workerId, lockedUntil) {
      if (ids.length === 0) return [];
      const rows = await db
        .updateTable('jobs')
        .set({ locked_until: lockedUntil })
        .where('id', 'in', ids)
        .where('locked_by', '=', workerId)
        .where('dead_at', 'is', null)
        .returning('id')
        .execute();
      return rows.map((row) => row.id);
    },
    async pendingCount() {
      const row = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('dead_at', 'is', null)
        .executeTakeFirstOrThrow();
      return toSafeInteger(row.n, 'count of pending jobs');
    },
    async nextRunAt() {
      const row = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.min('run_at').as('next'))
        .where('dead_at', 'is', null)
        .executeTakeFirst();
      const next = toSafeIntegerOrNull(row?.next ?? null, 'jobs.run_at');
      return next === null ? undefined : next;
    },
  };
}

/** Claim shapes kept compiled (by number of busy groups); past it, one is compiled per claim. */
const MAX_COMPILED_CLAIMS = 32;

interface ClaimParams {
  readonly now: number;
  readonly lockedUntil: number;
  readonly workerId: string;
  readonly limit: number;
}

/**
 * Leases up to `limit` due jobs to a worker, passing over those of `busyGroups`; returns them.
 *
 * One statement, so it is atomic on both databases. On PostgreSQL the CTE locks the rows it
 * picks and skips rows other claims hold; the outer guard re-checks each row after any wait.
 * The CTE is MATERIALIZED because a plain `id IN (subquery)` may be planned as a nested loop
 * that re-runs the subquery per row: the re-run no longer sees the rows this statement already
 * locked and picks others, claiming more than `limit`. On SQLite an UPDATE outside a transaction
 * takes the write lock before it reads (waiting up to busy_timeout), so another process's claim,
 * even on the same file, runs wholly before or after this one and sees its leases.
 */
function claimQuery(db: Kysely<DB>, dialect: DialectName, p: ClaimParams, busyGroups: readonly string[]) {
  let due = db
    .selectFrom('jobs')
    .select('id')
    .where('dead_at', 'is', null)
    .where('run_at', '<=', p.now)
    .where('locked_until', '<=', p.now);
  if (busyGroups.length > 0) {
    due = due.where((eb) => eb.or([eb('group_key', 'is', null), eb('group_key', 'not in', busyGroups)]));
  }
  const picked = lockForUpdateSkipLocked(due.orderBy('run_at').orderBy('id').limit(p.limit), dialect);
  return db
    .with(
      (cte) => cte('due').materialized(),
      () => picked,
    )
    .updateTable('jobs')
    .set((eb) => ({ locked_until: p.lockedUntil, locked_by: p.workerId, attempts: eb('attempts', '+', 1) }))
    .where('id', 'in', (eb) => eb.selectFrom('due').select('due.id'))
    .where('dead_at', 'is', null)
    .where('locked_until', '<=', p.now)
    .returningAll();
}

/** Completes (deletes) a job its worker still holds; compiled once (see `compiled`). */
export const completeJob = compiled<{ id: string; workerId: string }, unknown>((db, param) =>
  db
    .deleteFrom('jobs')
    .where('id', '=', param('id'))
    .where('locked_by', '=', param('workerId'))
    .where('dead_at', 'is', null),
);

/**
 * Inserts jobs, honouring dedupe keys: a job whose key a live job already holds is not added;
 * the live job keeps its row and payload and runs at the earlier of the two times. Two jobs
 * of one batch with the same key merge the same way first (one statement cannot touch a row
 * twice on PostgreSQL), and keyed rows go in key order, so concurrent batches lock the same
 * keys in the same order and cannot deadlock. Returns the earliest run time written.
 */
export async function insertJobs(
  db: Kysely<DB>,
  jobs: readonly NewJob[],
  createdAt: number,
): Promise<number | undefined> {
  if (jobs.length === 0) return undefined;
  const unkeyed: NewJob[] = [];
  const keyed = new Map<string, NewJob>();
  for (const job of jobs) {
    if (job.dedupeKey === undefined) {
      unkeyed.push(job);
      continue;
    }
    const first = keyed.get(job.dedupeKey);
    keyed.set(job.dedupeKey, first === undefined ? job : { ...first, runAt: Math.min(first.runAt, job.runAt) });
  }
  const ordered = [...keyed.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, job]) => job);
  const rows = [...ordered, ...unkeyed].map((job) => toJobRow(job, createdAt));
  if (rows.length === 1) await upsertJob(db, rows[0] as Insertable<JobsTable>);
  else await upsertJobs(db, rows).execute();
  return earliestRunAt(jobs);
}

/**
 * The insert of {@link insertJobs}. A job whose key a live job holds moves that job earlier, or
 * writes nothing at all (most repeats, such as the watch of a payment each of its updates asks
 * for again, change nothing).
 */
function upsertJobs(db: Kysely<DB>, rows: readonly Insertable<JobsTable>[]) {
  return db
    .insertInto('jobs')
    .values(rows)
    .onConflict((oc) =>
      oc
        .column('dedupe_key')
        .doUpdateSet((eb) => ({ run_at: eb.ref('excluded.run_at') }))
        .where((eb) => eb(eb.ref('excluded.run_at'), '<', eb.ref('jobs.run_at'))),
    );
}

// Most writes add one job: that insert is compiled once (see `compiled`).
const upsertJob = compiled<Insertable<JobsTable>, unknown>((db, param, first) => upsertJobs(db, [slots(param, first)]));

/** A new job as stored: unlocked, no attempts yet. */
export function toJobRow(job: NewJob, createdAt: number): Insertable<JobsTable> {
  return {
    id: job.id,
    queue: job.queue,
    payload: JSON.stringify(job.payload),
    run_at: job.runAt,
    attempts: 0,
    max_attempts: job.maxAttempts,
    locked_until: 0,
    locked_by: null,
    last_error: null,
    dead_at: null,
    dedupe_key: job.dedupeKey ?? null,
    group_key: job.groupKey ?? null,
    created_at: createdAt,
  };
}

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    queue: checkedQueue(row.queue),
    payload: parseStringRecord(row.payload, 'jobs.payload'),
    runAt: toSafeInteger(row.run_at, 'jobs.run_at'),
    maxAttempts: toSafeInteger(row.max_attempts, 'jobs.max_attempts'),
    ...(row.dedupe_key === null ? {} : { dedupeKey: row.dedupe_key }),
    ...(row.group_key === null ? {} : { groupKey: row.group_key }),
    attempts: toSafeInteger(row.attempts, 'jobs.attempts'),
    lockedUntil: toSafeInteger(row.locked_until, 'jobs.locked_until'),
    lockedBy: row.locked_by,
    lastError: row.last_error,
    createdAt: toSafeInteger(row.created_at, 'jobs.created_at'),
  };
}

function checkedQueue(queue: string): JobQueueName {
  if (!Object.hasOwn(QUEUES, queue)) throw new TypeError(`jobs.queue: unknown queue "${queue}"`);
  return queue as JobQueueName;
}

import type { Clock } from '../core/clock.ts';
import type { Job, JobQueue, JobQueueName } from '../core/event-ports.ts';
import type { Logger } from '../core/logger.ts';
import { jobBackoffMs } from './schedule.ts';

/**
 * What a handler decided: nothing (done), run the job again at `retryAt`, or `completed` when
 * the handler completed the job itself, in the transaction of its last write.
 */
export type HandlerResult = { readonly retryAt: number } | { readonly completed: true } | undefined;

/** Runs one job. Throwing retries it with back-off, until its attempts run out. */
export type JobHandler = (job: Job) => Promise<HandlerResult>;

/** Worker settings. */
export interface WorkerOptions {
  readonly queue: JobQueue;
  readonly handlers: Readonly<Record<JobQueueName, JobHandler>>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly workerId: string;
  /** Jobs run at once by this worker. */
  readonly concurrency?: number;
  /** How long a claim holds; past it, a job of a dead worker is taken again. */
  readonly leaseMs?: number;
  readonly pollIntervalMs?: number;
  /** Jobs of one group (one webhook endpoint) run at once, at most: a slow one cannot hog the rest. */
  readonly groupLimit?: number;
  /**
   * How long a nudge waits for more commits before the worker claims: under load, the jobs of
   * several commits are claimed by one statement instead of one each (default 2 ms).
   */
  readonly gatherMs?: number;
}

/** A running (or runnable) worker. */
export interface Worker {
  /** Polls for due jobs until stopped. */
  start(): void;
  /** Stops claiming, waits up to `graceMs` for running jobs, releases the rest. */
  stop(graceMs?: number): Promise<void>;
  /**
   * A commit wrote jobs, the earliest due at `runAt` (now when omitted): the worker looks for
   * them when that time comes, or at its next poll if that is sooner.
   */
  nudge(runAt?: number): void;
  /** Runs every job due now, and those they make due now, until none is left (tests). */
  runDue(): Promise<number>;
}

/** Creates a worker over the job queue. */
export function createWorker(o: WorkerOptions): Worker {
  const concurrency = o.concurrency ?? 16;
  const leaseMs = o.leaseMs ?? 60_000;
  const pollMs = o.pollIntervalMs ?? 500;
  const groupLimit = o.groupLimit ?? 4;
  const gatherMs = o.gatherMs ?? 2;
  const inflight = new Map<string, { job: Job; done: Promise<void> }>();
  const groups = new Map<string, number>();
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  /** Set by a wake-up that came while the loop was claiming: it claims again before it sleeps. */
  let missed = false;
  /** The last claim filled every free slot (or a group's): more may be due behind it. */
  let saturated = false;
  let alarm: { at: number; timer: NodeJS.Timeout } | undefined;
  /** A wake-up on its way: nudges until it fires join it. */
  let gathering: NodeJS.Timeout | undefined;
  const wakeNow = () => {
    if (wake) wake();
    else missed = true;
  };
  const ring = () => {
    if (gathering !== undefined) return;
    gathering = setTimeout(() => {
      gathering = undefined;
      wakeNow();
    }, gatherMs);
  };
  const nudge = (runAt?: number) => {
    const now = o.clock.now();
    const at = runAt ?? now;
    const wait = at - now;
    if (wait <= 0) return ring();
    // Due before the next poll: wake for it then (one alarm, the earliest).
    if (wait >= pollMs || (alarm !== undefined && alarm.at <= at)) return;
    if (alarm !== undefined) clearTimeout(alarm.timer);
    const timer = setTimeout(() => {
      alarm = undefined;
      ring();
    }, wait);
    timer.unref();
    alarm = { at, timer };
  };

  /** Running jobs whose handler has returned: their end is being recorded (or was, by the handler). */
  const finishing = new Set<string>();
  /** Running jobs whose lease another worker took after it lapsed: told once. */
  const lost = new Set<string>();
  let renewer: NodeJS.Timeout | undefined;

  /**
   * Moves the lease of every running job on: a run longer than a lease (a slow provider, a
   * webhook endpoint that takes its time) keeps its job, instead of another worker taking it
   * at the lease's end and running it a second time at once. A worker that stops renewing (a
   * dead process, a stalled event loop) leaves its jobs to the others after one lease.
   */
  async function renewLeases(): Promise<void> {
    const ids = [...inflight.keys()].filter((id) => !finishing.has(id) && !lost.has(id));
    if (ids.length === 0) return;
    try {
      const kept = new Set(await o.queue.extend(ids, o.workerId, o.clock.now() + leaseMs));
      for (const id of ids) {
        if (kept.has(id) || finishing.has(id) || !inflight.has(id)) continue;
        lost.add(id);
        const job = inflight.get(id)?.job;
        o.log.warn({ jobId: id, queue: job?.queue }, 'job lease lost while it ran: another worker may be running it');
      }
    } catch (err) {
      o.log.error({ err: String(err) }, 'renewing job leases failed');
    }
  }

  async function run(job: Job): Promise<void> {
    const log = { jobId: job.id, queue: job.queue, attempt: job.attempts };
    try {
      const handler = o.handlers[job.queue];
      if (!handler) throw new Error(`no handler for queue ${job.queue}`);
      const result = await handler(job).finally(() => finishing.add(job.id));
      if (result === undefined) await o.queue.complete(job.id, o.workerId);
      else if ('retryAt' in result) await o.queue.retry(job.id, o.workerId, result.retryAt, null);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      try {
        if (job.attempts >= job.maxAttempts) {
          o.log.error({ ...log, err: message }, 'job failed for good');
          await o.queue.kill(job.id, o.workerId, message);
        } else {
          o.log.warn({ ...log, err: message }, 'job failed; will retry');
          await o.queue.retry(job.id, o.workerId, o.clock.now() + jobBackoffMs(job.attempts), message);
        }
      } catch (inner) {
        // The lease lapses and another run takes the job again: at least once.
        o.log.error({ ...log, err: String(inner) }, 'could not record job failure');
      }
    }
  }

  function launch(job: Job): Promise<void> {
    const group = job.groupKey;
    if (group) groups.set(group, (groups.get(group) ?? 0) + 1);
    const done = run(job).finally(() => {
      inflight.delete(job.id);
      finishing.delete(job.id);
      lost.delete(job.id);
      if (group) {
        const left = (groups.get(group) ?? 1) - 1;
        if (left > 0) groups.set(group, left);
        else groups.delete(group);
      }
      // A slot is free: worth a claim only when the last one left due jobs behind.
      if (saturated) ring();
    });
    inflight.set(job.id, { job, done });
    return done;
  }

  async function claimBatch(): Promise<Job[]> {
    const free = concurrency - inflight.size;
    if (free <= 0) {
      saturated = true;
      return [];
    }
    const busy = [...groups].filter(([, n]) => n >= groupLimit).map(([g]) => g);
    const claimed = await o.queue.claim(o.workerId, o.clock.now(), leaseMs, free, busy);
    // The batch was full, or jobs of a busy group were passed over: claim again when a slot frees.
    saturated = claimed.length === free || busy.length > 0;
    return claimed;
  }

  async function poll(): Promise<void> {
    while (running) {
      missed = false;
      let claimed: Job[] = [];
      try {
        claimed = await claimBatch();
      } catch (err) {
        o.log.error({ err: String(err) }, 'claiming jobs failed');
      }
      for (const job of claimed) void launch(job);
      // Fewer than asked for is every job due now; a nudge during the claim may name jobs it
      // missed (its wake-up is on its way). A full batch leaves the rest for the freed slots
      // (see launch).
      if (!running) break;
      if (missed) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = poll();
      renewer = setInterval(() => void renewLeases(), Math.max(1, Math.floor(leaseMs / 3)));
      renewer.unref();
    },
    async stop(graceMs = 10_000) {
      running = false;
      if (alarm !== undefined) clearTimeout(alarm.timer);
      if (gathering !== undefined) clearTimeout(gathering);
      gathering = undefined;
      wakeNow();
      await loop;
      const all = Promise.all([...inflight.values()].map((f) => f.done));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      clearInterval(renewer);
      const left = [...inflight.keys()];
      if (left.length > 0) {
        o.log.warn({ jobs: left }, 'stopping: releasing unfinished jobs');
        await o.queue.release(left, o.workerId);
      }
    },
    nudge,
    async runDue() {
      let total = 0;
      for (;;) {
        const claimed = await claimBatch();
        if (claimed.length === 0 && inflight.size === 0) return total;
        total += claimed.length;
        await Promise.all([...claimed.map(launch), ...[...inflight.values()].map((f) => f.done)]);
      }
    },
  };
}

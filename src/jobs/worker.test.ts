import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../test/support/databases.ts';
import { systemClock } from '../core/clock.ts';
import type { Job, JobQueueName } from '../core/event-ports.ts';
import type { Logger } from '../core/logger.ts';
import { createJobQueue } from '../storage/repos/job-queue.ts';
import { createWorker, type JobHandler } from './worker.ts';

const LEASE_MS = 300;

function recordingLogger(): Logger & { readonly warnings: string[] } {
  const warnings: string[] = [];
  const quiet = () => {};
  return { debug: quiet, info: quiet, warn: (_obj, msg) => warnings.push(msg), error: quiet, warnings };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The handlers: `reconcile_payment` runs `handler`; no job of another queue exists here. */
function handlers(handler: JobHandler): Record<JobQueueName, JobHandler> {
  return { reconcile_payment: handler } as Partial<Record<JobQueueName, JobHandler>> as Record<
    JobQueueName,
    JobHandler
  >;
}

forEachDatabase((kind) => {
  describe('worker: leases of running jobs', () => {
    it('keeps a job that runs past its lease: no other worker runs it at the same time', () =>
      withDatabase(kind, async (database) => {
        const queue = createJobQueue(database);
        const runs: { worker: string; job: string }[] = [];
        const slow =
          (worker: string): JobHandler =>
          async (job: Job) => {
            runs.push({ worker, job: job.id });
            await sleep(LEASE_MS * 4);
            return undefined;
          };
        const log = recordingLogger();
        const options = { queue, clock: systemClock, log, leaseMs: LEASE_MS, pollIntervalMs: 20 };
        const a = createWorker({ ...options, workerId: 'worker-a', handlers: handlers(slow('a')) });
        const b = createWorker({ ...options, workerId: 'worker-b', handlers: handlers(slow('b')) });
        await queue.enqueue(
          { id: 'job_1', queue: 'reconcile_payment', payload: { payment_id: 'pay_1' }, runAt: 0, maxAttempts: 5 },
          Date.now(),
        );
        a.start();
        while (runs.length === 0) await sleep(5);
        b.start();
        // Four leases long: without renewal the second worker would take the job after one.
        await sleep(LEASE_MS * 4 + 200);
        await a.stop();
        await b.stop();
        assert.deepEqual(runs, [{ worker: 'a', job: 'job_1' }]);
        assert.equal(await queue.pendingCount(), 0, 'the job was completed by the worker that ran it');
        assert.deepEqual(log.warnings, []);
      }));

    it('says so when another worker took a job it was running', () =>
      withDatabase(kind, async (database) => {
        const queue = createJobQueue(database);
        let started = false;
        const log = recordingLogger();
        const handler: JobHandler = async () => {
          started = true;
          await sleep(LEASE_MS * 2);
          return undefined;
        };
        const a = createWorker({
          queue,
          clock: systemClock,
          log,
          leaseMs: LEASE_MS,
          pollIntervalMs: 20,
          workerId: 'worker-a',
          handlers: handlers(handler),
        });
        await queue.enqueue(
          { id: 'job_2', queue: 'reconcile_payment', payload: { payment_id: 'pay_2' }, runAt: 0, maxAttempts: 5 },
          Date.now(),
        );
        a.start();
        while (!started) await sleep(5);
        // As if its lease had lapsed (a stalled process) and another worker had claimed it.
        await database.db.updateTable('jobs').set({ locked_by: 'worker-z' }).where('id', '=', 'job_2').execute();
        await sleep(LEASE_MS * 2);
        await a.stop();
        assert.deepEqual(log.warnings, ['job lease lost while it ran: another worker may be running it']);
      }));
  });
});

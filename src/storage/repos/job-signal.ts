import type { Kysely } from 'kysely';
import { durableTransaction } from '../dialect.ts';
import type { DB } from '../schema.ts';

/**
 * Told, after a transaction that wrote jobs has committed, the earliest time one of them is
 * due: the worker of this process wakes for it instead of waiting for its next poll. Told
 * nothing when the transaction rolled back.
 */
export type JobSignal = (earliestRunAt: number) => void;

/** Collects the run times of the jobs one transaction writes, to signal once it committed. */
export class JobsWritten {
  #earliest: number | undefined;

  note(runAt: number | undefined): void {
    if (runAt !== undefined && (this.#earliest === undefined || runAt < this.#earliest)) this.#earliest = runAt;
  }

  get earliest(): number | undefined {
    return this.#earliest;
  }
}

/**
 * Runs `work` in one transaction, noting the jobs it writes in `jobs`; once the transaction has
 * committed, tells `signal` when the earliest of them falls due. A rollback tells it nothing.
 */
export async function transactionWithJobs<T>(
  db: Kysely<DB>,
  signal: JobSignal | undefined,
  work: (trx: Kysely<DB>, jobs: JobsWritten) => Promise<T>,
): Promise<T> {
  const jobs = new JobsWritten();
  const result = await durableTransaction(db, (trx) => work(trx, jobs));
  if (signal !== undefined && jobs.earliest !== undefined) signal(jobs.earliest);
  return result;
}

/** The earliest of some run times. */
export function earliestRunAt(jobs: readonly { readonly runAt: number }[]): number | undefined {
  let earliest: number | undefined;
  for (const job of jobs) if (earliest === undefined || job.runAt < earliest) earliest = job.runAt;
  return earliest;
}

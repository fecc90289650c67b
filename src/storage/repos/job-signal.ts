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

  /** Call after the commit. */
  signal(signal: JobSignal | undefined): void {
    if (signal !== undefined && this.#earliest !== undefined) signal(this.#earliest);
  }
}

/** The earliest of some run times. */
export function earliestRunAt(jobs: readonly { readonly runAt: number }[]): number | undefined {
  let earliest: number | undefined;
  for (const job of jobs) if (earliest === undefined || job.runAt < earliest) earliest = job.runAt;
  return earliest;
}

/**
 * Checkpoints a SQLite file's WAL from a worker thread, so the event loop never waits for one.
 *
 * In WAL mode a commit appends pages to the WAL; a checkpoint copies them back into the database
 * file and syncs it. Left to SQLite, the commit that crosses `wal_autocheckpoint` runs the
 * checkpoint itself, on the thread that committed: measured on the payment path, checkpoints
 * were about half of all the time spent in `COMMIT`, and the requests that waited behind them
 * made the tail latency. Here the main connection's automatic checkpoints are off and a worker
 * with a connection of its own runs `PRAGMA wal_checkpoint(PASSIVE)` after every
 * {@link COMMITS_PER_CHECKPOINT} commits, or once a second while any commit is pending. PASSIVE
 * never waits for readers or writers: the main thread goes on committing while the worker copies.
 *
 * Nothing about durability changes: a commit is in the WAL (the durable record) either way; the
 * checkpoint only moves it into the main file. Should the worker fail, the main connection
 * takes its automatic checkpoints back (`onFailure`), so the WAL never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** About 10,000 WAL pages at the payment path's pages per commit (see db.ts). */
export const COMMITS_PER_CHECKPOINT = 400;
/** A pending commit is checkpointed at the latest after this long. */
const MAX_DELAY_MS = 1000;
const POLL_MS = 50;

/** The worker's program (CommonJS, run with `eval`; no TypeScript loader in a worker's eval). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.path);
db.pragma('busy_timeout = 5000');
const commits = new Int32Array(workerData.counter);
let last = Date.now();
function checkpoint() {
  const pending = Atomics.load(commits, 0);
  if (pending === 0) { last = Date.now(); return; }
  if (pending < workerData.every && Date.now() - last < workerData.maxDelayMs) return;
  db.pragma('wal_checkpoint(PASSIVE)');
  Atomics.sub(commits, 0, pending);
  last = Date.now();
}
const timer = setInterval(checkpoint, workerData.pollMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  /** Counts one commit (an atomic add: cheap enough for every commit). */
  noteCommit(): void;
  /** Stops the worker and closes its connection: call before the main connection closes. */
  close(): Promise<void>;
}

/** Starts checkpointing the WAL of the SQLite file at `path`; `onFailure` hears if the worker dies. */
export function startCheckpointer(path: string, onFailure: (error: Error) => void): Checkpointer {
  const counter = new SharedArrayBuffer(4);
  const commits = new Int32Array(counter);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, driver, counter, every: COMMITS_PER_CHECKPOINT, maxDelayMs: MAX_DELAY_MS, pollMs: POLL_MS },
  });
  // The worker alone must never keep the process alive.
  worker.unref();
  let running = true;
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('error', (error) => {
    if (!running) return;
    running = false;
    onFailure(error);
  });
  void exited.then(() => {
    if (running) {
      running = false;
      onFailure(new Error('the WAL checkpoint worker stopped'));
    }
  });
  return {
    noteCommit() {
      Atomics.add(commits, 0, 1);
    },
    async close() {
      if (!running) return;
      running = false;
      // Held alive until it has closed its connection, which must close before the main one.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}

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
 * The WAL is written from its start again only when a write transaction begins with every frame
 * copied back; under steady load the main connection always has new frames the worker has not
 * reached, so left at that the WAL would grow for as long as the load lasts. Once it passes
 * {@link RESTART_AT_FRAMES} the worker asks for a hand: the main connection, right after its next
 * commit, checkpoints the few frames written since the worker's pass (cheap: the worker copied
 * the rest), and its next transaction starts the WAL over.
 *
 * Nothing about durability changes: a commit is in the WAL (the durable record) either way; the
 * checkpoint only moves it into the main file. Should the worker fail, the main connection
 * takes its automatic checkpoints back (`onFailure`), so the WAL never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Commits between the worker's checkpoints (and at most a second apart while any is pending). */
export const COMMITS_PER_CHECKPOINT = 400;
/** WAL frames (4 KiB pages) past which the main connection helps the WAL start over (~32 MiB). */
export const RESTART_AT_FRAMES = 8192;
/** A pending commit is checkpointed at the latest after this long. */
const MAX_DELAY_MS = 1000;
const POLL_MS = 50;
/** Checkpoints failing in a row (a second's worth of polls) before the worker gives up. */
const MAX_FAILURES = 20;

/** The worker's program (CommonJS, run with `eval`; no TypeScript loader in a worker's eval). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const SQLite = require(workerData.driver);
const db = new SQLite(workerData.path);
db.pragma('busy_timeout = 5000');
const commits = new Int32Array(workerData.counter);
let last = Date.now();
let failures = 0;
function checkpoint() {
  const pending = Atomics.load(commits, 0);
  if (pending === 0) { last = Date.now(); return; }
  if (pending < workerData.every && Date.now() - last < workerData.maxDelayMs) return;
  let result;
  try {
    [result] = db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
  } catch (error) {
    // A passing fault (the file locked by another process) is tried again at the next poll;
    // one that lasts ends the worker, and the main connection checkpoints again.
    if (++failures >= workerData.maxFailures) throw error;
    return;
  }
  Atomics.sub(commits, 0, pending);
  last = Date.now();
  if (result && result.log >= workerData.restartAtFrames) parentPort.postMessage('restart');
}
const timer = setInterval(checkpoint, workerData.pollMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/** The thresholds (the defaults above; tests make them small). */
export interface CheckpointOptions {
  readonly commitsPerCheckpoint?: number;
  readonly restartAtFrames?: number;
}

export interface Checkpointer {
  /** Counts one commit (an atomic add: cheap enough for every commit). */
  onCommit(): void;
  /**
   * True once after the worker asked for a hand: the main connection should run
   * `PRAGMA wal_checkpoint(PASSIVE)` between transactions, so that its next one restarts the WAL.
   */
  takeRestart(): boolean;
  /** Stops the worker and closes its connection: call before the main connection closes. */
  close(): Promise<void>;
}

/** Starts checkpointing the WAL of the SQLite file at `path`; `onFailure` hears if the worker dies. */
export function startCheckpointer(
  path: string,
  onFailure: (error: Error) => void,
  { commitsPerCheckpoint = COMMITS_PER_CHECKPOINT, restartAtFrames = RESTART_AT_FRAMES }: CheckpointOptions = {},
): Checkpointer {
  const counter = new SharedArrayBuffer(4);
  const commits = new Int32Array(counter);
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      path,
      driver,
      counter,
      every: commitsPerCheckpoint,
      maxDelayMs: MAX_DELAY_MS,
      pollMs: POLL_MS,
      maxFailures: MAX_FAILURES,
      restartAtFrames,
    },
  });
  // The worker alone must never keep the process alive.
  worker.unref();
  let running = true;
  let restart = false;
  worker.on('message', (message) => {
    if (message === 'restart') restart = true;
  });
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
    onCommit() {
      Atomics.add(commits, 0, 1);
    },
    takeRestart() {
      const wanted = restart;
      restart = false;
      return wanted;
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

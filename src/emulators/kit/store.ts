/**
 * Where an emulator keeps its records across restarts: one SQLite file (WAL) shared by the
 * emulators of a process, a row per record `(emulator, kind, id, json)`. An emulator marks a
 * record changed with `put` (a no-op in memory mode); the changed records are written together
 * a moment later (and on close), each serialized as it is then, so a burst of changes to one
 * payment costs one write and the request that made them never waits for the disk.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** One emulator's records in a store. */
export interface EmulatorBook {
  /** False in memory mode: nothing is loaded and nothing is written. */
  readonly durable: boolean;
  /** The records of one kind saved by an earlier run, by id, in the order they were first saved. */
  load(kind: string): ReadonlyMap<string, unknown>;
  /** Marks a record changed; `value` (a live object) is serialized at the next write, as it is then. */
  put(kind: string, id: string, value: unknown): void;
  remove(kind: string, id: string): void;
  /** Forgets every record of this emulator (a reset). */
  clear(): void;
}

export interface EmulatorStore {
  /** Where the records are kept, or null in memory. */
  readonly path: string | null;
  book(emulator: string): EmulatorBook;
  /** Writes every changed record now. */
  flush(): void;
  /** Writes what changed and closes the file. */
  close(): void;
}

const NOTHING: ReadonlyMap<string, unknown> = new Map();

/** The book of an emulator that keeps its state in memory only: every call does nothing. */
export const MEMORY_BOOK: EmulatorBook = {
  durable: false,
  load: () => NOTHING,
  put() {},
  remove() {},
  clear() {},
};

export function memoryStore(): EmulatorStore {
  return { path: null, book: () => MEMORY_BOOK, flush() {}, close() {} };
}

/** Default wait between a change and its write. */
export const DEFAULT_FLUSH_INTERVAL_MS = 200;

const REMOVED = Symbol('removed');
type Change = { emulator: string; kind: string; id: string; value: unknown };

export type FileStoreOptions = {
  /** How long changes are collected before they are written together (default 200 ms). */
  flushIntervalMs?: number;
  /** Told when a write fails (default: a line on stderr); the changes are tried again at the next write. */
  onError?(err: unknown): void;
};

/** Opens (or creates) the store at `path`; its directory is created if missing. */
export function openFileStore(path: string, options: FileStoreOptions = {}): EmulatorStore {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS emulator_records (
    emulator TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (emulator, kind, id)
  )`);
  const upsert = db.prepare(
    'INSERT INTO emulator_records (emulator, kind, id, json) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (emulator, kind, id) DO UPDATE SET json = excluded.json',
  );
  const deleteOne = db.prepare('DELETE FROM emulator_records WHERE emulator = ? AND kind = ? AND id = ?');
  const deleteAll = db.prepare('DELETE FROM emulator_records WHERE emulator = ?');
  // The upsert keeps a row's rowid, so rowid order is the order records were first saved.
  const selectAll = db.prepare<[string], { kind: string; id: string; json: string }>(
    'SELECT kind, id, json FROM emulator_records WHERE emulator = ? ORDER BY rowid',
  );
  const intervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
  const onError =
    options.onError ?? ((err: unknown) => process.stderr.write(`emulator state not saved: ${String(err)}\n`));
  let changes = new Map<string, Change>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const write = db.transaction((batch: Iterable<Change>) => {
    for (const c of batch) {
      if (c.value === REMOVED) deleteOne.run(c.emulator, c.kind, c.id);
      else upsert.run(c.emulator, c.kind, c.id, JSON.stringify(c.value));
    }
  });

  function flush(): void {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (changes.size === 0 || closed) return;
    const batch = changes;
    changes = new Map();
    try {
      write(batch.values());
    } catch (err) {
      // Kept for the next write, unless changed again since.
      for (const [key, change] of batch) if (!changes.has(key)) changes.set(key, change);
      onError(err);
    }
  }

  function change(emulator: string, kind: string, id: string, value: unknown): void {
    if (closed) return;
    changes.set(`${emulator}\u0000${kind}\u0000${id}`, { emulator, kind, id, value });
    if (timer === undefined) {
      timer = setTimeout(flush, intervalMs);
      timer.unref();
    }
  }

  function book(emulator: string): EmulatorBook {
    const saved = new Map<string, Map<string, unknown>>();
    for (const row of selectAll.iterate(emulator)) {
      let kind = saved.get(row.kind);
      if (!kind) {
        kind = new Map();
        saved.set(row.kind, kind);
      }
      kind.set(row.id, JSON.parse(row.json));
    }
    return {
      durable: true,
      load: (kind) => saved.get(kind) ?? NOTHING,
      put: (kind, id, value) => change(emulator, kind, id, value),
      remove: (kind, id) => change(emulator, kind, id, REMOVED),
      clear() {
        saved.clear();
        const prefix = `${emulator}\u0000`;
        for (const key of changes.keys()) if (key.startsWith(prefix)) changes.delete(key);
        if (!closed) deleteAll.run(emulator);
      },
    };
  }

  return {
    path,
    book,
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
      db.close();
    },
  };
}

/**
 * Keeps a clock's offset in the book: restores the saved one (time only moves forward) and saves
 * each move of it.
 */
export function keepClockOffset(
  clock: { offsetMs(): number; advance(ms: number): number; reset(): void },
  book: EmulatorBook,
): void {
  if (!book.durable) return;
  const saved = book.load('meta').get('clock') as { offsetMs?: unknown } | undefined;
  const offset = typeof saved?.offsetMs === 'number' ? saved.offsetMs : 0;
  if (offset > clock.offsetMs()) clock.advance(offset - clock.offsetMs());
  const save = () => book.put('meta', 'clock', { offsetMs: clock.offsetMs() });
  const { advance, reset } = clock;
  clock.advance = (ms) => {
    const now = advance(ms);
    save();
    return now;
  };
  clock.reset = () => {
    reset();
    save();
  };
}

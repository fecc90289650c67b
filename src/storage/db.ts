import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient, sql } from 'kysely';
import pg from 'pg';
import { type Checkpointer, type CheckpointOptions, startCheckpointer } from './checkpointer.ts';
import { type DialectName, isUniqueViolation, sqliteDialect } from './dialect.ts';
import { toSafeInteger } from './safe-integer.ts';
import type { DB } from './schema.ts';

/** An open database: the Kysely instance, which dialect it speaks, and how to close it. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  /**
   * PostgreSQL only: messages between the processes that share the database (`NOTIFY` and
   * `LISTEN` on a channel of this schema). SQLite has none.
   */
  readonly channel?: DatabaseChannel;
  close(): Promise<void>;
}

/** A PostgreSQL notification channel, named per schema so deployments sharing a server stay apart. */
export interface DatabaseChannel {
  /** Sends `payload` to every listener of the channel `topic` (on this schema). */
  notify(topic: string, payload: string): Promise<void>;
  /**
   * Listens on `topic` over a connection of its own, reconnecting after a loss (messages sent
   * meanwhile are lost: listeners must not depend on them). Resolves once listening.
   */
  listen(topic: string, onMessage: (payload: string) => void, onError: (error: Error) => void): Promise<Listening>;
}

/** A running `listen`. */
export interface Listening {
  close(): Promise<void>;
}

const PG_INT8_OID = 20;
/** WAL pages after which a commit checkpoints, should the worker (checkpointer.ts) fail. */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens `sqlite::memory:`, `sqlite:<path>` (parent directory created) or
 * `postgres://…` / `postgresql://…` (optional `?schema=NAME`, created if missing).
 */
export async function openDatabase(url: string, checkpoints?: CheckpointOptions): Promise<Database> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), checkpoints);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url);
  throw new Error(
    `unsupported database URL scheme "${schemeOf(url)}": expected sqlite::memory:, sqlite:<path>, postgres:// or postgresql://`,
  );
}

function schemeOf(url: string): string {
  const colon = url.indexOf(':');
  return colon > 0 ? url.slice(0, colon + 1) : '(none)';
}

function openSqlite(path: string, checkpoints?: CheckpointOptions): Database {
  if (path === '') throw new Error('sqlite: URL has no path: use sqlite::memory: or sqlite:<path>');
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  try {
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    // Checkpoint every ~40 MB of WAL, not ~4 MB: the payment path rewrites the same hot pages
    // (job queue, index tails) commit after commit, and a checkpoint copies each page once
    // however often it changed. Measured: about 10 % less gateway CPU per payment lifecycle.
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    sqlite.pragma('foreign_keys = ON');
    // The journals of group commit's savepoints stay in memory: in a temporary file, one write
    // per page, they took 6 % of the gateway's CPU under the bench's creates (1 % in memory).
    sqlite.pragma('temp_store = MEMORY');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const checkpointer = inMemory ? undefined : offLoopCheckpoints(sqlite, path, checkpoints);
  const db = new Kysely<DB>({ dialect: sqliteDialect({ database: sqlite }, checkpointer) });
  return {
    db,
    dialect: 'sqlite',
    close: async () => {
      // The worker's connection closes first, so the main one, closing last, checkpoints the
      // whole WAL into the file and removes it.
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

/** The WAL checkpointed by a worker thread; SQLite's own automatic checkpoints come back if it fails. */
function offLoopCheckpoints(sqlite: SQLite.Database, path: string, options?: CheckpointOptions): Checkpointer {
  sqlite.pragma('wal_autocheckpoint = 0');
  const onFailure = (error: Error) => {
    if (!sqlite.open) return;
    sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    process.emitWarning(`SQLite WAL checkpoint worker failed (${error.message}): commits checkpoint again`);
  };
  return startCheckpointer(path, onFailure, options);
}

async function openPostgres(url: string): Promise<Database> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new Error(`postgres URL: schema "${schema}" must match ${SCHEMA_NAME} (unquoted lower-case identifier)`);
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    types: int8AsSafeInteger(),
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  // An idle client dropped by the server emits 'error' on the pool; unhandled, it would kill
  // the process. The pool replaces the client; queries in flight report their own errors.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparingStatements(pool) }) });
  try {
    await (schema === null ? sql`select 1`.execute(db) : createSchema(db, schema));
  } catch (error) {
    await db.destroy();
    throw new Error(`cannot use PostgreSQL at ${describeTarget(parsed)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const channel = postgresChannel(db, parsed, schema);
  return { db, dialect: 'postgres', channel, close: () => db.destroy() };
}

/** How long a listener waits before connecting again after losing its connection. */
const RELISTEN_MS = 1_000;

function postgresChannel(db: Kysely<DB>, url: URL, schema: string | null): DatabaseChannel {
  const name = (topic: string) => {
    const full = `bawaba_${topic}${schema === null ? '' : `_${schema}`}`;
    // Channel names are identifiers: 63 bytes at most.
    return full.length <= 63
      ? full
      : `bawaba_${topic}_${createHash('sha256')
          .update(schema ?? '')
          .digest('hex')
          .slice(0, 20)}`;
  };
  return {
    async notify(topic, payload) {
      await sql`select pg_notify(${name(topic)}, ${payload})`.execute(db);
    },
    async listen(topic, onMessage, onError) {
      const channel = name(topic);
      let closed = false;
      let client: pg.Client | undefined;
      let retry: NodeJS.Timeout | undefined;
      const again = () => {
        if (closed || retry !== undefined) return;
        retry = setTimeout(() => {
          retry = undefined;
          void start();
        }, RELISTEN_MS);
        retry.unref();
      };
      const start = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url.toString() });
        client = c;
        c.on('notification', (message) => {
          if (message.channel === channel) onMessage(message.payload ?? '');
        });
        const lost = (error: Error) => {
          onError(error);
          void c.end().catch(() => {});
          if (client === c) again();
        };
        c.on('error', lost);
        try {
          await c.connect();
          await c.query(`listen "${channel}"`);
        } catch (error) {
          lost(error as Error);
        }
      };
      await start();
      return {
        async close() {
          closed = true;
          clearTimeout(retry);
          await client?.end().catch(() => {});
        },
      };
    },
  };
}

/** Distinct statement names kept; past this many, a statement's name is worked out again. */
const STATEMENT_NAMES_KEPT = 1000;
/** "cached plan must not change result type": a table changed under a prepared statement. */
function isStalePlan(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === '0A000' && typeof message === 'string' && message.includes('cached plan must not change result type');
}

/**
 * The pool as Kysely's PostgreSQL driver sees it, except that a query with parameters runs as
 * a named prepared statement: each connection parses and plans its text once and reuses the
 * plan (PostgreSQL may still re-plan it for the values), instead of parsing and planning every
 * query afresh. The name is a hash of the text, so the same text has the same name on every
 * connection. Queries without parameters (transaction control, DDL, and texts that may hold
 * several statements) run as before.
 *
 * When another process migrates a table under a statement this one has prepared, PostgreSQL
 * refuses to run it ("cached plan must not change result type"): the text gets a new name and
 * the query is sent once more, prepared afresh. Outside a transaction that is invisible; inside
 * one, the transaction has failed already and its request fails once.
 *
 * Each query's messages leave in one write: node-postgres writes a query's Bind, Describe,
 * Execute and Sync one by one, and the socket sent the first alone and the rest in a second
 * system call — two TCP segments, and two wake-ups of the server, per query.
 */
function preparingStatements(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  let generation = 0;
  const nameOf = (text: string): string => {
    let name = names.get(text);
    if (name === undefined) {
      if (names.size >= STATEMENT_NAMES_KEPT) names.clear();
      name = `b${generation}_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
      names.set(text, name);
    }
    return name;
  };
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const oneWrite = corking(client);
      const prepared = async (text: string, values: unknown[]) => {
        try {
          return await oneWrite(() => client.query({ name: nameOf(text), text, values }));
        } catch (error) {
          if (!isStalePlan(error)) throw error;
          generation += 1;
          names.clear();
          return oneWrite(() => client.query({ name: nameOf(text), text, values }));
        }
      };
      return {
        query: ((text: string, parameters: readonly unknown[]) =>
          parameters.length > 0
            ? prepared(text, [...parameters])
            : oneWrite(() => client.query(text, [...parameters]))) as unknown as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * Runs `send` with the client's socket corked, so what it writes leaves in one system call. A
 * client that is idle (as Kysely's always is: one query at a time per connection) writes a
 * query's messages within `client.query`; a queued query is written later, uncorked, as before.
 */
function corking(client: pg.PoolClient): <T>(send: () => T) => T {
  const stream = (client as unknown as { connection?: { stream?: Writable } }).connection?.stream;
  if (stream === undefined || typeof stream.cork !== 'function') return (send) => send();
  return (send) => {
    stream.cork();
    try {
      return send();
    } finally {
      stream.uncork();
    }
  };
}

/** This pool's own parser (never the global one): int8 as a number, or an error if unsafe. */
function int8AsSafeInteger(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(PG_INT8_OID, 'text', (value: string) => toSafeInteger(value, 'PostgreSQL int8'));
  return types;
}

async function createSchema(db: Kysely<DB>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // Two processes creating the same schema at once: IF NOT EXISTS does not cover the race.
    if (!isUniqueViolation(error)) throw error;
  }
}

/** Host, port and database only: the URL may carry a password. */
function describeTarget(url: URL): string {
  return `${url.hostname}${url.port === '' ? '' : `:${url.port}`}${url.pathname}`;
}

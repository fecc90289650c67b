import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { type DialectName, isUniqueViolation, sqliteDialect } from './dialect.ts';
import { toSafeInteger } from './safe-integer.ts';
import type { DB } from './schema.ts';

/** An open database: the Kysely instance, which dialect it speaks, and how to close it. */
export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  close(): Promise<void>;
}

const PG_INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens `sqlite::memory:`, `sqlite:<path>` (parent directory created) or
 * `postgres://…` / `postgresql://…` (optional `?schema=NAME`, created if missing).
 */
export async function openDatabase(url: string): Promise<Database> {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url);
  throw new Error(
    `unsupported database URL scheme "${schemeOf(url)}": expected sqlite::memory:, sqlite:<path>, postgres:// or postgresql://`,
  );
}

function schemeOf(url: string): string {
  const colon = url.indexOf(':');
  return colon > 0 ? url.slice(0, colon + 1) : '(none)';
}

function openSqlite(path: string): Database {
  if (path === '') throw new Error('sqlite: URL has no path: use sqlite::memory: or sqlite:<path>');
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  try {
    if (!inMemory) sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<DB>({ dialect: sqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
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
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  try {
    await (schema === null ? sql`select 1`.execute(db) : createSchema(db, schema));
  } catch (error) {
    await db.destroy();
    throw new Error(`cannot use PostgreSQL at ${describeTarget(parsed)}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
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

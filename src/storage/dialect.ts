import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type SelectQueryBuilder,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type SqliteStatement,
  sql,
  type Transaction,
} from 'kysely';

/** The SQL dialects Bawaba runs on. Every branch on it lives in this file. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * Adds `FOR UPDATE SKIP LOCKED` on PostgreSQL. SQLite has no row locks (a writer holds the
 * whole database) and rejects the clause, which Kysely would emit anyway.
 */
export function lockForUpdateSkipLocked<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: DialectName,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate().skipLocked() : query;
}

/** Adds `FOR UPDATE` on PostgreSQL; a no-op on SQLite, for the same reason as above. */
export function lockForUpdate<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  dialect: DialectName,
): SelectQueryBuilder<DB, TB, O> {
  return dialect === 'postgres' ? query.forUpdate() : query;
}

/**
 * Kysely's SQLite dialect, except that transactions open with `BEGIN IMMEDIATE`, taking the
 * write lock at once (waiting up to `busy_timeout` for it).
 *
 * Kysely's plain `BEGIN` is deferred: a transaction that reads before it writes holds only a
 * read snapshot, and when another process commits in between, its first write fails at once
 * with SQLITE_BUSY_SNAPSHOT (WAL) without waiting, since the snapshot can never be upgraded.
 * Every Bawaba transaction writes, so taking the lock up front costs nothing: SQLite lets
 * one writer in at a time anyway. Statements outside a transaction are unaffected.
 *
 * better-sqlite3 waits for a lock synchronously: two handles of one process on one file must
 * not hold transactions open at once (the second would stall the event loop the first needs
 * to finish, then fail with SQLITE_BUSY). One process uses one handle, which Kysely
 * serialises; only tests open more. (The WAL checkpoint worker's handle, checkpointer.ts, runs
 * only PASSIVE checkpoints, which never hold a transaction nor wait for one.)
 */
export function sqliteDialect(config: SqliteDialectConfig, wal: WalHooks = NO_WAL_HOOKS): Dialect {
  const activity: WriteActivity = { wrote: true };
  if (typeof config.database !== 'function') {
    config = { ...config, database: reusingStatements(config.database, activity) };
  }
  const base = new SqliteDialect(config);
  const driver = new GroupCommitSqliteDriver(config, activity, wal);
  return {
    createAdapter: () => {
      const adapter = base.createAdapter();
      durability.set(adapter, () => driver.durable());
      return adapter;
    },
    createDriver: (): Driver => driver,
    createIntrospector: (db) => base.createIntrospector(db),
    createQueryCompiler: () => base.createQueryCompiler(),
  };
}

/**
 * Runs `work` in a transaction and returns once it is durable: every transaction of Bawaba's
 * storage goes through here (see {@link whenDurable}).
 */
export async function durableTransaction<T, R>(db: Kysely<T>, work: (trx: Transaction<T>) => Promise<R>): Promise<R> {
  const result = await db.transaction().execute(work);
  await whenDurable(db);
  return result;
}

/** Each SQLite database's wait for its last transaction's commit, by its Kysely adapter. */
const durability = new WeakMap<object, () => Promise<void>>();

/**
 * Resolves once the transaction `db` just ran is committed to disk (SQLite: its group, see
 * {@link GroupCommitSqliteDriver}); at once on PostgreSQL, whose commit is the transaction's end.
 * Call it right after the transaction, before anything outside the database acts on it.
 */
export function whenDurable<T>(db: Kysely<T>): Promise<void> {
  return durability.get(db.getExecutor().adapter)?.() ?? Promise.resolve();
}

/** What the driver tells the WAL's checkpointer (checkpointer.ts), and asks of it. */
export interface WalHooks {
  /** A commit happened (a group's, or a write outside any group). */
  onCommit(): void;
  /** True when the connection should checkpoint after this commit (see `Checkpointer.takeRestart`). */
  takeRestart(): boolean;
}

const NO_WAL_HOOKS: WalHooks = { onCommit: () => {}, takeRestart: () => false };

/** Prepared statements kept per SQLite database; the least recently used go past this many. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The database as Kysely's SQLite driver sees it, except that each distinct SQL text is
 * prepared once and its statement reused (Kysely prepares every query afresh, which costs more
 * than running most of them). A statement is used by one query at a time: the driver runs one
 * query at once on its single connection, and better-sqlite3 runs each to completion.
 */
function reusingStatements(database: SqliteDatabase, activity: WriteActivity): SqliteDatabase {
  const statements = new Map<string, SqliteStatement>();
  return {
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          const oldest = statements.keys().next().value;
          if (oldest !== undefined) statements.delete(oldest);
        }
      } else {
        statements.delete(sql);
      }
      statements.set(sql, statement);
      if (!statement.reader) activity.wrote = true;
      return statement;
    },
    close() {
      statements.clear();
      database.close();
    },
  };
}

/** Whether a statement that writes ran since the connection was last taken (unknown: true). */
interface WriteActivity {
  wrote: boolean;
}

interface Group {
  readonly committed: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function newGroup(): Group {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const committed = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A group nobody waits for (only reads in it) must not be an unhandled rejection.
  committed.catch(() => {});
  return { committed, resolve, reject };
}

/**
 * Group commit: the transactions that end while one commit is pending share it. The first opens
 * the database's write transaction (`BEGIN IMMEDIATE`, see above); each runs in a savepoint of
 * it, released at its end (or rolled back to, alone); the write transaction commits once the
 * event loop is free of them. A commit writes every page its transactions changed to the WAL,
 * which costs far more than the statements: under load one commit now serves several payments.
 *
 * A transaction is durable only once its group committed: `whenDurable` waits for that, and
 * every caller awaits it before anything outside the database learns of the change (an answer
 * sent, a provider called). A failed commit rejects every transaction of its group. A write
 * outside transactions that runs while a group is open joins it, and returns once it committed.
 */
class GroupCommitSqliteDriver extends SqliteDriver {
  readonly #activity: WriteActivity;
  readonly #wal: WalHooks;
  readonly #tracked: boolean;
  #group: Group | undefined;
  #lastCommitted: Promise<void> = Promise.resolve();
  #flushing = false;
  /** The connection was taken for a transaction (not for one statement). */
  #forTransaction = false;

  constructor(config: SqliteDialectConfig, activity: WriteActivity, wal: WalHooks) {
    super(config);
    this.#activity = activity;
    this.#wal = wal;
    // A database given as a factory is not wrapped: every statement is taken as a write.
    this.#tracked = typeof config.database !== 'function';
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await super.acquireConnection();
    this.#forTransaction = false;
    if (this.#tracked) this.#activity.wrote = false;
    return connection;
  }

  /**
   * A write outside any transaction while a group is open joins that group: its caller hears of
   * it only once the group has committed, like a transaction's. One that commits alone (a
   * statement outside a group, or a group's own `COMMIT` in {@link #flush}) is told to the WAL hooks.
   */
  override async releaseConnection(): Promise<void> {
    const wroteAlone = !this.#forTransaction && this.#activity.wrote;
    const group = this.#group;
    await super.releaseConnection();
    if (!wroteAlone) return;
    if (group === undefined) {
      this.#wal.onCommit();
      return;
    }
    this.#scheduleFlush();
    await group.committed;
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    this.#forTransaction = true;
    if (this.#group === undefined) {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
      this.#group = newGroup();
    }
    await connection.executeQuery(CompiledQuery.raw('savepoint bawaba_tx'));
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('release bawaba_tx'));
    this.#lastCommitted = (this.#group as Group).committed;
    this.#scheduleFlush();
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback to bawaba_tx'));
    await connection.executeQuery(CompiledQuery.raw('release bawaba_tx'));
    this.#scheduleFlush();
  }

  /** The commit of the group the last transaction ended in. */
  durable(): Promise<void> {
    return this.#lastCommitted;
  }

  #scheduleFlush(): void {
    if (this.#flushing) return;
    this.#flushing = true;
    setImmediate(() => void this.#flush());
  }

  async #flush(): Promise<void> {
    const connection = await this.acquireConnection();
    try {
      this.#flushing = false;
      const group = this.#group;
      if (group === undefined) return;
      this.#group = undefined;
      try {
        await connection.executeQuery(CompiledQuery.raw('commit'));
        group.resolve();
        // Between transactions, when the checkpointer asks: the next one then restarts the WAL.
        if (this.#wal.takeRestart()) {
          await connection.executeQuery(CompiledQuery.raw('pragma wal_checkpoint(PASSIVE)')).catch(() => {});
        }
      } catch (error) {
        await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
        group.reject(error);
      }
    } finally {
      await this.releaseConnection();
    }
  }

  override async destroy(): Promise<void> {
    if (this.#group !== undefined) await this.#flush();
    await super.destroy();
  }
}

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const PG_UNIQUE_VIOLATION = '23505';

/** True when `error` is a unique or primary-key violation, on either database. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return code === PG_UNIQUE_VIOLATION || (typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code));
}

/** The schema unqualified names resolve to on PostgreSQL (`search_path`); SQLite has none. */
export async function currentSchema<T>(db: Kysely<T>, dialect: DialectName): Promise<string | undefined> {
  if (dialect !== 'postgres') return undefined;
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (schema === undefined || schema === null) throw new Error('PostgreSQL has no current schema (check search_path)');
  return schema;
}

/**
 * The databases every storage test runs on: SQLite always, PostgreSQL when
 * BAWABA_TEST_DATABASE_URL is set. Each open() hands out a fresh, migrated, private database
 * (an in-memory SQLite, or a uniquely named PostgreSQL schema dropped on close), so test
 * files running in parallel never see each other's rows.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { type Kysely, sql } from 'kysely';
import { type Database, openDatabase } from '../../src/storage/db.ts';
import { migrateToLatest } from '../../src/storage/migrate.ts';
import type { DB } from '../../src/storage/schema.ts';

/** One fresh database that several independent handles (pools, connections) can open. */
export interface SharedDatabase {
  /** Its URL, for handles opened elsewhere (another process); they must close before dispose(). */
  readonly url: string;
  /** Opens another handle; close it before dispose(). */
  open(): Promise<Database>;
  /** Removes the database. */
  dispose(): Promise<void>;
}

/** A database kind the storage tests run on. */
export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, migrated, private database; closing it removes it. */
  open(): Promise<Database>;
  /** A fresh, migrated database for tests that need several connections at once. */
  openShared(): Promise<SharedDatabase>;
}

const URL_VARIABLE = 'BAWABA_TEST_DATABASE_URL';

const sqlite: TestDatabase = {
  name: 'sqlite',
  async open() {
    const database = await openDatabase('sqlite::memory:');
    return migrated(database);
  },
  async openShared() {
    const dir = mkdtempSync(join(tmpdir(), 'bawaba-test-'));
    const url = `sqlite:${join(dir, 'bawaba.db')}`;
    const owner = await migrated(await openDatabase(url));
    return {
      url,
      open: () => openDatabase(url),
      async dispose() {
        await owner.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

// Kysely's Migrator scans the catalogue of every schema in the database; a schema dropped by
// a parallel test file in the middle of that scan makes it fail ("schema ... does not exist").
// Migrations therefore hold this advisory lock shared, and schema drops hold it exclusively.
const SCHEMA_LOCK = 0x6261_7761; // "bawa"

function postgres(baseUrl: string): TestDatabase {
  const create = async (): Promise<{ url: string; owner: Database }> => {
    const schema = `bawaba_test_${process.pid}_${randomBytes(6).toString('hex')}`;
    const url = withSchema(baseUrl, schema);
    const database = await openPostgres(url);
    const close = () =>
      withSchemaLock(database, 'exclusive', async (conn) => {
        await sql`drop schema ${sql.id(schema)} cascade`.execute(conn);
      }).finally(() => database.close());
    try {
      await migrateUnderTest(database);
    } catch (error) {
      await close();
      throw error;
    }
    return { url, owner: { ...database, close } };
  };
  return {
    name: 'postgres',
    open: async () => (await create()).owner,
    async openShared() {
      const { url, owner } = await create();
      return { url, open: () => openPostgres(url), dispose: () => owner.close() };
    },
  };
}

/**
 * migrateToLatest, safe next to test files running in parallel on the same PostgreSQL
 * database: tests that call the migrator themselves must use this.
 */
export function migrateUnderTest(database: Database): Promise<string[]> {
  if (database.dialect === 'sqlite') return migrateToLatest(database);
  return withSchemaLock(database, 'shared', () => migrateToLatest(database));
}

async function withSchemaLock<T>(
  database: Database,
  mode: 'shared' | 'exclusive',
  fn: (conn: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const suffix = sql.raw(mode === 'shared' ? '_shared' : '');
  return database.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock${suffix}(${SCHEMA_LOCK})`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      await sql`select pg_advisory_unlock${suffix}(${SCHEMA_LOCK})`.execute(conn);
    }
  });
}

/** A PostgreSQL entry that fails every test it is asked for, with `reason`. */
function unavailablePostgres(reason: string): TestDatabase {
  const fail = () => Promise.reject(new Error(reason));
  return { name: 'postgres', open: fail, openShared: fail };
}

async function openPostgres(url: string): Promise<Database> {
  try {
    return await openDatabase(url);
  } catch (error) {
    throw new Error(`PostgreSQL test pass (${URL_VARIABLE}): ${(error as Error).message}`, { cause: error });
  }
}

async function migrated(database: Database): Promise<Database> {
  try {
    await migrateToLatest(database);
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

function withSchema(baseUrl: string, schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('schema', schema);
  return url.toString();
}

function selectDatabases(): TestDatabase[] {
  const url = process.env[URL_VARIABLE];
  if (url !== undefined && url !== '') return [sqlite, postgres(url)];
  if (process.env.CI === 'true') {
    return [
      sqlite,
      unavailablePostgres(`CI=true but ${URL_VARIABLE} is not set: the PostgreSQL test pass must run in CI`),
    ];
  }
  console.log(`PostgreSQL pass skipped: ${URL_VARIABLE} is not set (storage tests ran on SQLite only)`);
  return [sqlite];
}

/** SQLite, plus PostgreSQL when configured (or a failing stand-in when CI lacks it). */
export const TEST_DATABASES: TestDatabase[] = selectDatabases();

/** One `describe` block per database in {@link TEST_DATABASES}. */
export function forEachDatabase(fn: (database: TestDatabase) => void): void {
  for (const database of TEST_DATABASES) {
    describe(database.name, () => fn(database));
  }
}

/** Runs `fn` on a fresh database of kind `kind`, closing (and removing) it afterwards. */
export async function withDatabase<T>(kind: TestDatabase, fn: (database: Database) => Promise<T>): Promise<T> {
  const database = await kind.open();
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

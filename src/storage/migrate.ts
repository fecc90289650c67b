import { Migrator } from 'kysely';
import type { Database } from './db.ts';
import { currentSchema } from './dialect.ts';
import { migrationProvider } from './migrations/index.ts';

/** Attempts at migrating while other schemas of the same PostgreSQL database come and go. */
const ATTEMPTS = 3;

/**
 * Applies every pending migration; returns the names applied, in order. The Migrator reads the
 * catalogue of every schema in the database, so another schema dropped in the middle of that
 * read fails it with `invalid_schema_name` (3F000) although nothing of ours changed: that is
 * tried again; a missing schema of our own still fails on the last attempt.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateOnce(database);
    } catch (error) {
      const e = error as { code?: unknown; cause?: { code?: unknown } };
      if (attempt >= ATTEMPTS || (e.code ?? e.cause?.code) !== '3F000') throw error;
    }
  }
}

async function migrateOnce(database: Database): Promise<string[]> {
  // On PostgreSQL the Migrator finds its bookkeeping tables in any schema unless told which,
  // so a second schema in the same database would see the first one's.
  const schema = await currentSchema(database.db, database.dialect);
  const migrator = new Migrator({
    db: database.db,
    provider: migrationProvider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((r) => r.status === 'Error')?.migrationName;
    const where = failed === undefined ? '' : ` at ${failed}`;
    throw new Error(`database migration failed${where}: ${describe(error)}`, { cause: error });
  }
  return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

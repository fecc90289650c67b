import { Migrator } from 'kysely';
import type { Database } from './db.ts';
import { currentSchema } from './dialect.ts';
import { migrationProvider } from './migrations/index.ts';

/** Applies every pending migration; returns the names applied, in order. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  // On PostgreSQL the Migrator finds its bookkeeping tables in any schema unless told which,
  // so a second schema in the same database would see the first one's.
  const migrator = new Migrator({
    db: database.db,
    provider: migrationProvider,
    migrationTableSchema: await currentSchema(database.db, database.dialect),
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

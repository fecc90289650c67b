import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';

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

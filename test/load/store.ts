/**
 * Read-only counts straight from the gateway's database (SQLite file or a PostgreSQL schema),
 * with plain SQL and the drivers themselves: the bench checks what was stored without going
 * through the code it measures.
 */
import SQLite from 'better-sqlite3';
import pg from 'pg';

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Rows of a parameterless SELECT; numbers come back as numbers on both databases. */
  rows(query: string): Promise<Record<string, unknown>[]>;
  /** The single number a `select count(*) as n …` answers. */
  count(query: string): Promise<number>;
  /** PostgreSQL's activity counters of each table of the schema (undefined on SQLite). */
  tableStats(): Promise<Map<string, TableStats> | undefined>;
  close(): Promise<void>;
}

/** What PostgreSQL counted on one table (`pg_stat_user_tables`). */
export interface TableStats {
  readonly seqScans: number;
  readonly seqRowsRead: number;
  readonly indexScans: number;
  readonly inserted: number;
  readonly updated: number;
  readonly deleted: number;
}

export function openSqliteStore(file: string): Store {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const rows = async (query: string) => db.prepare(query).all() as Record<string, unknown>[];
  return {
    dialect: 'sqlite',
    rows,
    count: async (query) => Number((await rows(query))[0]?.n ?? Number.NaN),
    tableStats: async () => undefined,
    close: async () => {
      db.close();
    },
  };
}

/** A PostgreSQL URL without `?schema=`, and the schema its `search_path` should be. */
export function splitSchema(url: string): { base: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { base: parsed.toString(), schema };
}

export async function openPostgresStore(url: string): Promise<Store> {
  const { base, schema } = splitSchema(url);
  const client = new pg.Client({
    connectionString: base,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  client.on('error', () => {});
  await client.connect();
  const rows = async (query: string) => {
    const result = await client.query(query);
    // int8 and numeric come back as strings: every column a count or a time is a number here.
    return result.rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v]),
      ),
    );
  };
  return {
    dialect: 'postgres',
    rows,
    count: async (query) => Number((await rows(query))[0]?.n ?? Number.NaN),
    async tableStats() {
      // Statistics other sessions reported so far (each reports within about a second of its
      // transactions); read afresh, not from this session's snapshot.
      await client.query('select pg_stat_clear_snapshot()');
      const stats = await rows(
        'select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0) as idx_scan, n_tup_ins, n_tup_upd, n_tup_del from pg_stat_user_tables where schemaname = current_schema()',
      );
      return new Map(
        stats.map((r) => [
          String(r.relname),
          {
            seqScans: Number(r.seq_scan),
            seqRowsRead: Number(r.seq_tup_read),
            indexScans: Number(r.idx_scan),
            inserted: Number(r.n_tup_ins),
            updated: Number(r.n_tup_upd),
            deleted: Number(r.n_tup_del),
          },
        ]),
      );
    },
    close: () => client.end(),
  };
}

/** Drops a bench's PostgreSQL schema (and everything in it). */
export async function dropSchema(url: string): Promise<void> {
  const { base, schema } = splitSchema(url);
  if (schema === undefined) return;
  const client = new pg.Client({ connectionString: base });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema.replace(/"/g, '')}" cascade`);
  } finally {
    await client.end();
  }
}

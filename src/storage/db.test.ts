import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { forEachDatabase, migrateUnderTest, TEST_DATABASES, withDatabase } from '../../test/support/databases.ts';
import { startCheckpointer } from './checkpointer.ts';
import { openDatabase } from './db.ts';
import { durableTransaction } from './dialect.ts';

async function pragma(database: Awaited<ReturnType<typeof openDatabase>>, name: string): Promise<unknown> {
  const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(database.db);
  return Object.values(rows[0] ?? {})[0];
}

describe('openDatabase', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bawaba-db-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('opens a SQLite file in WAL mode with the pragmas, creating its parent directory', async () => {
    const path = join(dir, 'nested', 'deeper', 'bawaba.db');
    const database = await openDatabase(`sqlite:${path}`);
    try {
      assert.equal(database.dialect, 'sqlite');
      assert.ok(existsSync(path));
      assert.equal(await pragma(database, 'journal_mode'), 'wal');
      assert.equal(await pragma(database, 'busy_timeout'), 5000);
      assert.equal(await pragma(database, 'synchronous'), 1); // NORMAL
      assert.equal(await pragma(database, 'foreign_keys'), 1);
      // A group's savepoint journals stay in memory.
      assert.equal(await pragma(database, 'temp_store'), 2); // MEMORY
      // The checkpoint worker checkpoints the WAL: commits do not.
      assert.equal(await pragma(database, 'wal_autocheckpoint'), 0);
    } finally {
      await database.close();
    }
  });

  it('checkpoints the WAL into the database file off the event loop, and leaves no WAL on close', async () => {
    const path = join(dir, 'checkpointed.db');
    const database = await openDatabase(`sqlite:${path}`);
    try {
      await sql`create table blobs (id integer primary key, body blob not null)`.execute(database.db);
      const before = statSync(path).size;
      for (let i = 0; i < 20; i++) {
        await sql`insert into blobs (body) values (${Buffer.alloc(64 * 1024, i)})`.execute(database.db);
      }
      // Nothing on this thread checkpoints (wal_autocheckpoint is 0): only the worker can grow
      // the file, within about a second of the last commit.
      const deadline = Date.now() + 5000;
      while (statSync(path).size < before + 20 * 64 * 1024 && Date.now() < deadline) await sleep(50);
      assert.ok(statSync(path).size >= before + 20 * 64 * 1024, `file ${statSync(path).size} bytes, was ${before}`);
    } finally {
      await database.close();
    }
    assert.equal(existsSync(`${path}-wal`), false);
  });

  it('keeps the WAL bounded while transactions never stop (each group commit follows the last)', async () => {
    const path = join(dir, 'busy.db');
    const pageSize = 4096;
    const restartAtFrames = 64;
    const database = await openDatabase(`sqlite:${path}`, { commitsPerCheckpoint: 5, restartAtFrames });
    let written = 0;
    try {
      await sql`create table blobs (id integer primary key, body blob not null)`.execute(database.db);
      const until = Date.now() + 2500;
      // Sixteen writers at once, all the time: a group is always open when the worker finishes a
      // pass, so only the main connection's hand lets the WAL start over.
      await Promise.all(
        Array.from({ length: 16 }, async (_, writer) => {
          while (Date.now() < until) {
            await durableTransaction(database.db, async (trx) => {
              await sql`insert into blobs (body) values (${Buffer.alloc(2 * pageSize, writer)})`.execute(trx);
            });
            written += 2;
          }
        }),
      );
      const walFrames = statSync(`${path}-wal`).size / (pageSize + 24);
      assert.ok(written > 20 * restartAtFrames, `wrote only ${written} pages`);
      // Without the restarts the WAL holds every page written (and more: index and table pages).
      assert.ok(walFrames < written / 4, `the WAL grew to ${walFrames} frames for ${written} pages written`);
    } finally {
      await database.close();
    }
  });

  it('reports a checkpoint worker that cannot open its database', async () => {
    const failures: Error[] = [];
    const checkpointer = startCheckpointer(join(dir, 'missing', 'dir', 'x.db'), (error) => failures.push(error));
    const deadline = Date.now() + 5000;
    while (failures.length === 0 && Date.now() < deadline) await sleep(20);
    assert.equal(failures.length, 1);
    await checkpointer.close();
  });

  it('opens an in-memory SQLite database with foreign keys on', async () => {
    const database = await openDatabase('sqlite::memory:');
    try {
      assert.equal(await pragma(database, 'foreign_keys'), 1);
      assert.equal(await pragma(database, 'busy_timeout'), 5000);
    } finally {
      await database.close();
    }
  });

  it('names the scheme of an unsupported URL', async () => {
    await assert.rejects(openDatabase('mysql://root@localhost/x'), /unsupported database URL scheme "mysql:"/);
    await assert.rejects(openDatabase('./data/bawaba.db'), /unsupported database URL scheme "\(none\)"/);
    await assert.rejects(openDatabase('sqlite:'), /sqlite: URL has no path/);
  });

  it('rejects a PostgreSQL schema name it could not pass through search_path safely', async () => {
    await assert.rejects(openDatabase('postgres://u@127.0.0.1:1/x?schema=Bad-Name'), /schema "Bad-Name" must match/);
  });

  it('reports an unreachable PostgreSQL without revealing the password', async () => {
    await assert.rejects(openDatabase('postgresql://user:hunter2secret@127.0.0.1:1/bawaba'), (error: Error) => {
      assert.match(error.message, /cannot use PostgreSQL at 127\.0\.0\.1:1\/bawaba/);
      assert.ok(!error.message.includes('hunter2secret'));
      return true;
    });
  });
});

forEachDatabase((kind) => {
  describe('migrateToLatest', () => {
    it('has applied every migration once; a second run applies nothing', async () => {
      await withDatabase(kind, async (database) => {
        assert.deepEqual(await migrateUnderTest(database), []);
        // Not Kysely's introspector: on PostgreSQL it lists every schema's tables.
        const query =
          database.dialect === 'sqlite'
            ? sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`
            : sql<{
                name: string;
              }>`select table_name as name from information_schema.tables where table_schema = current_schema()`;
        const tables = (await query.execute(database.db)).rows.map((t) => t.name).sort();
        assert.deepEqual(tables, [
          'account_logos',
          'accounts',
          'api_keys',
          'checkout_sessions',
          'connector_accounts',
          'customer_returns',
          'dashboard_audit',
          'dashboard_sessions',
          'dashboard_users',
          'events',
          'idempotency_keys',
          'jobs',
          'kysely_migration',
          'kysely_migration_lock',
          'payment_link_sessions',
          'payment_links',
          'payments',
          'provider_notifications',
          'refunds',
          'webhook_attempts',
          'webhook_deliveries',
          'webhook_endpoints',
        ]);
      });
    });

    it('enforces foreign keys', async () => {
      await withDatabase(kind, async (database) => {
        const orphan = database.db.insertInto('api_keys').values({
          id: 'key_1',
          account_id: 'acct_missing',
          mode: 'test',
          display_prefix: 'sk_test_',
          secret_hash: 'h',
          created_at: 1,
          revoked_at: null,
        });
        await assert.rejects(orphan.execute(), /foreign key/i);
      });
    });

    it('throws naming the migration that failed', async () => {
      const shared = await kind.openShared();
      const database = await shared.open();
      try {
        // Forget that 0001 ran, so it runs again over existing tables. (A DELETE, not a DROP:
        // dropping catalogue objects would race other files' migrations on PostgreSQL.)
        await sql`delete from kysely_migration`.execute(database.db);
        await assert.rejects(migrateUnderTest(database), /database migration failed at 0001-init: .*already exists/);
      } finally {
        await database.close();
        await shared.dispose();
      }
    });
  });
});

const postgres = TEST_DATABASES.find((d) => d.name === 'postgres');

describe('PostgreSQL int8 parsing', { skip: postgres === undefined && 'no PostgreSQL configured' }, () => {
  it('returns int8 as a number up to 2^53 - 1 and throws beyond', async () => {
    if (postgres === undefined) return;
    await withDatabase(postgres, async ({ db }) => {
      const ok = await sql<{
        v: unknown;
        n: unknown;
      }>`select 9007199254740991::int8 as v, -9007199254740991::int8 as n`.execute(db);
      assert.deepEqual(ok.rows[0], { v: 9007199254740991, n: -9007199254740991 });
      await assert.rejects(
        sql`select 9007199254740992::int8 as v`.execute(db),
        /9007199254740992 is not a safe integer/,
      );
      await assert.rejects(sql`select (-9007199254740993)::int8 as v`.execute(db), /not a safe integer/);
      // The pool stays usable after a refused value.
      assert.deepEqual((await sql<{ v: unknown }>`select 42::int8 as v`.execute(db)).rows[0], { v: 42 });
    });
  });

  it('leaves the global pg parser alone', async () => {
    const pg = (await import('pg')).default;
    assert.equal(pg.types.getTypeParser(20, 'text')('9007199254740993'), '9007199254740993');
  });

  it('sets search_path to the ?schema= schema on every pooled connection', async () => {
    if (postgres === undefined) return;
    await withDatabase(postgres, async ({ db }) => {
      const schemas = await Promise.all(
        Array.from({ length: 5 }, () =>
          db
            .connection()
            .execute(async (c) => (await sql<{ s: string }>`select current_schema() as s`.execute(c)).rows[0]?.s),
        ),
      );
      assert.equal(new Set(schemas).size, 1);
      assert.match(schemas[0] ?? '', /^bawaba_test_/);
    });
  });
});

describe('PostgreSQL prepared statements', { skip: postgres === undefined && 'no PostgreSQL configured' }, () => {
  it('prepares a query with parameters once per connection, and prepares it again after a migration changed its table', async () => {
    if (postgres === undefined) return;
    const shared = await postgres.openShared();
    const [a, b] = [await shared.open(), await shared.open()];
    try {
      await sql`create table prepared_probe (id text primary key)`.execute(a.db);
      await sql`insert into prepared_probe values ('x')`.execute(a.db);
      const read = (id: string) =>
        a.db
          .connection()
          .execute((c) => sql<Record<string, unknown>>`select * from prepared_probe where id = ${id}`.execute(c));
      assert.deepEqual((await read('x')).rows, [{ id: 'x' }]);
      // On the connection that ran it, the query is a prepared statement now; it runs again as one.
      const kept = await a.db.connection().execute(async (c) => {
        await sql`select * from prepared_probe where id = ${'x'}`.execute(c);
        await sql`select * from prepared_probe where id = ${'y'}`.execute(c);
        return sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements
          where statement = 'select * from prepared_probe where id = $1'`.execute(c);
      });
      assert.deepEqual(kept.rows, [{ n: 1 }]);
      // Another process adds a column: the statement prepared above would now return another shape.
      await sql`alter table prepared_probe add column note text`.execute(b.db);
      assert.deepEqual((await read('x')).rows, [{ id: 'x', note: null }]);
      assert.deepEqual((await read('x')).rows, [{ id: 'x', note: null }]);
    } finally {
      await a.close();
      await b.close();
      await shared.dispose();
    }
  });
});

describe('PostgreSQL channel', { skip: postgres === undefined && 'no PostgreSQL configured' }, () => {
  it('carries a message to listeners of its schema only', async () => {
    if (postgres === undefined) return;
    const [one, other] = [await postgres.openShared(), await postgres.openShared()];
    const [a, b, c] = [await one.open(), await one.open(), await other.open()];
    const heard: string[] = [];
    const heardElsewhere: string[] = [];
    const errors: Error[] = [];
    const listening = [
      await a.channel?.listen(
        'jobs',
        (p) => heard.push(p),
        (e) => errors.push(e),
      ),
      await c.channel?.listen(
        'jobs',
        (p) => heardElsewhere.push(p),
        (e) => errors.push(e),
      ),
    ];
    try {
      await b.channel?.notify('jobs', '42');
      await b.channel?.notify('other-topic', '7');
      const deadline = Date.now() + 5_000;
      while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(heard, ['42']);
      assert.deepEqual(heardElsewhere, []);
      assert.deepEqual(errors, []);
    } finally {
      for (const l of listening) await l?.close();
      for (const d of [a, b, c]) await d.close();
      await one.dispose();
      await other.dispose();
    }
  });
});

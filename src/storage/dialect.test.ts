import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely';
import { forEachDatabase, withDatabase } from '../../test/support/databases.ts';
import {
  currentSchema,
  type DialectName,
  durableTransaction,
  isUniqueViolation,
  lockForUpdateSkipLocked,
  sqliteDialect,
  whenDurable,
} from './dialect.ts';
import type { DB } from './schema.ts';

function compilerOnly(dialect: DialectName): Kysely<DB> {
  const sqlite = dialect === 'sqlite';
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => (sqlite ? new SqliteAdapter() : new PostgresAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (sqlite ? new SqliteIntrospector(db) : new PostgresIntrospector(db)),
      createQueryCompiler: () => (sqlite ? new SqliteQueryCompiler() : new PostgresQueryCompiler()),
    },
  });
}

describe('lockForUpdateSkipLocked (compiled)', () => {
  it('adds FOR UPDATE SKIP LOCKED on PostgreSQL only', () => {
    const compiled = (d: DialectName) =>
      lockForUpdateSkipLocked(compilerOnly(d).selectFrom('payments').select('id'), d).compile().sql;
    assert.match(compiled('postgres'), /for update skip locked$/);
    assert.doesNotMatch(compiled('sqlite'), /for update|skip locked/i);
  });
});

function account(id: string) {
  return { id, name: 'Merchant', created_at: 1 };
}

forEachDatabase((kind) => {
  describe('dialect helpers', () => {
    it('lockForUpdateSkipLocked runs, and on PostgreSQL skips a row another transaction locked', async () => {
      const shared = await kind.openShared();
      const [a, b] = [await shared.open(), await shared.open()];
      try {
        await a.db
          .insertInto('accounts')
          .values([account('acct_1'), account('acct_2')])
          .execute();
        const pick = (database: typeof a) =>
          lockForUpdateSkipLocked(database.db.selectFrom('accounts').select('id').orderBy('id'), database.dialect);
        if (kind.name === 'sqlite') {
          assert.deepEqual(await pick(a).execute(), [{ id: 'acct_1' }, { id: 'acct_2' }]);
          return;
        }
        await a.db.transaction().execute(async (trx) => {
          const locked = await lockForUpdateSkipLocked(
            trx.selectFrom('accounts').select('id').orderBy('id').limit(1),
            'postgres',
          ).execute();
          assert.deepEqual(locked, [{ id: 'acct_1' }]);
          assert.deepEqual(await pick(b).execute(), [{ id: 'acct_2' }]);
        });
        assert.deepEqual(await pick(b).execute(), [{ id: 'acct_1' }, { id: 'acct_2' }]);
      } finally {
        await a.close();
        await b.close();
        await shared.dispose();
      }
    });

    it('isUniqueViolation recognises this database’s unique and primary-key errors only', async () => {
      await withDatabase(kind, async ({ db }) => {
        await db.insertInto('accounts').values(account('acct_1')).execute();
        const primaryKey = await db
          .insertInto('accounts')
          .values(account('acct_1'))
          .execute()
          .catch((e: unknown) => e);
        assert.ok(isUniqueViolation(primaryKey), String(primaryKey));
        const key = {
          account_id: 'acct_1',
          mode: 'test' as const,
          display_prefix: 'p',
          secret_hash: 'h',
          created_at: 1,
          revoked_at: null,
        };
        await db
          .insertInto('api_keys')
          .values({ id: 'key_1', ...key })
          .execute();
        const unique = await db
          .insertInto('api_keys')
          .values({ id: 'key_2', ...key })
          .execute()
          .catch((e: unknown) => e);
        assert.ok(isUniqueViolation(unique), String(unique));
        const foreignKey = await db
          .insertInto('api_keys')
          .values({ id: 'key_3', ...key, secret_hash: 'h2', account_id: 'nope' })
          .execute()
          .catch((e: unknown) => e);
        assert.ok(foreignKey instanceof Error);
        assert.equal(isUniqueViolation(foreignKey), false);
        assert.equal(isUniqueViolation(new Error('x')), false);
        assert.equal(isUniqueViolation(undefined), false);
      });
    });

    it('on SQLite, a transaction holds the write lock from its BEGIN, even before it writes', async (t) => {
      if (kind.name !== 'sqlite') return t.skip('SQLite only');
      const shared = await kind.openShared();
      const database = await shared.open();
      const other = new SQLite(shared.url.slice('sqlite:'.length), { timeout: 0 });
      try {
        await database.db.transaction().execute(async (trx) => {
          await trx.selectFrom('accounts').selectAll().execute();
          // A deferred BEGIN would hold only a read snapshot here, and this would succeed.
          assert.throws(() => other.exec('begin immediate'), { code: 'SQLITE_BUSY' });
        });
        // Its group commits as soon as the event loop is free of transactions.
        await whenDurable(database.db);
        other.exec('begin immediate');
        other.exec('rollback');
      } finally {
        other.close();
        await database.close();
        await shared.dispose();
      }
    });

    it('currentSchema names the PostgreSQL schema and is undefined on SQLite', async () => {
      await withDatabase(kind, async ({ db, dialect }) => {
        const schema = await currentSchema(db, dialect);
        if (kind.name === 'sqlite') assert.equal(schema, undefined);
        else assert.match(schema ?? '', /^bawaba_test_/);
      });
    });
  });
});

describe('sqliteDialect', () => {
  it('group commit: transactions ending together share one commit; each is durable once it is; a rollback undoes only its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bawaba-group-'));
    const path = join(dir, 'g.db');
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.exec('create table t (id integer primary key, v text not null)');
    let commits = 0;
    const counting = {
      prepare(text: string) {
        const statement = sqlite.prepare(text);
        if (text !== 'commit') return statement;
        return {
          reader: false,
          run: (...args: unknown[]) => {
            commits++;
            return statement.run(...args);
          },
          all: statement.all.bind(statement),
          iterate: statement.iterate.bind(statement),
        } as unknown as typeof statement;
      },
      close: () => sqlite.close(),
    };
    const db = new Kysely<{ t: { id: number; v: string } }>({ dialect: sqliteDialect({ database: counting }) });
    const reader = new SQLite(path, { readonly: true });
    try {
      const insert = (id: number) =>
        durableTransaction(db, async (trx) => {
          await trx
            .insertInto('t')
            .values({ id, v: `v${id}` })
            .execute();
          // Visible to another process only once durable: not yet.
          assert.equal((reader.prepare('select count(*) as n from t where id = ?').get(id) as { n: number }).n, 0);
        });
      const failing = db
        .transaction()
        .execute(async (trx) => {
          await trx.insertInto('t').values({ id: 99, v: 'no' }).execute();
          throw new Error('changed my mind');
        })
        .catch((e: Error) => e.message);
      const [, , refused] = await Promise.all([insert(1), insert(2), failing, insert(3)]);
      assert.equal(refused, 'changed my mind');
      assert.deepEqual(
        reader
          .prepare('select id from t order by id')
          .all()
          .map((r) => (r as { id: number }).id),
        [1, 2, 3],
        'each durable transaction is there for another process, the rolled-back one is not',
      );
      assert.ok(commits < 4, `four transactions, ${commits} commits`);
      // A write outside a transaction that joins a pending group returns once the group is on disk.
      const seen = (id: number) =>
        (reader.prepare('select count(*) as n from t where id = ?').get(id) as { n: number }).n;
      await Promise.all([
        insert(4),
        db
          .insertInto('t')
          .values({ id: 5, v: 'alone' })
          .execute()
          .then(() => assert.equal(seen(5), 1, 'durable when it returns')),
      ]);
    } finally {
      reader.close();
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prepares each SQL text once and reuses its statement', async () => {
    const sqlite = new SQLite(':memory:');
    let prepared = 0;
    const counting = {
      prepare(text: string) {
        prepared++;
        return sqlite.prepare(text);
      },
      close: () => sqlite.close(),
    };
    const db = new Kysely<{ t: { id: number } }>({ dialect: sqliteDialect({ database: counting }) });
    try {
      await sql`create table t (id integer)`.execute(db);
      const before = prepared;
      for (let i = 0; i < 5; i++) await db.insertInto('t').values({ id: i }).execute();
      for (let i = 0; i < 5; i++) await db.selectFrom('t').selectAll().where('id', '=', i).execute();
      assert.equal(prepared - before, 2, 'one insert and one select statement, each prepared once');
      assert.equal((await db.selectFrom('t').selectAll().execute()).length, 5);
    } finally {
      await db.destroy();
    }
  });
});

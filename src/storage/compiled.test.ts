import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../test/support/databases.ts';
import { compiled, rowById, slots } from './compiled.ts';
import type { Database } from './db.ts';

const row = (id: string, type: string) => ({
  id,
  account_id: 'acct_1',
  mode: 'test' as const,
  type,
  object_id: 'pay_1',
  data: '{}',
  created_at: 1,
});

const insertEvent = compiled<ReturnType<typeof row>, unknown>((db, param, first) =>
  db.insertInto('events').values(slots(param, first)),
);
// A constant in the query (the mode) stays a constant; the type varies.
const ofType = compiled<{ type: string }, { id: string }>((db, param) =>
  db.selectFrom('events').select('id').where('mode', '=', 'test').where('type', '=', param('type')).orderBy('id'),
);
const eventById = rowById('events');

forEachDatabase((kind) => {
  const run = (fn: (database: Database) => Promise<void>) => withDatabase(kind, fn);

  describe('compiled queries', () => {
    it('bind each run its own values, on the database and inside a transaction', () =>
      run(async ({ db }) => {
        await db.insertInto('accounts').values({ id: 'acct_1', name: 'M', created_at: 1 }).execute();
        await insertEvent(db, row('evt_1', 'payment.captured'));
        await db.transaction().execute(async (trx) => {
          await insertEvent(trx, row('evt_2', 'payment.failed'));
          await insertEvent(trx, row('evt_3', 'payment.captured'));
        });
        assert.deepEqual((await ofType(db, { type: 'payment.captured' })).rows, [{ id: 'evt_1' }, { id: 'evt_3' }]);
        assert.deepEqual((await ofType(db, { type: 'payment.failed' })).rows, [{ id: 'evt_2' }]);
        assert.equal((await eventById(db, 'evt_2'))?.type, 'payment.failed');
        assert.equal(await eventById(db, 'evt_9'), undefined);
      }));

    it('refuse a run that leaves a parameter out, writing nothing', () =>
      run(async ({ db }) => {
        await assert.rejects(ofType(db, {} as { type: string }), /no value for parameter "type"/);
      }));
  });
});

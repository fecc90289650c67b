import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import { createManualClock } from '../../core/clock.ts';
import type { DomainEvent, EventListQuery, EventRepo } from '../../core/event-ports.ts';
import { createIdGenerator } from '../../core/ids.ts';
import type { Database } from '../db.ts';
import { createEventRepo } from './event-repo.ts';
import { writeOutbox } from './outbox.ts';

const T0 = Date.UTC(2026, 0, 1);

function event(overrides: Partial<DomainEvent> & Pick<DomainEvent, 'id'>): DomainEvent {
  return {
    accountId: 'acct_1',
    mode: 'test',
    type: 'payment.created',
    objectId: 'pay_1',
    data: { id: 'pay_1', amount: 1500, metadata: { note: 'طلب' }, refunded: false, captured_at: null },
    createdAt: T0,
    ...overrides,
  };
}

forEachDatabase((kind) => {
  const run = (fn: (events: EventRepo, database: Database) => Promise<void>) =>
    withDatabase(kind, (database) => fn(createEventRepo(database.db), database));
  const write = (database: Database, events: DomainEvent[]) =>
    writeOutbox(database.db, createIdGenerator(createManualClock(T0)), { events }, T0);

  describe('EventRepo', () => {
    it('round-trips an event, data JSON and time included', () =>
      run(async (events, database) => {
        const e = event({ id: 'evt_1', createdAt: 4_102_444_800_000 });
        await write(database, [e]);
        assert.deepEqual(await events.getById('evt_1'), e);
        assert.deepEqual(await events.get('acct_1', 'test', 'evt_1'), e);
        assert.equal(typeof (await events.getById('evt_1'))?.createdAt, 'number');
      }));

    it('get is scoped to account and mode; getById is not', () =>
      run(async (events, database) => {
        await write(database, [event({ id: 'evt_1' })]);
        assert.equal(await events.get('acct_2', 'test', 'evt_1'), undefined);
        assert.equal(await events.get('acct_1', 'live', 'evt_1'), undefined);
        assert.equal(await events.get('acct_1', 'test', 'evt_missing'), undefined);
        assert.equal(await events.getById('evt_missing'), undefined);
      }));

    // Twelve events a minute apart in acct_1/test, types and objects alternating; plus noise.
    const seed = async (database: Database): Promise<DomainEvent[]> => {
      const clock = createManualClock(T0);
      const ids = createIdGenerator(clock);
      const made: DomainEvent[] = [];
      for (let i = 0; i < 12; i++) {
        const e = event({
          id: ids.next('evt'),
          type: i % 3 === 0 ? 'payment.captured' : 'payment.created',
          objectId: `pay_${i % 2}`,
          createdAt: clock.now(),
        });
        made.push(e);
        await write(database, [
          e,
          event({ id: ids.next('evt'), accountId: 'acct_2' }),
          event({ id: ids.next('evt'), mode: 'live' }),
        ]);
        clock.advance(60_000);
      }
      return made.reverse();
    };
    const query = (q: Partial<EventListQuery> = {}): EventListQuery => ({
      accountId: 'acct_1',
      mode: 'test',
      limit: 5,
      ...q,
    });
    const idsOf = (page: { data: DomainEvent[] }) => page.data.map((e) => e.id);

    it('lists newest first and pages both ways with cursors', () =>
      run(async (events, database) => {
        const all = (await seed(database)).map((e) => e.id);
        const first = await events.list(query());
        assert.deepEqual(idsOf(first), all.slice(0, 5));
        assert.equal(first.hasMore, true);
        const second = await events.list(query({ startingAfter: all[4] }));
        assert.deepEqual(idsOf(second), all.slice(5, 10));
        const last = await events.list(query({ startingAfter: all[9] }));
        assert.deepEqual(idsOf(last), all.slice(10));
        assert.equal(last.hasMore, false);
        const above = await events.list(query({ limit: 3, endingBefore: all[5] }));
        assert.deepEqual(idsOf(above), all.slice(2, 5));
        assert.equal(above.hasMore, true);
        const top = await events.list(query({ limit: 3, endingBefore: all[2] }));
        assert.deepEqual(idsOf(top), all.slice(0, 2));
        assert.equal(top.hasMore, false);
      }));

    it('filters by type and object id, with cursors', () =>
      run(async (events, database) => {
        const all = await seed(database);
        const captured = all.filter((e) => e.type === 'payment.captured').map((e) => e.id);
        assert.equal(captured.length, 4);
        assert.deepEqual(idsOf(await events.list(query({ type: 'payment.captured', limit: 10 }))), captured);
        const page = await events.list(query({ type: 'payment.captured', limit: 2, startingAfter: captured[0] }));
        assert.deepEqual(idsOf(page), captured.slice(1, 3));
        assert.equal(page.hasMore, true);
        const ofPay1 = all.filter((e) => e.objectId === 'pay_1').map((e) => e.id);
        assert.deepEqual(idsOf(await events.list(query({ objectId: 'pay_1', limit: 20 }))), ofPay1);
        const both = all.filter((e) => e.objectId === 'pay_1' && e.type === 'payment.captured').map((e) => e.id);
        assert.deepEqual(
          idsOf(await events.list(query({ objectId: 'pay_1', type: 'payment.captured', limit: 20 }))),
          both,
        );
        assert.deepEqual(await events.list(query({ objectId: 'pay_none' })), { data: [], hasMore: false });
      }));

    it('sees only the account and mode asked for, and rejects a bad limit', () =>
      run(async (events, database) => {
        await seed(database);
        const other = await events.list(query({ accountId: 'acct_2', limit: 100 }));
        assert.equal(other.data.length, 12);
        assert.ok(other.data.every((e) => e.accountId === 'acct_2' && e.mode === 'test'));
        const live = await events.list(query({ mode: 'live', limit: 100 }));
        assert.ok(live.data.length === 12 && live.data.every((e) => e.mode === 'live'));
        for (const limit of [0, -1, 1.5]) {
          await assert.rejects(events.list(query({ limit })), /event list limit must be a positive integer/);
        }
      }));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import type { IdempotencyClaim, IdempotencyRecord, IdempotencyRepo } from '../../core/repositories.ts';
import type { Database } from '../db.ts';
import { createIdempotencyRepo } from './idempotency-repo.ts';

const T0 = Date.UTC(2026, 0, 1);
const LOCK_MS = 60_000;
const DAY_MS = 86_400_000;

/** What a request made at `now` asks to claim. */
function request(now: number, overrides: Partial<IdempotencyRecord> = {}): IdempotencyRecord {
  return {
    accountId: 'acct_1',
    mode: 'test',
    key: 'key-1',
    requestHash: 'hash-a',
    state: 'in_progress',
    resourceId: null,
    responseStatus: null,
    responseBody: null,
    lockedUntil: now + LOCK_MS,
    createdAt: now,
    expiresAt: now + DAY_MS,
    ...overrides,
  };
}

function claimed(claim: IdempotencyClaim): IdempotencyRecord {
  assert.equal(claim.kind, 'claimed', `expected claimed, got ${claim.kind}`);
  return claim.record;
}

function existing(claim: IdempotencyClaim): IdempotencyRecord {
  assert.equal(claim.kind, 'existing', `expected existing, got ${claim.kind}`);
  return claim.record;
}

forEachDatabase((kind) => {
  const run = (fn: (repo: IdempotencyRepo, database: Database) => Promise<void>) =>
    withDatabase(kind, (database) => fn(createIdempotencyRepo(database.db), database));

  describe('IdempotencyRepo: claim', () => {
    it('claims a new key as an in_progress record, numbers as numbers', () =>
      run(async (repo) => {
        const record = claimed(await repo.claim(request(T0, { resourceId: 'pay_ignored', state: 'done' }), T0));
        assert.deepEqual(record, request(T0));
        for (const field of ['lockedUntil', 'createdAt', 'expiresAt'] as const)
          assert.equal(typeof record[field], 'number');
      }));

    it('returns the stored record while the key is held, whatever the body', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        assert.deepEqual(existing(await repo.claim(request(T0 + 1), T0 + 1)), request(T0));
        assert.deepEqual(existing(await repo.claim(request(T0 + 1, { requestHash: 'hash-b' }), T0 + 1)), request(T0));
        // Lock still held one millisecond before it lapses.
        existing(await repo.claim(request(T0 + LOCK_MS - 1), T0 + LOCK_MS - 1));
      }));

    it('returns the stored response once done, even after the lock time', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        await repo.attachResource('acct_1', 'test', 'key-1', 'pay_1');
        await repo.complete('acct_1', 'test', 'key-1', 201, '{"id":"pay_1"}');
        const later = T0 + 2 * LOCK_MS;
        const record = existing(await repo.claim(request(later), later));
        assert.deepEqual(record, {
          ...request(T0),
          state: 'done',
          resourceId: 'pay_1',
          responseStatus: 201,
          responseBody: '{"id":"pay_1"}',
        });
        assert.equal(typeof record.responseStatus, 'number');
      }));

    it('keeps keys apart per account and mode', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        claimed(await repo.claim(request(T0, { mode: 'live' }), T0));
        claimed(await repo.claim(request(T0, { accountId: 'acct_2' }), T0));
        claimed(await repo.claim(request(T0, { key: 'key-2' }), T0));
        await repo.complete('acct_1', 'live', 'key-1', 200, 'live');
        assert.equal(existing(await repo.claim(request(T0), T0)).state, 'in_progress');
      }));

    it('takes over an expired record as a fresh claim (resource and response dropped)', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        await repo.attachResource('acct_1', 'test', 'key-1', 'pay_1');
        await repo.complete('acct_1', 'test', 'key-1', 201, 'old');
        const expiry = T0 + DAY_MS;
        existing(await repo.claim(request(expiry - 1, { requestHash: 'hash-b' }), expiry - 1));
        const fresh = request(expiry, { requestHash: 'hash-b' });
        assert.deepEqual(claimed(await repo.claim(fresh, expiry)), fresh);
        assert.deepEqual(existing(await repo.claim(request(expiry + 1), expiry + 1)), fresh);
      }));

    it('takes over a lapsed lock for the same body, keeping the resource id', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        await repo.attachResource('acct_1', 'test', 'key-1', 'pay_1');
        const lapse = T0 + LOCK_MS;
        const record = claimed(await repo.claim(request(lapse), lapse));
        assert.deepEqual(record, { ...request(T0), resourceId: 'pay_1', lockedUntil: lapse + LOCK_MS });
        // The new holder's lock now holds.
        existing(await repo.claim(request(lapse + 1), lapse + 1));
      }));

    it('does not hand a lapsed lock to a different body', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        const lapse = T0 + LOCK_MS;
        assert.deepEqual(existing(await repo.claim(request(lapse, { requestHash: 'hash-b' }), lapse)), request(T0));
      }));
  });

  describe('IdempotencyRepo: release and purge', () => {
    it('release forgets a key that created nothing, so any body may take it', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        await repo.release('acct_1', 'test', 'key-1');
        const other = request(T0 + 1, { requestHash: 'hash-b' });
        assert.deepEqual(claimed(await repo.claim(other, T0 + 1)), other);
      }));

    it('release of a key that created something lets the same body resume it at once', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        await repo.attachResource('acct_1', 'test', 'key-1', 'pay_1');
        await repo.release('acct_1', 'test', 'key-1');
        existing(await repo.claim(request(T0 + 1, { requestHash: 'hash-b' }), T0 + 1));
        assert.equal(claimed(await repo.claim(request(T0 + 1), T0 + 1)).resourceId, 'pay_1');
      }));

    it('release leaves a finished key alone', () =>
      run(async (repo) => {
        claimed(await repo.claim(request(T0), T0));
        await repo.complete('acct_1', 'test', 'key-1', 500, 'boom');
        await repo.release('acct_1', 'test', 'key-1');
        assert.equal(existing(await repo.claim(request(T0 + 1), T0 + 1)).responseBody, 'boom');
      }));

    it('purgeExpired deletes records expired at now and counts them', () =>
      run(async (repo, { db }) => {
        for (const [key, expiresAt] of [
          ['a', T0 - 1],
          ['b', T0],
          ['c', T0 + 1],
        ] as const) {
          claimed(await repo.claim(request(T0 - DAY_MS, { key, expiresAt }), T0 - DAY_MS));
        }
        assert.equal(await repo.purgeExpired(T0), 2);
        assert.equal(await repo.purgeExpired(T0), 0);
        const left = await db.selectFrom('idempotency_keys').select('key').execute();
        assert.deepEqual(left, [{ key: 'c' }]);
      }));
  });

  describe('IdempotencyRepo: racing processes', () => {
    const RACERS = 20;

    /** Runs `round` with RACERS independent handles (on PostgreSQL, RACERS separate pools). */
    const race = (round: (repos: IdempotencyRepo[], handles: Database[]) => Promise<void>) => async () => {
      const shared = await kind.openShared();
      const handles: Database[] = [];
      try {
        for (let i = 0; i < RACERS; i++) handles.push(await shared.open());
        await round(
          handles.map((h) => createIdempotencyRepo(h.db)),
          handles,
        );
      } finally {
        for (const h of handles) await h.close();
        await shared.dispose();
      }
    };

    const exactlyOneClaimed = (claims: IdempotencyClaim[]): IdempotencyRecord => {
      const winners = claims.filter((c) => c.kind === 'claimed');
      assert.equal(winners.length, 1, `${winners.length} of ${claims.length} claims won`);
      const winner = (winners[0] as IdempotencyClaim).record;
      for (const c of claims.filter((c) => c.kind === 'existing'))
        assert.equal(c.record.requestHash, winner.requestHash);
      return winner;
    };

    it(
      `${RACERS} concurrent claims of a new key: exactly one claimed`,
      race(async (repos, handles) => {
        if (kind.name === 'postgres') {
          const pids = await Promise.all(
            handles.map(
              async (h) => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(h.db)).rows[0]?.pid,
            ),
          );
          assert.equal(new Set(pids).size, RACERS, 'each racer has its own connection');
        }
        for (let round = 0; round < 5; round++) {
          const key = `new-${round}`;
          exactlyOneClaimed(
            await Promise.all(repos.map((r, i) => r.claim(request(T0, { key, requestHash: `h${i}` }), T0))),
          );
        }
      }),
    );

    it(
      `${RACERS} concurrent takeovers of an expired key: exactly one claimed`,
      race(async (repos) => {
        const [first] = repos as [IdempotencyRepo];
        for (let round = 0; round < 5; round++) {
          const key = `expired-${round}`;
          claimed(await first.claim(request(T0, { key }), T0));
          await first.complete('acct_1', 'test', key, 200, 'old');
          const now = T0 + DAY_MS;
          const winner = exactlyOneClaimed(
            await Promise.all(repos.map((r, i) => r.claim(request(now, { key, requestHash: `h${i}` }), now))),
          );
          assert.equal(winner.state, 'in_progress');
        }
      }),
    );

    it(
      `${RACERS} concurrent takeovers of a lapsed lock: exactly one claimed`,
      race(async (repos) => {
        const [first] = repos as [IdempotencyRepo];
        for (let round = 0; round < 5; round++) {
          const key = `lapsed-${round}`;
          claimed(await first.claim(request(T0, { key }), T0));
          await first.attachResource('acct_1', 'test', key, 'pay_1');
          const now = T0 + LOCK_MS;
          const claims = await Promise.all(
            repos.map((r, i) => r.claim(request(now, { key, lockedUntil: now + LOCK_MS + i }), now)),
          );
          const winner = exactlyOneClaimed(claims);
          assert.equal(winner.resourceId, 'pay_1');
          for (const c of claims)
            assert.equal(c.record.lockedUntil, winner.lockedUntil, 'everyone sees the winner’s lock');
        }
      }),
    );
  });
});

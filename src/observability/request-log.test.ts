import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRequestLog, type RequestLogEntry } from './request-log.ts';

const entry = (id: string, accountId = 'acct_a', mode: 'test' | 'live' = 'test'): RequestLogEntry => ({
  id,
  accountId,
  mode,
  at: 0,
  method: 'GET',
  path: '/v1/payments',
  status: 200,
  durationMs: 1,
  errorCode: null,
});

test('an account reads only its own requests in its mode, in the order they were answered', () => {
  const log = createRequestLog(10);
  for (const e of [
    entry('req_1'),
    entry('req_2', 'acct_b'),
    entry('req_4'),
    entry('req_3'),
    entry('req_5', 'acct_a', 'live'),
  ]) {
    log.add(e);
  }
  assert.deepEqual(
    log.list('acct_a', 'test', { limit: 10 }).entries.map((e) => e.id),
    ['req_1', 'req_4', 'req_3'],
  );
  // req_3 was answered after req_4: a reader who saw req_4 still gets it.
  assert.deepEqual(
    log.list('acct_a', 'test', { after: 'req_4', limit: 10 }).entries.map((e) => e.id),
    ['req_3'],
  );
  assert.deepEqual(
    log.list('acct_a', 'live', { limit: 10 }).entries.map((e) => e.id),
    ['req_5'],
  );
});

test('the first page after a cursor, with has_more; without one, the last entries; the ring forgets the oldest', () => {
  const log = createRequestLog(4);
  for (let i = 1; i <= 6; i++) log.add(entry(`req_${i}`));
  assert.deepEqual(
    log.list('acct_a', 'test', { limit: 2 }).entries.map((e) => e.id),
    ['req_5', 'req_6'],
  );
  const after = log.list('acct_a', 'test', { after: 'req_3', limit: 2 });
  assert.deepEqual([after.entries.map((e) => e.id), after.hasMore], [['req_4', 'req_5'], true]);
  // A cursor no longer kept: everything kept comes back.
  assert.deepEqual(
    log.list('acct_a', 'test', { after: 'req_1', limit: 10 }).entries.map((e) => e.id),
    ['req_3', 'req_4', 'req_5', 'req_6'],
  );
});

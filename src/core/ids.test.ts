import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createManualClock } from './clock.ts';
import { createIdGenerator, isId } from './ids.ts';

test('ids are prefixed, well-formed and strictly increasing, also within one millisecond', () => {
  const clock = createManualClock();
  const ids = createIdGenerator(clock);
  const made: string[] = [];
  for (let i = 0; i < 2000; i++) {
    if (i % 100 === 0) clock.advance(1);
    made.push(ids.next('pay'));
  }
  for (const id of made) assert.ok(isId(id, 'pay'), id);
  assert.deepEqual([...made].sort(), made);
  assert.equal(new Set(made).size, made.length);
  assert.ok(!isId(made[0], 'evt'));
});

test('ids made later sort after ids made earlier', () => {
  const clock = createManualClock();
  const a = createIdGenerator(clock).next('pay');
  clock.advance(1);
  const b = createIdGenerator(clock).next('pay');
  assert.ok(a < b);
});

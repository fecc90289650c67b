import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalesce } from './coalesce.ts';

test('a burst of callers costs at most two runs, and each answer was fetched after its caller arrived', async () => {
  let runs = 0;
  const gates: (() => void)[] = [];
  const run = () =>
    new Promise<number>((resolve) => {
      const n = ++runs;
      gates.push(() => resolve(n));
    });
  const first = coalesce('k', run);
  const burst = Array.from({ length: 20 }, () => coalesce('k', run));
  assert.equal(runs, 1, 'callers arriving during a run wait for the next one');
  gates.shift()?.();
  assert.equal(await first, 1);
  await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2, 'one more run serves the whole burst');
  gates.shift()?.();
  assert.deepEqual(new Set(await Promise.all(burst)), new Set([2]));
  const later = coalesce('k', run);
  assert.equal(runs, 3, 'a caller after the burst starts afresh');
  gates.shift()?.();
  assert.equal(await later, 3);
});

test('a failed run does not stop the next one, and other keys never wait', async () => {
  const failing = coalesce('a', () => Promise.reject(new Error('provider down')));
  const next = coalesce('a', async () => 'ok');
  const other = coalesce('b', async () => 'b');
  await assert.rejects(failing, /provider down/);
  assert.equal(await next, 'ok');
  assert.equal(await other, 'b');
});

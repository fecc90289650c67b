import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DueQueue } from './due-queue.ts';

test('DueQueue hands out what is due, earliest first, ties in the order added', () => {
  const queue = new DueQueue<string>();
  assert.deepEqual(queue.takeDue(1_000), []);
  for (const [at, item] of [
    [30, 'c'],
    [10, 'a1'],
    [20, 'b'],
    [10, 'a2'],
    [40, 'd'],
    [10, 'a3'],
  ] as const) {
    queue.add(at, item);
  }
  assert.deepEqual(queue.takeDue(9), []);
  assert.deepEqual(queue.takeDue(20), ['a1', 'a2', 'a3', 'b']);
  assert.equal(queue.size, 2);
  queue.add(35, 'c2');
  assert.deepEqual(queue.takeDue(100), ['c', 'c2', 'd']);
  queue.add(1, 'x');
  queue.clear();
  assert.deepEqual(queue.takeDue(100), []);
});

test('DueQueue keeps its order over many random items', () => {
  const queue = new DueQueue<number>();
  const added: { at: number; n: number }[] = [];
  for (let n = 0; n < 2_000; n++) {
    const at = Math.floor(Math.random() * 300);
    added.push({ at, n });
    queue.add(at, n);
  }
  const expected = [...added].sort((a, b) => a.at - b.at || a.n - b.n).map((e) => e.n);
  assert.deepEqual([...queue.takeDue(149), ...queue.takeDue(299)], expected);
});

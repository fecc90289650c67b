import assert from 'node:assert/strict';
import { test } from 'node:test';
import { announceArrival, arrivalKey, awaitArrival } from './arrivals.ts';

test('an announcement wakes every waiter of its key, and only of its key', async () => {
  const a = awaitArrival(arrivalKey('ca_1', 'pay_a'), 5_000);
  const a2 = awaitArrival(arrivalKey('ca_1', 'pay_a'), 5_000);
  const other = awaitArrival(arrivalKey('ca_2', 'pay_a'), 50);
  announceArrival(arrivalKey('ca_1', 'pay_a'));
  assert.deepEqual(await Promise.all([a.arrived, a2.arrived, other.arrived]), [true, true, false]);
});

test('a wait ends false when its time is up or it is cancelled; a late announcement changes nothing', async () => {
  const key = arrivalKey('ca_1', 'pay_b');
  const late = awaitArrival(key, 20);
  assert.equal(await late.arrived, false);
  const cancelled = awaitArrival(key, 5_000);
  cancelled.cancel();
  assert.equal(await cancelled.arrived, false);
  announceArrival(key);
  // Nothing left waiting: a new wait is not woken by the announcement made before it.
  assert.equal(await awaitArrival(key, 20).arrived, false);
});

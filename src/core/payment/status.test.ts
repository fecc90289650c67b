import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isTerminal, PAYMENT_STATUSES, PAYMENT_TRANSITIONS, type PaymentStatus, transition } from './status.ts';

/**
 * The provider's possible true histories: each is a path its payment really takes. A provider
 * reports each state at least once, maybe several times, in any order.
 */
const TRUE_HISTORIES: readonly (readonly PaymentStatus[])[] = [
  ['requires_action', 'processing', 'captured'],
  ['requires_action', 'captured'],
  ['requires_action', 'processing', 'captured', 'partially_refunded', 'refunded'],
  ['requires_action', 'captured', 'refunded'],
  ['requires_action', 'captured', 'disputed'],
  ['requires_action', 'failed'],
  ['requires_action', 'processing', 'failed'],
  ['requires_action', 'canceled'],
  ['requires_action', 'expired'],
  ['requires_action', 'authorized', 'captured'],
  ['requires_action', 'authorized', 'canceled'],
];

function applyAll(start: PaymentStatus, updates: readonly PaymentStatus[]): { final: PaymentStatus; moves: number } {
  let current = start;
  let moves = 0;
  for (const offered of updates) {
    const t = transition(current, offered);
    if (t.kind === 'moved') {
      assert.ok(!isTerminal(current), `moved out of terminal ${current}`);
      current = t.to;
      moves += 1;
    }
  }
  return { final: current, moves };
}

describe('payment state machine', () => {
  test('terminal statuses have no way out', () => {
    for (const s of ['failed', 'canceled', 'expired', 'refunded', 'disputed'] as const) {
      assert.ok(isTerminal(s));
      for (const offered of PAYMENT_STATUSES) assert.equal(transition(s, offered).kind, 'stale');
    }
  });

  test('duplicates are stale', () => {
    for (const s of PAYMENT_STATUSES) assert.equal(transition(s, s).kind, 'stale');
  });

  test('the table never goes backwards (no cycles)', () => {
    const reach = (from: PaymentStatus, seen = new Set<PaymentStatus>()): Set<PaymentStatus> => {
      for (const to of PAYMENT_TRANSITIONS[from]) {
        if (!seen.has(to)) {
          seen.add(to);
          reach(to, seen);
        }
      }
      return seen;
    };
    for (const s of PAYMENT_STATUSES) assert.ok(!reach(s).has(s), `${s} can come back to itself`);
  });

  test('random duplicated and reordered updates end in the provider’s last true state', () => {
    const scenario = fc.constantFrom(...TRUE_HISTORIES).chain((history) =>
      fc.tuple(
        fc.constant(history),
        // every true state delivered 1–3 times, plus the whole list shuffled
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: history.length, maxLength: history.length }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
      ),
    );
    fc.assert(
      fc.property(scenario, ([history, repeats, noise]) => {
        const deliveries = history.flatMap((s, i) => Array.from({ length: repeats[i] ?? 1 }, () => s));
        const it = noise[Symbol.iterator]();
        const shuffled = deliveries
          .map((s) => ({ s, k: it.next().value as number }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.s);
        const { final, moves } = applyAll('requires_action', shuffled);
        assert.equal(final, history.at(-1));
        assert.ok(moves <= history.length - 1, 'one move at most per real transition');
      }),
      { numRuns: 2000 },
    );
  });

  test('in true order every real transition is applied exactly once', () => {
    for (const history of TRUE_HISTORIES) {
      const { final, moves } = applyAll('requires_action', [...history, ...history]);
      assert.equal(final, history.at(-1));
      assert.equal(moves, history.length - 1);
    }
  });
});

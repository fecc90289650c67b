import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { ProviderPaymentPart } from '../connector-contract.ts';
import { mergeParts, newlyPaid, refundAllParts } from './parts.ts';
import type { PaymentPart, PaymentPartStatus } from './payment.ts';

const T = 1_800_000_000_000;

const reported = (id: string, amount: number, status: PaymentPartStatus, name = id): ProviderPaymentPart => ({
  providerPartId: id,
  name,
  amount,
  status,
  method: status === 'paid' || status === 'refunded' ? 'mada' : null,
});

function apply(stored: readonly PaymentPart[], news: readonly ProviderPaymentPart[], total: number, now = T) {
  const m = mergeParts(stored, news, total, now);
  return m.kind === 'changed' ? m.parts : stored;
}

describe('mergeParts', () => {
  test('the first split is taken as reported; a share seen paid gets its time and method', () => {
    const split = apply([], [reported('inv_a', 6000, 'pending'), reported('inv_b', 4000, 'pending')], 10_000);
    assert.deepEqual(
      split.map((p) => [p.id, p.amount, p.status, p.paidAt]),
      [
        ['inv_a', 6000, 'pending', null],
        ['inv_b', 4000, 'pending', null],
      ],
    );
    const one = apply(split, [reported('inv_a', 6000, 'paid'), reported('inv_b', 4000, 'pending')], 10_000, T + 5);
    assert.equal(one[0]?.status, 'paid');
    assert.equal(one[0]?.paidAt, T + 5);
    assert.equal(one[0]?.method, 'mada');
    assert.deepEqual(newlyPaid(split, one), [one[0]]);
  });

  test('before anyone pays the bill may be split again; after, an older list changes nothing', () => {
    const first = apply([], [reported('inv_a', 5000, 'pending'), reported('inv_b', 5000, 'pending')], 10_000);
    const again = apply(first, [reported('inv_c', 10_000, 'pending')], 10_000);
    assert.deepEqual(
      again.map((p) => p.id),
      ['inv_c'],
    );
    const paid = apply(again, [reported('inv_c', 10_000, 'paid')], 10_000);
    assert.equal(mergeParts(paid, first.map(toReported), 10_000, T).kind, 'unchanged');
    assert.equal(mergeParts(paid, [reported('inv_c', 10_000, 'pending')], 10_000, T).kind, 'unchanged');
    assert.equal(mergeParts(paid, [], 10_000, T).kind, 'unchanged');
  });

  test('shares that do not add up to the payment are refused, never recorded', () => {
    const m = mergeParts([], [reported('inv_a', 5000, 'pending'), reported('inv_b', 4999, 'pending')], 10_000, T);
    assert.deepEqual(m, { kind: 'mismatch', total: 9999 });
  });

  test('a full refund refunds the paid shares', () => {
    const parts = apply([], [reported('inv_a', 5000, 'paid'), reported('inv_b', 5000, 'paid')], 10_000);
    assert.deepEqual(
      refundAllParts(parts).map((p) => p.status),
      ['refunded', 'refunded'],
    );
  });

  test('property: under any order of news, a paid share stays paid, and paid news is never lost', () => {
    const statuses: PaymentPartStatus[] = ['pending', 'paid', 'expired', 'refunded'];
    const news = fc.array(fc.tuple(fc.constantFrom('inv_a', 'inv_b', 'inv_c'), fc.constantFrom(...statuses)), {
      minLength: 1,
      maxLength: 30,
    });
    fc.assert(
      fc.property(news, (events) => {
        let parts: readonly PaymentPart[] = [];
        const everPaid = new Set<string>();
        for (const [i, [id, status]] of events.entries()) {
          // The provider's list: every share, the one this news is about with its status.
          const list = ['inv_a', 'inv_b', 'inv_c'].map((x) =>
            reported(x, 3333 + (x === 'inv_a' ? 1 : 0), x === id ? status : 'pending'),
          );
          const before = parts;
          parts = apply(parts, list, 10_000, T + i);
          if (status === 'paid' || status === 'refunded') everPaid.add(id);
          for (const p of before) {
            const now = parts.find((q) => q.id === p.id);
            if (p.status === 'paid') assert.ok(now?.status === 'paid' || now?.status === 'refunded');
            if (p.paidAt !== null) assert.equal(now?.paidAt, p.paidAt);
          }
          assert.equal(
            parts.reduce((a, p) => a + p.amount, 0),
            10_000,
          );
        }
        for (const id of everPaid) {
          const p = parts.find((q) => q.id === id);
          assert.ok(p?.status === 'paid' || p?.status === 'refunded', `${id} was reported paid`);
          assert.notEqual(p?.paidAt, null);
        }
      }),
      { numRuns: 500 },
    );
  });
});

function toReported(p: PaymentPart): ProviderPaymentPart {
  return { providerPartId: p.id, name: p.name, amount: p.amount, status: p.status, method: p.method };
}

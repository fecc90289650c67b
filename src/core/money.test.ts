import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { allocate, exponentOf, formatMajor, fromMajorNumber, parseMajor, toMajorNumber } from './money.ts';

const minor = fc.integer({ min: 0, max: 999_999_999_999 });

describe('money', () => {
  test('exponents: QAR 2, KWD 3', () => {
    assert.equal(exponentOf('QAR'), 2);
    assert.equal(exponentOf('KWD'), 3);
    assert.throws(() => exponentOf('XXX'), /unknown currency/);
  });

  test('formatMajor renders exact decimal strings', () => {
    assert.equal(formatMajor({ amount: 100, currency: 'QAR' }), '1.00');
    assert.equal(formatMajor({ amount: 301, currency: 'QAR' }), '3.01');
    assert.equal(formatMajor({ amount: 5, currency: 'KWD' }), '0.005');
    assert.equal(formatMajor({ amount: 1234567, currency: 'KWD' }), '1234.567');
    assert.equal(formatMajor({ amount: 7, currency: 'JPY' }), '7');
  });

  test('parseMajor is exact and refuses what it cannot represent', () => {
    assert.deepEqual(parseMajor('100.00', 'QAR'), { amount: 10000, currency: 'QAR' });
    assert.deepEqual(parseMajor('3.5', 'QAR'), { amount: 350, currency: 'QAR' });
    assert.deepEqual(parseMajor('1.500', 'QAR'), { amount: 150, currency: 'QAR' });
    assert.deepEqual(parseMajor('0.005', 'KWD'), { amount: 5, currency: 'KWD' });
    assert.throws(() => parseMajor('1.005', 'QAR'), /more than 2 decimals/);
    assert.throws(() => parseMajor('1e3', 'QAR'), /not a decimal/);
    assert.throws(() => parseMajor('', 'QAR'), /not a decimal/);
  });

  for (const currency of ['QAR', 'KWD'] as const) {
    test(`${currency}: string form round-trips for every amount`, () => {
      fc.assert(
        fc.property(minor, (amount) => {
          const text = formatMajor({ amount, currency });
          assert.equal(text.split('.')[1]?.length, exponentOf(currency));
          assert.deepEqual(parseMajor(text, currency), { amount, currency });
        }),
      );
    });

    test(`${currency}: number form (Tap) round-trips for every amount`, () => {
      fc.assert(
        fc.property(minor, (amount) => {
          const n = toMajorNumber({ amount, currency });
          assert.equal(JSON.stringify(n), String(Number(formatMajor({ amount, currency }))));
          assert.deepEqual(fromMajorNumber(n, currency), { amount, currency });
          assert.deepEqual(fromMajorNumber(JSON.parse(JSON.stringify(n)), currency), { amount, currency });
        }),
      );
    });

    test(`${currency}: minor-unit integer form (Checkout.com) is the amount itself`, () => {
      fc.assert(
        fc.property(minor, (amount) => {
          const wire = JSON.parse(JSON.stringify({ amount })).amount;
          assert.equal(wire, amount);
          assert.ok(Number.isSafeInteger(wire));
        }),
      );
    });
  }

  test('a major number with too many decimals is refused, not rounded', () => {
    assert.throws(() => fromMajorNumber(1.005, 'QAR'), RangeError);
    assert.throws(() => fromMajorNumber(0.0001, 'KWD'), RangeError);
    assert.deepEqual(fromMajorNumber(0.1 + 0.2 - 0.3 + 1, 'KWD'), { amount: 1000, currency: 'KWD' });
  });

  test('allocate: parts are integers that sum to the total and follow the weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000_000 }),
        fc
          .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 })
          .filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = allocate(total, weights);
          assert.equal(parts.length, weights.length);
          assert.equal(
            parts.reduce((a, b) => a + b, 0),
            total,
          );
          const sum = weights.reduce((a, b) => a + b, 0);
          parts.forEach((p, i) => {
            assert.ok(Number.isSafeInteger(p) && p >= 0);
            const exact = ((weights[i] ?? 0) * total) / sum;
            assert.ok(Math.abs(p - exact) < 1 + 1e-6, `part ${p} far from ${exact}`);
          });
        },
      ),
    );
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDate, voidWindowProblem } from './dates.ts';
import { callbackHash, hashMatches, paymentIdHash, phpStrToUpper, refundHash, sessionHash } from './hash.ts';
import { paymentPublicId } from './ids.ts';
import { formatAmount, parseAmount } from './money.ts';

const PID = 'dc66cdd8-d702-11ea-9a2f-0242c0a87002';
const PW = 'test-password';
const ORDER = { number: 'order-1234', amount: '3.01', currency: 'QAR', description: 'Very important gift' };

test('the four computed vectors of providers.md §4.3', () => {
  assert.equal(sessionHash(ORDER, PW), '4f1dfce32f96a46a7c0be4a9c382eecaffb6db76');
  assert.equal(paymentIdHash(PID, PW), '263371351234dc927ae11179f24dfb7c0442b32b');
  assert.equal(refundHash(PID, '1.00', PW), 'acdb2aedd077aedc57219f1c11358e8f23909263');
  const callback = {
    id: PID,
    order_number: ORDER.number,
    order_amount: ORDER.amount,
    order_currency: ORDER.currency,
    order_description: ORDER.description,
  };
  assert.equal(callbackHash(callback, PW), 'eec82aef4345045525e92e5246057e62715e9982');
});

test('a full refund leaves the amount out of the hash', () => {
  assert.equal(refundHash(PID, undefined, PW), paymentIdHash(PID, PW));
});

test('Arabic and other non-ASCII bytes are hashed unchanged (PHP strtoupper)', () => {
  // Computed outside the emulator with ASCII-only upper-casing of the UTF-8 bytes.
  const arabic = { number: 'طلب-1', amount: '3.01', currency: 'QAR', description: 'هدية مهمة café' };
  assert.equal(sessionHash(arabic, PW), 'c593e0318990d4535b715a4bd0c75b1feaed343c');
  assert.equal(phpStrToUpper('café ß طلب').toString('utf8'), 'CAFé ß طلب');
});

test('incoming hashes compare case-insensitively', () => {
  const hash = paymentIdHash(PID, PW);
  assert.ok(hashMatches(hash.toUpperCase(), hash));
  assert.ok(!hashMatches(paymentIdHash(PID, 'other-password'), hash));
  assert.ok(!hashMatches(undefined, hash));
});

test('amounts parse and format with the currency exponent, no floats or leading zeros', () => {
  assert.equal(parseAmount('3.01', 'QAR'), 301);
  assert.equal(parseAmount('0.19', 'QAR'), 19);
  assert.equal(parseAmount('10.125', 'KWD'), 10125);
  assert.equal(parseAmount('1.000', 'JOD'), 1000);
  for (const bad of ['03.01', '3.1', '3', '3.010', '-1.00', ' 3.01', '1e2', '.50', 3.01]) {
    assert.equal(parseAmount(bad, 'QAR'), null, String(bad));
  }
  assert.equal(parseAmount('1.00', 'KWD'), null);
  assert.equal(formatAmount(301, 'QAR'), '3.01');
  assert.equal(formatAmount(19, 'QAR'), '0.19');
  assert.equal(formatAmount(5, 'BHD'), '0.005');
  assert.equal(formatAmount(123456789012345, 'QAR'), '1234567890123.45');
});

test('dates use the seed format; the void window is the Qatar day before 21:00', () => {
  assert.equal(formatDate(Date.UTC(2022, 6, 5, 9, 45, 3)), '2022-07-05 09:45:03');
  const settled = Date.UTC(2026, 0, 15, 7, 0, 0); // 10:00 Qatar
  assert.equal(voidWindowProblem(settled, Date.UTC(2026, 0, 15, 17, 59, 59)), null); // 20:59:59 Qatar
  assert.match(voidWindowProblem(settled, Date.UTC(2026, 0, 15, 18, 0, 0)) ?? '', /21:00/);
  assert.match(voidWindowProblem(settled, Date.UTC(2026, 0, 15, 21, 0, 0)) ?? '', /day/); // 00:00 next day
  // 23:30 UTC on the 14th is already the 15th in Qatar.
  assert.equal(voidWindowProblem(Date.UTC(2026, 0, 14, 21, 30), Date.UTC(2026, 0, 15, 7, 0)), null);
});

test('payment ids look like version-1 UUIDs', () => {
  assert.match(
    paymentPublicId(Date.UTC(2020, 7, 5)),
    /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { hashInput, hashString } from './hashstring.ts';
import { formatMajor, MAX_MINOR, majorToMinor, minorToMajor } from './money.ts';
import { TAP_ID, tapId } from './tap-ids.ts';

test('majorToMinor is exact: decimal text, never float multiplication', () => {
  assert.deepEqual(majorToMinor(1, 'QAR'), { ok: true, minor: 100 });
  assert.deepEqual(majorToMinor(0.29, 'QAR'), { ok: true, minor: 29 }); // 0.29 * 100 = 28.999999999999996
  assert.deepEqual(majorToMinor(1.005, 'KWD'), { ok: true, minor: 1005 });
  assert.deepEqual(majorToMinor(1.5, 'BHD'), { ok: true, minor: 1500 });
  assert.deepEqual(majorToMinor(1e-7, 'QAR'), { ok: false, reason: 'too_many_decimals' });
  assert.deepEqual(majorToMinor(1e21, 'QAR'), { ok: false, reason: 'invalid' });
  assert.deepEqual(majorToMinor(10_000_000_000_000, 'QAR'), { ok: false, reason: 'invalid' });
  assert.deepEqual(majorToMinor(1.001, 'QAR'), { ok: false, reason: 'too_many_decimals' });
  assert.deepEqual(majorToMinor(1.0001, 'OMR'), { ok: false, reason: 'too_many_decimals' });
  for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '1', null]) {
    assert.equal(majorToMinor(bad, 'QAR').ok, false, String(bad));
  }
});

test('minor → major → minor round-trips for 2 and 3 decimal currencies', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: MAX_MINOR }), fc.constantFrom('QAR', 'KWD'), (minor, cur) => {
      assert.deepEqual(majorToMinor(minorToMajor(minor, cur), cur), { ok: true, minor });
    }),
  );
});

test('formatMajor pads to the currency decimals', () => {
  assert.equal(formatMajor(100, 'QAR'), '1.00');
  assert.equal(formatMajor(5, 'QAR'), '0.05');
  assert.equal(formatMajor(1500, 'KWD'), '1.500');
  assert.equal(formatMajor(7, 'BHD'), '0.007');
  assert.equal(formatMajor(1234, 'JPY'), '1234');
});

test('hashstring follows providers.md §2.5 exactly (3-decimal amount)', () => {
  const fields = {
    id: 'chg_TS07A0320241133g5RO1906000',
    amount: formatMajor(1500, 'KWD'),
    currency: 'KWD',
    gatewayReference: '00',
    paymentReference: '0519241133062344298',
    status: 'CAPTURED',
    created: '1718796783000',
  };
  const expectedInput =
    'x_idchg_TS07A0320241133g5RO1906000x_amount1.500x_currencyKWDx_gateway_reference00' +
    'x_payment_reference0519241133062344298x_statusCAPTUREDx_created1718796783000';
  assert.equal(hashInput(fields), expectedInput);
  const key = 'sk_test_XKokBfNWv6FIYuTMg5sLPjhJ';
  assert.equal(hashString(fields, key), createHmac('sha256', key).update(expectedInput).digest('hex'));
  assert.match(hashString(fields, key), /^[0-9a-f]{64}$/);
  // Missing references are empty strings.
  assert.match(hashInput({ ...fields, gatewayReference: undefined }), /x_gateway_referencex_payment_reference/);
});

test('ids mirror the seed layout and carry the creation time', () => {
  const at = Date.UTC(2024, 5, 19, 11, 33, 3, 0);
  const id = tapId('chg_', at);
  assert.match(id, TAP_ID);
  assert.match(id, /^chg_TS0[1-9]A0320241133[A-Za-z0-9]{4}1906000$/);
  assert.match('chg_TS07A0320241133g5RO1906000', TAP_ID);
});

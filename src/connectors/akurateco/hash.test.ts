import assert from 'node:assert/strict';
import { test } from 'node:test';
import { akuratecoHash, callbackHash, idHash, phpStrtoupper, refundHash, sessionHash } from './hash.ts';

const PASSWORD = 'test-password';
const PAYMENT = 'dc66cdd8-d702-11ea-9a2f-0242c0a87002';

test('the four vectors of providers.md §4.3', () => {
  const order = { number: 'order-1234', amount: '3.01', currency: 'QAR', description: 'Very important gift' };
  assert.equal(sessionHash(order, PASSWORD), '4f1dfce32f96a46a7c0be4a9c382eecaffb6db76');
  assert.equal(idHash(PAYMENT, PASSWORD), '263371351234dc927ae11179f24dfb7c0442b32b');
  assert.equal(refundHash(PAYMENT, '1.00', PASSWORD), 'acdb2aedd077aedc57219f1c11358e8f23909263');
  const cb = {
    id: PAYMENT,
    order_number: 'order-1234',
    order_amount: '3.01',
    order_currency: 'QAR',
    order_description: 'Very important gift',
  };
  assert.equal(callbackHash(cb, PASSWORD), 'eec82aef4345045525e92e5246057e62715e9982');
});

test('strtoupper changes ASCII letters only: Arabic text is hashed byte for byte', () => {
  assert.deepEqual(phpStrtoupper('abc-xyzé'), Buffer.concat([Buffer.from('ABC-XYZ'), Buffer.from('é')]));
  const arabic = 'هدية مهمة جداً';
  assert.deepEqual(phpStrtoupper(arabic), Buffer.from(arabic, 'utf8'));
  const order = { number: 'order-7', amount: '10.00', currency: 'QAR', description: `gift ${arabic}` };
  assert.equal(
    sessionHash(order, PASSWORD),
    akuratecoHash('ORDER-7', '10.00', 'QAR', `GIFT ${arabic}`, 'TEST-PASSWORD'),
  );
  // JavaScript's toUpperCase would change non-ASCII letters PHP leaves alone.
  assert.notDeepEqual(phpStrtoupper('café'), Buffer.from('café'.toUpperCase(), 'utf8'));
});

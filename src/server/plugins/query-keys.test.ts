import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keyInQuery } from './query-keys.ts';

const KEY = 'sk_live_4fQ9ZrT2bX8mWc1NpL6sVy3KdH7gJ0aE';

describe('keyInQuery', () => {
  it('finds keys by parameter name, whatever the value', () => {
    for (const name of [
      'api_key',
      'API-KEY',
      'apikey',
      'key',
      'secret_key',
      'access_token',
      'token',
      'Authorization',
    ]) {
      assert.deepEqual(keyInQuery(`/v1/payments?limit=1&${name}=whatever`), { param: name });
    }
    assert.deepEqual(keyInQuery('/v1/payments?api%5Fkey=x'), { param: 'api_key' });
    assert.deepEqual(keyInQuery('/v1/payments?key'), { param: 'key' });
  });

  it('finds values shaped like an API key under any name, without echoing a key-shaped name', () => {
    assert.deepEqual(keyInQuery(`/v1/payments?q=${KEY}`), { param: 'q' });
    assert.deepEqual(keyInQuery(`/v1/payments?q=Bearer%20${KEY}`), { param: 'q' });
    assert.deepEqual(keyInQuery(`/v1/payments?${KEY}`), { param: undefined });
    assert.deepEqual(keyInQuery(`/v1/payments?=${KEY}`), { param: undefined });
  });

  it('lets ordinary queries through', () => {
    assert.equal(keyInQuery('/v1/payments'), undefined);
    assert.equal(keyInQuery('/v1/payments?limit=10&starting_after=pay_01&status=captured'), undefined);
    assert.equal(keyInQuery('/v1/events?type=payment.captured&object_id=pay_1&monkey=1'), undefined);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration, parseInstant } from './api-key-expiry.ts';

describe('API key expiry', () => {
  it('reads ISO 8601 date-times with an offset, dates, and Unix seconds', () => {
    assert.equal(parseInstant('2027-01-01T00:00:00Z'), Date.UTC(2027, 0, 1));
    assert.equal(parseInstant('2027-01-01T03:00:00+03:00'), Date.UTC(2027, 0, 1));
    assert.equal(parseInstant('2027-01-01T00:00:00.250Z'), Date.UTC(2027, 0, 1) + 250);
    assert.equal(parseInstant('2027-01-01'), Date.UTC(2027, 0, 1));
    assert.equal(parseInstant('1798761600'), Date.UTC(2027, 0, 1));
    assert.equal(parseInstant(1798761600), Date.UTC(2027, 0, 1));
  });

  it('refuses anything else', () => {
    for (const bad of ['tomorrow', '2027-01-01T00:00:00', '2027-13-01', '01/01/2027', '', '-5', '1e9', 1.5, -1]) {
      assert.equal(parseInstant(bad), undefined, String(bad));
    }
  });

  it('reads durations in s, m, h, d, w', () => {
    assert.equal(parseDuration('45s'), 45_000);
    assert.equal(parseDuration('30m'), 1_800_000);
    assert.equal(parseDuration('12h'), 43_200_000);
    assert.equal(parseDuration('90d'), 90 * 86_400_000);
    assert.equal(parseDuration('2w'), 14 * 86_400_000);
    for (const bad of ['0d', '1y', 'd', '1.5h', '-1d', '']) assert.equal(parseDuration(bad), undefined, bad);
  });
});

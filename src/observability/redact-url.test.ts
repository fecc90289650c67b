import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactUrl } from './redact-url.ts';

const KEY = 'sk_test_4fQ9ZrT2bX8mWc1NpL6sVy3KdH7gJ0aE';

describe('redactUrl', () => {
  it('redacts values of parameters named like secrets, whatever they look like', () => {
    assert.equal(
      redactUrl('/v1/payments?limit=3&api_key=abc&access_token=t&Password=p&x-signature=s&hash=h'),
      '/v1/payments?limit=3&api_key=[redacted]&access_token=[redacted]&Password=[redacted]&x-signature=[redacted]&hash=[redacted]',
    );
  });

  it('redacts values, names and path segments shaped like keys or signing secrets, encoded or not', () => {
    assert.equal(redactUrl(`/v1/payments?q=${KEY}`), '/v1/payments?q=[redacted]');
    assert.equal(
      redactUrl(`/return/tap/pay_1?x=${encodeURIComponent(KEY).replace('_', '%5F')}`),
      '/return/tap/pay_1?x=[redacted]',
    );
    assert.equal(redactUrl(`/x?${KEY}`), '/x?[redacted]');
    assert.equal(redactUrl(`/x?${KEY}=1`), '/x?[redacted]=1');
    assert.equal(redactUrl(`/v1/${KEY}/payments`), '/v1/[redacted]/payments');
    assert.equal(redactUrl('/hooks/x?w=whsec_c2VjcmV0c2VjcmV0'), '/hooks/x?w=[redacted]');
    assert.equal(redactUrl('/x?live=sk_live_ABCDEFGHIJ'), '/x?live=[redacted]');
  });

  it('leaves everything else as it was', () => {
    for (const url of [
      '/v1/payments',
      '/v1/payments?limit=10&starting_after=pay_01h2&created%5Bgte%5D=2026-01-01',
      '/return/checkout_com/pay_1?cko-session-id=sid_123',
      '/hooks/qattah/ca_1?order_id=42&bad=%E0%A4%A',
    ]) {
      assert.equal(redactUrl(url), url);
    }
  });
});

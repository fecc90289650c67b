import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger } from './logger.ts';
import { isSecretName, scrub, scrubText } from './scrub.ts';

const KEY = 'sk_test_4fQ9ZrT2bX8mWc1NpL6sVy3KdH7gJ0aE';
const CARD = '4215375500883243';

describe('isSecretName', () => {
  test('every connector credential, our secrets, signatures, card data, PINs, OTPs and national ids', () => {
    for (const name of [
      'secret_key',
      'secretKey',
      'api_token',
      'merchant_key',
      'password',
      'webhook_signature_key',
      'webhook_authorization',
      'webhookSignatureKey',
      'secret',
      'previousSecret',
      'credentials',
      'Authorization',
      'Idempotency-Key',
      'Cko-Signature',
      'hashstring',
      'webhook-signature',
      'hash',
      'card_number',
      'cvv',
      'pin',
      'OTP',
      'national_id',
      'nationalId',
    ]) {
      assert.ok(isSecretName(name), name);
    }
  });

  test('not the ids and words a log line needs', () => {
    for (const name of [
      'api_key_id',
      'apiKeyId',
      'paymentId',
      'reason',
      'detail',
      'shipping',
      'authenticated',
      'url',
    ]) {
      assert.ok(!isSecretName(name), name);
    }
  });
});

describe('scrubText', () => {
  test('secrets by shape: keys, signing secrets, bearer tokens, card numbers (Luhn)', () => {
    assert.equal(scrubText(`key ${KEY}; Bearer abc.def-ghi`), 'key [redacted]; Bearer [redacted]');
    assert.equal(scrubText('whsec_c2VjcmV0c2VjcmV0 then'), '[redacted] then');
    assert.equal(scrubText(`card ${CARD}, or 4215 3755 0088 3243`), 'card [redacted], or [redacted]');
    assert.equal(scrubText('order 4215375500883244, at 1768471200000'), 'order 4215375500883244, at 1768471200000');
  });

  test('secrets by name, in JSON, forms, headers and a body cut short', () => {
    assert.equal(
      scrubText('{"merchant_key":"f0e4","amount":"3.01","hash":"ab\\"c"}'),
      '{"merchant_key":"[redacted]","amount":"3.01","hash":"[redacted]"}',
    );
    assert.equal(scrubText('password=p%40ss&order=1'), 'password=[redacted]&order=1');
    assert.equal(scrubText('authorization: Token xyz\nhost: a'), 'authorization: [redacted]\nhost: a');
    assert.equal(scrubText('HTTP 502: {"api_token":"abcd'), 'HTTP 502: {"api_token":"[redacted]"');
    assert.equal(scrubText("{'pin': '677', 'otp': 123456}"), "{'pin': '[redacted]', 'otp': [redacted]}");
  });
});

describe('scrub', () => {
  test('a secret name at any depth, and every string, in a copy', () => {
    const fields = {
      account: { id: 'ca_1', credentials: { secret_key: KEY } },
      call: { request: { body: { merchant_key: 'k', nested: { password: 'p', fine: 'ok' } } } },
      list: [{ api_token: 't' }, `x ${CARD}`],
      flag: true,
      secret: null,
    };
    const copy = structuredClone(fields);
    assert.deepEqual(scrub(fields), {
      account: { id: 'ca_1', credentials: '[redacted]' },
      call: { request: { body: { merchant_key: '[redacted]', nested: { password: '[redacted]', fine: 'ok' } } } },
      list: [{ api_token: '[redacted]' }, 'x [redacted]'],
      flag: true,
      secret: null,
    });
    assert.deepEqual(fields, copy, 'what was logged is not changed');
  });
});

describe('the logger', () => {
  test('scrubs fields and errors, at every level', () => {
    const lines: string[] = [];
    const log = createLogger(
      'trace',
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    log.trace({ account: { credentials: { api_token: 'tok-123456' } }, detail: `Bearer ${KEY}` }, 'a');
    log.error({ err: new Error(`failed for ${CARD}`, { cause: new Error(`with ${KEY}`) }) }, 'b');
    log.warn({ err: 'password=hunter22' }, 'c');
    const text = lines.join('');
    for (const secret of ['tok-123456', KEY, CARD, 'hunter22']) assert.ok(!text.includes(secret), secret);
    assert.equal(lines.length, 3);
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, test } from 'node:test';
import { decodeWebhookSecret, generateWebhookSecret, signWebhook } from './sign.ts';

// The test vector of the Standard Webhooks reference libraries
// (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const base = { id: 'evt_01', timestamp: 1_767_225_600, body: '{"id":"evt_01","object":"event"}' };

describe('signWebhook', () => {
  test('reproduces the published Standard Webhooks test vector', () => {
    const headers = signWebhook({ ...VECTOR, secrets: [VECTOR.secret] });
    assert.deepEqual(headers, {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': VECTOR.signature,
    });
  });

  test('signs "id.timestamp.body" as UTF-8 with the base64-decoded key', () => {
    const secret = generateWebhookSecret();
    const body = '{"description":"بوابة ✓"}';
    const headers = signWebhook({ ...base, body, secrets: [secret] });
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key)
      .update(Buffer.from(`${base.id}.${base.timestamp}.${body}`, 'utf8'))
      .digest('base64');
    assert.equal(headers['webhook-signature'], `v1,${expected}`);
  });

  test('several secrets give one space-separated signature each, in order', () => {
    const secrets = [generateWebhookSecret(), VECTOR.secret, generateWebhookSecret()];
    const all = signWebhook({ ...base, secrets })['webhook-signature'].split(' ');
    const one = secrets.map((s) => signWebhook({ ...base, secrets: [s] })['webhook-signature']);
    assert.deepEqual(all, one);
    assert.equal(new Set(all).size, 3);
    for (const signature of all) assert.match(signature, /^v1,[A-Za-z0-9+/]{43}=$/);
  });

  test('a different id, timestamp or body changes the signature', () => {
    const secrets = [VECTOR.secret];
    const signature = (input: typeof base) => signWebhook({ ...input, secrets })['webhook-signature'];
    const reference = signature(base);
    assert.notEqual(signature({ ...base, id: 'evt_02' }), reference);
    assert.notEqual(signature({ ...base, timestamp: base.timestamp + 1 }), reference);
    assert.notEqual(signature({ ...base, body: `${base.body} ` }), reference);
  });

  test('a malformed secret throws a TypeError that names its position but not its value', () => {
    const bad = [
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', // no whsec_ prefix
      'whsec_',
      'whsec_not base64!',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS', // not a whole base64 quantum
      `whsec_${Buffer.alloc(23, 1).toString('base64')}`, // too short
      `whsec_${Buffer.alloc(65, 1).toString('base64')}`, // too long
      'whsk_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', // an asymmetric key
    ];
    for (const secret of bad) {
      assert.throws(
        () => signWebhook({ ...base, secrets: [VECTOR.secret, secret] }),
        (error: unknown) =>
          error instanceof TypeError &&
          error.message.startsWith('secrets[1] is not a valid webhook secret: expected "whsec_"') &&
          (secret === 'whsec_' || !error.message.includes(secret)),
        secret,
      );
    }
  });

  test('no secret at all is an error', () => {
    assert.throws(() => signWebhook({ ...base, secrets: [] }), /at least one webhook secret/);
  });

  test('an id containing "." or a timestamp in milliseconds is refused', () => {
    const secrets = [VECTOR.secret];
    assert.throws(() => signWebhook({ ...base, id: 'evt.1', secrets }), RangeError);
    assert.throws(() => signWebhook({ ...base, id: '', secrets }), RangeError);
    assert.throws(() => signWebhook({ ...base, timestamp: 1_767_225_600_000, secrets }), /whole Unix seconds/);
    assert.throws(() => signWebhook({ ...base, timestamp: 1.5, secrets }), RangeError);
    assert.throws(() => signWebhook({ ...base, timestamp: -1, secrets }), RangeError);
  });
});

describe('generateWebhookSecret', () => {
  test('is whsec_ and the base64 of 32 random bytes, and decodes to a usable key', () => {
    const secrets = Array.from({ length: 50 }, generateWebhookSecret);
    for (const secret of secrets) {
      assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.equal(decodeWebhookSecret(secret).length, 32);
    }
    assert.equal(new Set(secrets).size, secrets.length);
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, test } from 'node:test';
import { generateWebhookSecret, signWebhook } from '../../../src/webhooks/sign.ts';
import { type VerifyWebhookOptions, verifyWebhook, WebhookVerificationError } from './webhooks.ts';

// The test vector of the Standard Webhooks reference libraries
// (standard-webhooks/standard-webhooks, libraries/javascript/src/webhook.test.ts, "sign function works").
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  headers: {
    'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    'webhook-timestamp': '1614265330',
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  },
  payload: '{"test": 2432232314}',
};

const T = 1_767_225_600; // 2026-01-01T00:00:00Z, in seconds
const at = (seconds: number): VerifyWebhookOptions => ({ now: () => seconds * 1000 });
const event = { id: 'evt_01', object: 'event', type: 'payment.captured', data: { object: { id: 'pay_01' } } };
const body = JSON.stringify(event);

function signed(secrets: readonly string[], timestamp = T, payload = body) {
  return signWebhook({ id: 'evt_01', timestamp, body: payload, secrets });
}

async function rejection(promise: Promise<unknown>): Promise<WebhookVerificationError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof WebhookVerificationError, String(error));
    assert.equal(error.name, 'WebhookVerificationError');
    return error;
  }
  assert.fail('verifyWebhook accepted the webhook');
}

describe('verifyWebhook accepts', () => {
  test('the published Standard Webhooks test vector', async () => {
    assert.deepEqual(await verifyWebhook(VECTOR.payload, VECTOR.headers, VECTOR.secret, at(1614265330)), {
      test: 2432232314,
    });
  });

  test('the vector with its secret given without the whsec_ prefix, as the reference library allows', async () => {
    const secret = VECTOR.secret.slice('whsec_'.length);
    assert.deepEqual(await verifyWebhook(VECTOR.payload, VECTOR.headers, secret, at(1614265330)), {
      test: 2432232314,
    });
  });

  test('what the server signer signs, returning the parsed body', async () => {
    const secret = generateWebhookSecret();
    assert.deepEqual(await verifyWebhook(body, signed([secret]), secret, at(T)), event);
  });

  test('a non-ASCII body, as a string and as the UTF-8 bytes of the request', async () => {
    const secret = generateWebhookSecret();
    const payload = JSON.stringify({ description: 'بوابة — دفع ✓' });
    const headers = signed([secret], T, payload);
    const bytes = new TextEncoder().encode(payload);
    assert.deepEqual(await verifyWebhook(payload, headers, secret, at(T)), JSON.parse(payload));
    assert.deepEqual(await verifyWebhook(bytes, headers, secret, at(T)), JSON.parse(payload));
    assert.deepEqual(await verifyWebhook(Buffer.from(bytes), headers, secret, at(T)), JSON.parse(payload));
  });

  test('a Headers object', async () => {
    const secret = generateWebhookSecret();
    assert.deepEqual(await verifyWebhook(body, new Headers(signed([secret])), secret, at(T)), event);
  });

  test('plain-object headers in any case, and Node-style string arrays', async () => {
    const secret = generateWebhookSecret();
    const h = signed([secret]);
    const mixed = {
      'Webhook-Id': h['webhook-id'],
      'WEBHOOK-TIMESTAMP': h['webhook-timestamp'],
      'webhook-Signature': [h['webhook-signature']],
      'content-type': 'application/json',
      'x-absent': undefined,
    };
    assert.deepEqual(await verifyWebhook(body, mixed, secret, at(T)), event);
    const node: IncomingHttpHeaders = { ...h, host: 'merchant.example' };
    assert.deepEqual(await verifyWebhook(body, node, secret, at(T)), event);
  });

  test('rotation: a message signed with both secrets, by either secret', async () => {
    const [previous, current] = [generateWebhookSecret(), generateWebhookSecret()];
    const headers = signed([current, previous]);
    assert.equal(headers['webhook-signature'].split(' ').length, 2);
    assert.deepEqual(await verifyWebhook(body, headers, current, at(T)), event);
    assert.deepEqual(await verifyWebhook(body, headers, previous, at(T)), event);
  });

  test('rotation: a message signed with one secret, by a receiver holding both', async () => {
    const [previous, current] = [generateWebhookSecret(), generateWebhookSecret()];
    assert.deepEqual(await verifyWebhook(body, signed([previous]), [current, previous], at(T)), event);
    assert.deepEqual(await verifyWebhook(body, signed([current]), [current, previous], at(T)), event);
  });

  test('a matching v1 signature among unknown versions and wrong signatures', async () => {
    const secret = generateWebhookSecret();
    const good = signed([secret])['webhook-signature'];
    const headers = {
      ...signed([secret]),
      'webhook-signature': `v1a,AAAA v2,${good.slice(3)} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= junk ${good}`,
    };
    assert.deepEqual(await verifyWebhook(body, headers, secret, at(T)), event);
  });
});

describe('verifyWebhook tolerance', () => {
  const secret = generateWebhookSecret();
  const headers = signed([secret]);

  test('accepts exactly 300 s either way, in whole seconds, and refuses 301 s', async () => {
    assert.deepEqual(await verifyWebhook(body, headers, secret, at(T + 300)), event);
    assert.deepEqual(await verifyWebhook(body, headers, secret, { now: () => (T + 300) * 1000 + 999 }), event);
    assert.deepEqual(await verifyWebhook(body, headers, secret, at(T - 300)), event);
    assert.equal((await rejection(verifyWebhook(body, headers, secret, at(T + 301)))).reason, 'timestamp_too_old');
    assert.equal((await rejection(verifyWebhook(body, headers, secret, at(T - 301)))).reason, 'timestamp_too_new');
  });

  test('honours toleranceSeconds, down to zero', async () => {
    const tight = (now: number) => ({ ...at(now), toleranceSeconds: 10 });
    assert.deepEqual(await verifyWebhook(body, headers, secret, tight(T + 10)), event);
    assert.equal((await rejection(verifyWebhook(body, headers, secret, tight(T + 11)))).reason, 'timestamp_too_old');
    assert.equal((await rejection(verifyWebhook(body, headers, secret, tight(T - 11)))).reason, 'timestamp_too_new');
    const exact = { ...at(T), toleranceSeconds: 0 };
    assert.deepEqual(await verifyWebhook(body, headers, secret, exact), event);
    const late = { ...at(T + 1), toleranceSeconds: 0 };
    assert.equal((await rejection(verifyWebhook(body, headers, secret, late))).reason, 'timestamp_too_old');
  });

  test('refuses a negative or non-finite tolerance as a programming error', async () => {
    await assert.rejects(verifyWebhook(body, headers, secret, { toleranceSeconds: -1 }), RangeError);
    await assert.rejects(verifyWebhook(body, headers, secret, { toleranceSeconds: Number.NaN }), RangeError);
  });

  test('uses the real clock by default', async () => {
    const now = Math.floor(Date.now() / 1000);
    assert.deepEqual(await verifyWebhook(body, signed([secret], now), secret), event);
    const reason = (await rejection(verifyWebhook(body, signed([secret], now - 3600), secret))).reason;
    assert.equal(reason, 'timestamp_too_old');
  });
});

describe('verifyWebhook refuses', () => {
  const secret = generateWebhookSecret();
  const headers = signed([secret]);
  const reasonOf = async (...args: Parameters<typeof verifyWebhook>) =>
    (await rejection(verifyWebhook(...args))).reason;

  test('missing_headers: any of the three absent or empty', async () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const { [name]: _dropped, ...rest } = headers;
      assert.equal(await reasonOf(body, rest, secret, at(T)), 'missing_headers', name);
      assert.equal(await reasonOf(body, { ...headers, [name]: '' }, secret, at(T)), 'missing_headers', name);
      assert.equal(await reasonOf(body, { ...headers, [name]: undefined }, secret, at(T)), 'missing_headers', name);
      const h = new Headers(headers);
      h.delete(name);
      assert.equal(await reasonOf(body, h, secret, at(T)), 'missing_headers', name);
    }
    assert.equal(await reasonOf(body, {}, secret, at(T)), 'missing_headers');
  });

  test('invalid_timestamp: not a whole number of seconds', async () => {
    for (const value of ['hello', '1767225600.5', '-1767225600', '1767225600abc', '0x69558e00', '1e9']) {
      const reason = await reasonOf(body, { ...headers, 'webhook-timestamp': value }, secret, at(T));
      assert.equal(reason, 'invalid_timestamp', value);
    }
  });

  test('timestamp_too_old and timestamp_too_new come before the signature is looked at', async () => {
    const old = { ...headers, 'webhook-timestamp': String(T - 301), 'webhook-signature': 'v1,bad' };
    assert.equal(await reasonOf(body, old, secret, at(T)), 'timestamp_too_old');
    const early = { ...headers, 'webhook-timestamp': String(T + 301), 'webhook-signature': 'v1,bad' };
    assert.equal(await reasonOf(body, early, secret, at(T)), 'timestamp_too_new');
  });

  test('no_matching_signature: another secret, or a changed body, id or timestamp', async () => {
    assert.equal(await reasonOf(body, headers, generateWebhookSecret(), at(T)), 'no_matching_signature');
    assert.equal(await reasonOf(`${body} `, headers, secret, at(T)), 'no_matching_signature');
    const tampered = body.replace('payment.captured', 'payment.refunded');
    assert.equal(await reasonOf(tampered, headers, secret, at(T)), 'no_matching_signature');
    assert.equal(await reasonOf(body, { ...headers, 'webhook-id': 'evt_02' }, secret, at(T)), 'no_matching_signature');
    const moved = { ...headers, 'webhook-timestamp': String(T + 1) };
    assert.equal(await reasonOf(body, moved, secret, at(T)), 'no_matching_signature');
  });

  test('no_matching_signature: malformed, truncated, unversioned or non-v1 signatures', async () => {
    const good = headers['webhook-signature'];
    for (const value of [
      'v1,dawfeoifkpqwoekfpqoekf',
      good.slice(0, 8),
      'v1,',
      good.slice(3),
      `v2${good.slice(2)}`,
      `v1a${good.slice(2)}`,
      `${good}AA`,
      good.toLowerCase(),
    ]) {
      const reason = await reasonOf(body, { ...headers, 'webhook-signature': value }, secret, at(T));
      assert.equal(reason, 'no_matching_signature', value);
    }
  });

  test('no_matching_signature: the vector payload signed with a different timestamp', async () => {
    const moved = { ...VECTOR.headers, 'webhook-timestamp': '1614265331' };
    assert.equal(await reasonOf(VECTOR.payload, moved, VECTOR.secret, at(1614265331)), 'no_matching_signature');
  });

  test('invalid_secret: malformed or empty secrets, or none, even when a valid one is also given', async () => {
    for (const bad of ['', 'whsec_', 'whsec_not base64!', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS=x', 'whpk_abc']) {
      assert.equal(await reasonOf(body, headers, bad, at(T)), 'invalid_secret', bad);
      assert.equal(await reasonOf(body, headers, [secret, bad], at(T)), 'invalid_secret', bad);
    }
    assert.equal(await reasonOf(body, headers, [], at(T)), 'invalid_secret');
    const unset = process.env['BAWABA_WEBHOOK_SECRET_THAT_IS_NOT_SET'] as string; // the usual mistake in JS
    assert.equal(await reasonOf(body, headers, unset, at(T)), 'invalid_secret');
    assert.equal(await reasonOf(body, headers, [secret, unset], at(T)), 'invalid_secret');
    const error = await rejection(verifyWebhook(body, headers, 'whsec_not base64!', at(T)));
    assert.ok(!error.message.includes('not base64'), 'the message must not echo the secret');
  });

  test('invalid_payload: a correctly signed body that is not JSON or not UTF-8', async () => {
    for (const payload of ['not json', '', '{"a":']) {
      const reason = await reasonOf(payload, signed([secret], T, payload), secret, at(T));
      assert.equal(reason, 'invalid_payload', payload);
    }
    const latin1 = new Uint8Array([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]); // {"é":1} in Latin-1
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`evt_01.${T}.`).update(latin1).digest('base64');
    const h = { 'webhook-id': 'evt_01', 'webhook-timestamp': String(T), 'webhook-signature': `v1,${mac}` };
    assert.equal(await reasonOf(latin1, h, secret, at(T)), 'invalid_payload');
  });

  test('an unsigned invalid payload is a signature failure, not a payload failure', async () => {
    assert.equal(await reasonOf('not json', headers, secret, at(T)), 'no_matching_signature');
  });
});

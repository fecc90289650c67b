import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createSecretBox, parseEncryptionKey } from './secret-box.ts';

const SEALED_SHAPE = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/;

function flipFirstChar(part: string): string {
  return (part[0] === 'A' ? 'B' : 'A') + part.slice(1);
}

describe('createSecretBox', () => {
  const box = createSecretBox(randomBytes(32));

  it('round-trips any string, including empty and non-ASCII', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (plain) => box.open(box.seal(plain)) === plain));
    assert.equal(box.open(box.seal('')), '');
    assert.equal(box.open(box.seal('رقم الهوية 28763400001')), 'رقم الهوية 28763400001');
  });

  it('seals as v1.<iv>.<tag>.<ciphertext> in base64url without the plaintext', () => {
    const sealed = box.seal('sk_sbox_secret');
    assert.match(sealed, SEALED_SHAPE);
    assert.ok(!sealed.includes('sk_sbox_secret'));
  });

  it('uses a fresh IV for every seal', () => {
    const ivs = new Set(Array.from({ length: 50 }, () => box.seal('same').split('.')[1]));
    assert.equal(ivs.size, 50);
  });

  for (const [name, index] of [
    ['iv', 1],
    ['tag', 2],
    ['ciphertext', 3],
  ] as const) {
    it(`refuses a sealed value whose ${name} was changed`, () => {
      const parts = box.seal('credentials').split('.');
      parts[index] = flipFirstChar(parts[index] ?? '');
      assert.throws(() => box.open(parts.join('.')), /tampered with or sealed under another key|bad IV or tag/);
    });
  }

  it('refuses a value sealed under another key', () => {
    const other = createSecretBox(randomBytes(32));
    assert.throws(() => box.open(other.seal('x')), /tampered with or sealed under another key/);
  });

  it('refuses malformed values and unknown versions', () => {
    const [, iv, tag, ct] = box.seal('x').split('.');
    for (const bad of [
      '',
      'plain text',
      `v2.${iv}.${tag}.${ct}`,
      `v1.${iv}.${tag}`,
      `v1.${iv}.${tag}.${ct}.x`,
      `v1.${iv}.${tag}.a+b`,
    ]) {
      assert.throws(() => box.open(bad), /SecretBox: not a sealed value/, bad);
    }
  });

  it('rejects keys that are not 32 bytes', () => {
    assert.throws(() => createSecretBox(randomBytes(16)), /must be 32 bytes, got 16/);
    assert.throws(() => createSecretBox(Buffer.alloc(0)), /must be 32 bytes, got 0/);
  });

  it('is not affected by later changes to the caller key buffer', () => {
    const key = randomBytes(32);
    const own = createSecretBox(key);
    const sealed = own.seal('x');
    key.fill(0);
    assert.equal(own.open(sealed), 'x');
  });
});

describe('parseEncryptionKey', () => {
  const key = randomBytes(32);

  it('reads 64 hex characters, either case', () => {
    assert.deepEqual(parseEncryptionKey(key.toString('hex')), key);
    assert.deepEqual(parseEncryptionKey(key.toString('hex').toUpperCase()), key);
  });

  it('reads base64 and base64url, padded or not, ignoring surrounding whitespace', () => {
    assert.deepEqual(parseEncryptionKey(key.toString('base64')), key);
    assert.deepEqual(parseEncryptionKey(key.toString('base64url')), key);
    assert.deepEqual(parseEncryptionKey(` ${key.toString('base64')}\n`), key);
  });

  it('rejects anything else without echoing the text', () => {
    const attempts = [
      '',
      'not a key',
      key.toString('hex').slice(2),
      `${key.toString('hex')}00`,
      randomBytes(31).toString('base64'),
      randomBytes(33).toString('base64'),
      `${key.toString('hex').slice(1)}g`,
    ];
    for (const text of attempts) {
      assert.throws(
        () => parseEncryptionKey(text),
        (error: Error) =>
          /64 hex characters or base64/.test(error.message) && (text === '' || !error.message.includes(text)),
        text,
      );
    }
  });
});

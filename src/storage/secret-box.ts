import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Encrypts small secrets (provider credentials, national ids) for storage. */
export interface SecretBox {
  /** `v1.<iv>.<tag>.<ciphertext>`, each part base64url; a fresh random IV every time. */
  seal(plain: string): string;
  /** The plaintext; throws if the value was tampered with or sealed under another key. */
  open(sealed: string): string;
}

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = 'aes-256-gcm';

/** A SecretBox using AES-256-GCM under a 32-byte key. */
export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== KEY_BYTES) {
    throw new Error(`SecretBox key must be ${KEY_BYTES} bytes, got ${key.length}`);
  }
  const ownKey = Buffer.from(key); // later changes to the caller's buffer must not reach us
  return {
    seal: (plain) => seal(ownKey, plain),
    open: (sealed) => open(ownKey, sealed),
  };
}

function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url'));
  return [VERSION, ...parts].join('.');
}

function open(key: Buffer, sealed: string): string {
  const { iv, tag, ciphertext } = parseSealed(sealed);
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new Error('SecretBox: cannot open sealed value: it was tampered with or sealed under another key', {
      cause: error,
    });
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function parseSealed(sealed: string): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !parts.every((p) => BASE64URL.test(p))) {
    throw new Error(`SecretBox: not a sealed value (expected ${VERSION}.<iv>.<tag>.<ciphertext>)`);
  }
  const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new Error('SecretBox: not a sealed value (bad IV or tag length)');
  }
  return { iv, tag, ciphertext };
}

const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{43}=?$/;

/**
 * Reads a 32-byte key written as 64 hex characters or as base64 (standard or url-safe).
 * The message on failure never repeats the text: it is a secret.
 */
export function parseEncryptionKey(text: string): Buffer {
  const trimmed = text.trim();
  if (HEX_KEY.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (BASE64_KEY.test(trimmed)) {
    const key = Buffer.from(trimmed, 'base64');
    if (key.length === KEY_BYTES) return key;
  }
  throw new Error(
    `encryption key must be ${KEY_BYTES} bytes written as 64 hex characters or base64 (got ${trimmed.length} characters that are neither)`,
  );
}

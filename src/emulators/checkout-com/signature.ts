import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

// One key object per signature key: HMAC set-up from a prepared key is cheaper than from a string.
const keys = new Map<string, KeyObject>();

function keyObject(signatureKey: string): KeyObject {
  let key = keys.get(signatureKey);
  if (!key) {
    if (keys.size >= 1_000) keys.clear();
    key = createSecretKey(Buffer.from(signatureKey, 'utf8'));
    keys.set(signatureKey, key);
  }
  return key;
}

/** `Cko-Signature`: lower-case hex HMAC-SHA256 of the exact body bytes with the signature key. */
export function ckoSignature(body: Buffer, signatureKey: string): string {
  return createHmac('sha256', keyObject(signatureKey)).update(body).digest('hex');
}

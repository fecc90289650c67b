import { createHmac } from 'node:crypto';

/** `Cko-Signature`: lower-case hex HMAC-SHA256 of the exact body bytes with the signature key. */
export function ckoSignature(body: Buffer, signatureKey: string): string {
  return createHmac('sha256', signatureKey).update(body).digest('hex');
}

import { randomBytes } from 'node:crypto';

export const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const DIGITS = '0123456789';

/** Uniformly random string over `alphabet` (rejection sampling, so no modulo bias). */
export function randomString(length: number, alphabet: string = BASE32_LOWER): string {
  if (alphabet.length < 2 || alphabet.length > 256) {
    throw new RangeError('alphabet must have between 2 and 256 characters');
  }
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= limit) continue;
      out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function prefixedId(prefix: string, length: number, alphabet: string = BASE32_LOWER): string {
  return prefix + randomString(length, alphabet);
}

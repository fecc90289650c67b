import { randomFillSync } from 'node:crypto';

export const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const DIGITS = '0123456789';

// Random bytes drawn in bulk: one call to the CSPRNG serves many ids instead of one per id.
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

/** `size` random bytes (a copy, from the bulk-drawn pool). */
export function pooledRandomBytes(size: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) out[i] = randomByte();
  return out;
}

function randomByte(): number {
  if (poolAt === pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  return pool[poolAt++] as number;
}

// Ids are written into this buffer and read back as one flat string: building them a character at
// a time would leave a chain of string pieces per id, which the garbage collector then copies for
// as long as the id is kept.
let scratch = Buffer.alloc(64);

function writeRandom(at: number, length: number, alphabet: string): void {
  if (alphabet.length < 2 || alphabet.length > 256) {
    throw new RangeError('alphabet must have between 2 and 256 characters');
  }
  const limit = 256 - (256 % alphabet.length);
  let written = 0;
  while (written < length) {
    const byte = randomByte();
    if (byte < limit) scratch[at + written++] = alphabet.charCodeAt(byte % alphabet.length);
  }
}

function ensureScratch(size: number): void {
  if (scratch.length < size) scratch = Buffer.alloc(Math.max(size, scratch.length * 2));
}

const isLatin1 = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
};

/** Uniformly random string over `alphabet` (rejection sampling, so no modulo bias). */
export function randomString(length: number, alphabet: string = BASE32_LOWER): string {
  return prefixedId('', length, alphabet);
}

export function prefixedId(prefix: string, length: number, alphabet: string = BASE32_LOWER): string {
  if (!isLatin1(prefix) || !isLatin1(alphabet)) return slowPrefixedId(prefix, length, alphabet);
  ensureScratch(prefix.length + length);
  scratch.write(prefix, 0, 'latin1');
  writeRandom(prefix.length, length, alphabet);
  return scratch.toString('latin1', 0, prefix.length + length);
}

function slowPrefixedId(prefix: string, length: number, alphabet: string): string {
  if (alphabet.length < 2 || alphabet.length > 256) {
    throw new RangeError('alphabet must have between 2 and 256 characters');
  }
  const limit = 256 - (256 % alphabet.length);
  const chars: string[] = [];
  while (chars.length < length) {
    const byte = randomByte();
    if (byte < limit) chars.push(alphabet[byte % alphabet.length] as string);
  }
  return prefix + chars.join('');
}

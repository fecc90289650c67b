import { LOWER_ALNUM, pooledRandomBytes, randomString } from '../kit/ids.ts';

// 100-ns intervals between the Gregorian reform (UUID v1 epoch) and the Unix epoch.
const GREGORIAN_OFFSET = 0x01b21dd213814000n;

const hex = (value: bigint, width: number): string => value.toString(16).padStart(width, '0');

/** A version-1-shaped UUID stamped with emulator time, like the platform's `dc66cdd8-d702-11ea-…`. */
export function paymentPublicId(nowMs: number): string {
  const rnd = pooledRandomBytes(9);
  const ticks = BigInt(nowMs) * 10_000n + GREGORIAN_OFFSET + BigInt(rnd[8] as number);
  const clockSeq = ((rnd.readUInt16BE(0) & 0x3fff) | 0x8000).toString(16);
  const node = rnd.subarray(2, 8).toString('hex');
  const timeLow = hex(ticks & 0xffffffffn, 8);
  const timeMid = hex((ticks >> 32n) & 0xffffn, 4);
  const timeHi = hex(((ticks >> 48n) & 0x0fffn) | 0x1000n, 4);
  // Joined in one go: the id is kept, and one flat string is cheaper to keep than pieces.
  return [timeLow, timeMid, timeHi, clockSeq, node].join('-');
}

/** The opaque part of the hosted page URL. */
export const sessionToken = (): string => randomString(40, LOWER_ALNUM);

export const refundId = (): string => randomString(24, LOWER_ALNUM);

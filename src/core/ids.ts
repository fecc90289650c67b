import type { Clock } from './clock.ts';

/** Prefixes of Bawaba's public ids. */
export const ID_PREFIXES = {
  account: 'acct',
  apiKey: 'key',
  connectorAccount: 'ca',
  payment: 'pay',
  refund: 're',
  event: 'evt',
  webhookEndpoint: 'we',
  webhookDelivery: 'whd',
  webhookAttempt: 'wha',
  notification: 'ntf',
  job: 'job',
  request: 'req',
  dashboardUser: 'usr',
  auditEntry: 'aud',
  checkoutSession: 'cs',
  paymentLink: 'plink',
  customerReturn: 'ret',
} as const;

/** One of the id prefixes above. */
export type IdPrefix = (typeof ID_PREFIXES)[keyof typeof ID_PREFIXES];

/** Makes new prefixed, time-sortable ids. */
export interface IdGenerator {
  /** A new id `<prefix>_<26 chars>`, sorting after every id made earlier by this generator. */
  next(prefix: IdPrefix): string;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case
const BODY = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** True when `id` has the shape `<prefix>_<26 base32 chars>`. */
export function isId(id: unknown, prefix: IdPrefix): id is string {
  return typeof id === 'string' && id.startsWith(`${prefix}_`) && BODY.test(id.slice(prefix.length + 1));
}

/**
 * Creates an id generator: 48 bits of milliseconds then 80 random bits (ULID layout), so ids
 * sort by creation time; within one millisecond the random part is incremented, so ids made
 * by one generator are strictly increasing. Worked on bytes, not big integers: a payment's
 * lifecycle makes a dozen ids.
 */
export function createIdGenerator(
  clock: Clock,
  random: (bytes: Uint8Array) => Uint8Array = pooledRandom(),
): IdGenerator {
  let lastMs = -1;
  // 16 bytes, big-endian: the milliseconds in 0..5, the random part in 6..15.
  const value = new Uint8Array(16);
  return {
    next(prefix) {
      const ms = Math.max(clock.now(), lastMs);
      if (ms === lastMs) {
        // + 1 on the random part, wrapping at 80 bits.
        for (let i = 15; i >= 6; i--) {
          value[i] = ((value[i] as number) + 1) & 0xff;
          if (value[i] !== 0) break;
        }
      } else {
        const bytes = random(new Uint8Array(10));
        // Halved, so that it has room to be incremented within the millisecond.
        let carry = 0;
        for (let i = 0; i < 10; i++) {
          const b = bytes[i] as number;
          value[6 + i] = (carry << 7) | (b >> 1);
          carry = b & 1;
        }
        let rest = ms;
        for (let i = 5; i >= 0; i--) {
          value[i] = rest % 256;
          rest = Math.floor(rest / 256);
        }
        lastMs = ms;
      }
      return `${prefix}_${base32(value)}`;
    },
  };
}

/**
 * Random bytes drawn from a pool filled 4 KiB at a time: one call into the system's generator
 * per ~400 ids instead of one per id, the same bytes otherwise.
 */
function pooledRandom(): (bytes: Uint8Array) => Uint8Array {
  const pool = new Uint8Array(4096);
  let used = pool.length;
  return (bytes) => {
    if (used + bytes.length > pool.length) {
      globalThis.crypto.getRandomValues(pool);
      used = 0;
    }
    bytes.set(pool.subarray(used, used + bytes.length));
    used += bytes.length;
    return bytes;
  };
}

/** 128 bits as 26 Crockford base32 characters, most significant first. */
function base32(bytes: Uint8Array): string {
  let body = '';
  for (let i = 25; i >= 0; i--) {
    // Bits 5i .. 5i + 4 counted from the least significant end.
    const bit = 5 * i;
    const byte = 15 - (bit >> 3);
    const shift = bit & 7;
    const low = byte >= 0 ? (bytes[byte] as number) : 0;
    const high = byte - 1 >= 0 ? (bytes[byte - 1] as number) : 0;
    body += ALPHABET[(((high << 8) | low) >> shift) & 31];
  }
  return body;
}

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
 * by one generator are strictly increasing.
 */
export function createIdGenerator(
  clock: Clock,
  random: (bytes: Uint8Array) => Uint8Array = (b) => globalThis.crypto.getRandomValues(b),
): IdGenerator {
  let lastMs = -1;
  let lastRand = 0n;
  return {
    next(prefix) {
      const ms = Math.max(clock.now(), lastMs);
      if (ms === lastMs) {
        lastRand = (lastRand + 1n) & ((1n << 80n) - 1n);
      } else {
        const bytes = random(new Uint8Array(10));
        lastRand = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n) >> 1n; // leave room to increment
        lastMs = ms;
      }
      const value = (BigInt(ms) << 80n) | lastRand;
      let body = '';
      let v = value;
      for (let i = 0; i < 26; i++) {
        body = ALPHABET[Number(v & 31n)] + body;
        v >>= 5n;
      }
      return `${prefix}_${body}`;
    },
  };
}

import { timingSafeEqual } from 'node:crypto';
import { DIGITS, randomString } from '../kit/ids.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';
import { MIXED_ALNUM } from './tap-ids.ts';

/** One Tap merchant account: its keys sign its notifications and scope its charges. */
export type Merchant = { id: string; secretKey: string; publicKey: string };

export type MerchantInput = { secretKey?: string; publicKey?: string };

/** The seed's key is `sk_test_` + 24 mixed-case alphanumerics. */
export const generateSecretKey = (): string => `sk_test_${randomString(24, MIXED_ALNUM)}`;
export const generatePublicKey = (): string => `pk_test_${randomString(24, MIXED_ALNUM)}`;
export const SECRET_KEY = /^sk_test_[A-Za-z0-9]{24,}$/;
export const PUBLIC_KEY = /^pk_test_[A-Za-z0-9]{24,}$/;

export type AuthResult = { ok: true; merchant: Merchant } | { ok: false; code: '2104' | '2105' | '2106' };

function same(presented: Buffer, key: string): boolean {
  const expected = Buffer.from(key);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export type MerchantRegistry = ReturnType<typeof createMerchantRegistry>;

/**
 * The first merchant is created at start and survives `reset()`, so handed-out keys stay valid.
 * With a durable `book` the merchants of the last run come back, and its first one stays first
 * unless another secret key is given.
 */
export function createMerchantRegistry(initial: MerchantInput = {}, book: EmulatorBook = MEMORY_BOOK) {
  const merchants = new Map<string, Merchant>();
  for (const merchant of book.load('merchant').values() as Iterable<Merchant>) merchants.set(merchant.id, merchant);

  function create(input: MerchantInput): Merchant {
    for (const [field, pattern] of [
      ['secretKey', SECRET_KEY],
      ['publicKey', PUBLIC_KEY],
    ] as const) {
      const value = input[field];
      if (value !== undefined && !pattern.test(value)) throw new TypeError(`${field} must match ${pattern}`);
    }
    const existing = [...merchants.values()].find((m) => m.secretKey === input.secretKey);
    if (existing) return { ...existing };
    const merchant: Merchant = {
      id: randomString(6, DIGITS).replace(/^0/, '1'),
      secretKey: input.secretKey ?? generateSecretKey(),
      publicKey: input.publicKey ?? generatePublicKey(),
    };
    merchants.set(merchant.id, merchant);
    book.put('merchant', merchant.id, merchant);
    return { ...merchant };
  }

  const savedFirst = book.load('meta').get('default_merchant') as { id?: string } | undefined;
  const previous = savedFirst?.id === undefined ? undefined : merchants.get(savedFirst.id);
  const firstKey = initial.secretKey ?? previous?.secretKey;
  const first = create(firstKey === undefined ? initial : { ...initial, secretKey: firstKey });
  book.put('meta', 'default_merchant', { id: first.id });

  return {
    defaultMerchant: (): Merchant => ({ ...first }),
    create,
    get: (id: string): Merchant | undefined => merchants.get(id),
    list: (): Merchant[] => [...merchants.values()].map((m) => ({ ...m })),
    /** `Authorization: Bearer <sk_...>`; missing → 2105, a public key → 2106, anything else unknown → 2104. */
    authenticate(header: string | undefined): AuthResult {
      if (header === undefined || header.trim() === '') return { ok: false, code: '2105' };
      const token = header.replace(/^Bearer\s+/i, '').trim();
      if (token === '') return { ok: false, code: '2105' };
      if (token.startsWith('pk_')) return { ok: false, code: '2106' };
      const presented = Buffer.from(token);
      // Compare against every key so the time taken does not tell which merchant matched.
      let found: Merchant | undefined;
      for (const merchant of merchants.values()) if (same(presented, merchant.secretKey)) found ??= merchant;
      return found ? { ok: true, merchant: found } : { ok: false, code: '2104' };
    },
    reset(): void {
      for (const id of merchants.keys()) if (id !== first.id) book.remove('merchant', id);
      merchants.clear();
      merchants.set(first.id, { ...first });
      book.put('merchant', first.id, merchants.get(first.id));
      book.put('meta', 'default_merchant', { id: first.id });
    },
  };
}

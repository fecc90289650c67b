import { DIGITS, randomString } from '../kit/ids.ts';
import { createAccountRegistry } from '../kit/merchants.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';
import { MIXED_ALNUM } from './tap-ids.ts';

/**
 * One Tap merchant account: its keys sign its notifications and scope its charges; its name heads
 * the QPay page (the charge itself carries no name: `merchant` is `{country, currency, id}`).
 */
export type Merchant = { id: string; name: string; secretKey: string; publicKey: string };

export type MerchantInput = { name?: string; secretKey?: string; publicKey?: string };

/** The seed's key is `sk_test_` + 24 mixed-case alphanumerics. */
export const generateSecretKey = (): string => `sk_test_${randomString(24, MIXED_ALNUM)}`;
export const generatePublicKey = (): string => `pk_test_${randomString(24, MIXED_ALNUM)}`;
export const SECRET_KEY = /^sk_test_[A-Za-z0-9]{24,}$/;
export const PUBLIC_KEY = /^pk_test_[A-Za-z0-9]{24,}$/;

export type AuthResult = { ok: true; merchant: Merchant } | { ok: false; code: '2104' | '2105' | '2106' };

export type MerchantRegistry = ReturnType<typeof createMerchantRegistry>;

/** The name of the `n`th merchant when none is given. */
const defaultName = (n: number): string => `Emulator Merchant ${n}`;

function checkInput(input: MerchantInput): void {
  if (input.name !== undefined && input.name.trim() === '') throw new TypeError('name must not be empty');
  for (const [field, pattern] of [
    ['secretKey', SECRET_KEY],
    ['publicKey', PUBLIC_KEY],
  ] as const) {
    const value = input[field];
    if (value !== undefined && !pattern.test(value)) throw new TypeError(`${field} must match ${pattern}`);
  }
}

/** Tap's merchant accounts (kit/merchants.ts), each with its name and its secret and public key. */
export function createMerchantRegistry(initial: MerchantInput = {}, book: EmulatorBook = MEMORY_BOOK) {
  const accounts = createAccountRegistry<Merchant, MerchantInput>(initial, book, {
    secretOf: (m) => m.secretKey,
    secretIn: (input) => input.secretKey,
    withSecret: (input, secretKey) => ({ ...input, secretKey }),
    check: checkInput,
    make: (input, count) => ({
      id: randomString(6, DIGITS).replace(/^0/, '1'),
      name: input.name ?? defaultName(count + 1),
      secretKey: input.secretKey ?? generateSecretKey(),
      publicKey: input.publicKey ?? generatePublicKey(),
    }),
    // A store written before merchants had names gives them the default ones.
    restore: (saved, index) => ({ ...saved, name: saved.name ?? defaultName(index + 1) }),
  });
  return {
    ...accounts,
    /** `Authorization: Bearer <sk_...>`; missing → 2105, a public key → 2106, anything else unknown → 2104. */
    authenticate(header: string | undefined): AuthResult {
      if (header === undefined || header.trim() === '') return { ok: false, code: '2105' };
      const token = header.replace(/^Bearer\s+/i, '').trim();
      if (token === '') return { ok: false, code: '2105' };
      if (token.startsWith('pk_')) return { ok: false, code: '2106' };
      const found = accounts.bySecret(token);
      return found ? { ok: true, merchant: found } : { ok: false, code: '2104' };
    },
  };
}

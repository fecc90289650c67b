import { timingSafeEqual } from 'node:crypto';
import { randomString } from '../kit/ids.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';

export const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** One Qattah integration: its api_token authenticates requests and scopes its orders. */
export type Merchant = { id: string; name: string; apiToken: string };

export type MerchantInput = { name?: string; apiToken?: string };

/** `mer_` + 13 alphanumerics, like the seed's `mer_o9MmBQ6VQxrRe`. */
export const merchantId = (): string => `mer_${randomString(13, MIXED_ALNUM)}`;
/** The token format is not documented; the emulator hands out 48 alphanumerics. */
export const generateApiToken = (): string => randomString(48, MIXED_ALNUM);
const TOKEN = /^[A-Za-z0-9._|-]{16,200}$/;

function same(presented: Buffer, token: string): boolean {
  const expected = Buffer.from(token);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export type MerchantRegistry = ReturnType<typeof createMerchantRegistry>;

/** The first merchant is created at start and survives `reset()`, so its token stays valid. */
/**
 * The merchants; the first survives `reset()`. With a durable `book` the merchants of the last
 * run come back, and its first stays first unless another api_token is given.
 */
export function createMerchantRegistry(initial: MerchantInput = {}, book: EmulatorBook = MEMORY_BOOK) {
  const merchants = new Map<string, Merchant>();
  for (const merchant of book.load('merchant').values() as Iterable<Merchant>) merchants.set(merchant.id, merchant);

  function create(input: MerchantInput = {}): Merchant {
    if (input.apiToken !== undefined && !TOKEN.test(input.apiToken)) {
      throw new TypeError(`apiToken must match ${TOKEN}`);
    }
    const existing = [...merchants.values()].find((m) => m.apiToken === input.apiToken);
    if (existing) return { ...existing };
    const merchant: Merchant = {
      id: merchantId(),
      name: input.name ?? `Emulator Merchant ${merchants.size + 1}`,
      apiToken: input.apiToken ?? generateApiToken(),
    };
    merchants.set(merchant.id, merchant);
    book.put('merchant', merchant.id, merchant);
    return { ...merchant };
  }

  const savedFirst = book.load('meta').get('default_merchant') as { id?: string } | undefined;
  const previous = savedFirst?.id === undefined ? undefined : merchants.get(savedFirst.id);
  const firstToken = initial.apiToken ?? previous?.apiToken;
  const first = create(firstToken === undefined ? initial : { ...initial, apiToken: firstToken });
  book.put('meta', 'default_merchant', { id: first.id });

  return {
    defaultMerchant: (): Merchant => ({ ...first }),
    create,
    get: (id: string): Merchant | undefined => merchants.get(id),
    list: (): Merchant[] => [...merchants.values()].map((m) => ({ ...m })),
    /** `Authorization: Bearer <api_token>` (SDKs) or the bare token (Qattah's docs). */
    authenticate(header: string | undefined): Merchant | undefined {
      const token = (header ?? '').replace(/^Bearer\s+/i, '').trim();
      if (token === '') return undefined;
      const presented = Buffer.from(token);
      // Compare against every token so the time taken does not tell which merchant matched.
      let found: Merchant | undefined;
      for (const merchant of merchants.values()) if (same(presented, merchant.apiToken)) found ??= merchant;
      return found;
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

import { randomString } from '../kit/ids.ts';
import { createAccountRegistry } from '../kit/merchants.ts';
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

export type MerchantRegistry = ReturnType<typeof createMerchantRegistry>;

/** Qattah's merchant integrations (kit/merchants.ts), each with its name and api_token. */
export function createMerchantRegistry(initial: MerchantInput = {}, book: EmulatorBook = MEMORY_BOOK) {
  const accounts = createAccountRegistry<Merchant, MerchantInput>(initial, book, {
    secretOf: (m) => m.apiToken,
    secretIn: (input) => input.apiToken,
    withSecret: (input, apiToken) => ({ ...input, apiToken }),
    check(input) {
      if (input.apiToken !== undefined && !TOKEN.test(input.apiToken))
        throw new TypeError(`apiToken must match ${TOKEN}`);
    },
    make: (input, count) => ({
      id: merchantId(),
      name: input.name ?? `Emulator Merchant ${count + 1}`,
      apiToken: input.apiToken ?? generateApiToken(),
    }),
  });
  return {
    ...accounts,
    create: (input: MerchantInput = {}): Merchant => accounts.create(input),
    /** `Authorization: Bearer <api_token>` (SDKs) or the bare token (Qattah's docs). */
    authenticate(header: string | undefined): Merchant | undefined {
      const token = (header ?? '').replace(/^Bearer\s+/i, '').trim();
      return token === '' ? undefined : accounts.bySecret(token);
    },
  };
}

import { randomUUID } from 'node:crypto';
import { LOWER_ALNUM, randomString } from '../kit/ids.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';
import { isHttpUrl } from '../kit/urls.ts';

/**
 * How a successful void is answered; each is a documented shape: TESS's void reference
 * (`status: "VOID"`), TESS's "void successful" example (`status: "SUCCESS"`), and Akurateco's
 * generic documents (`status: "Success", payment_status: "void"`).
 */
export const VOID_ANSWERS = ['VOID', 'SUCCESS', 'payment_status'] as const;
export type VoidAnswer = (typeof VOID_ANSWERS)[number];

/**
 * A Checkout merchant: key (UUID) and password from the admin panel, the name its hosted page
 * shows, its callback URL, the void answer shape of its platform, and whether its platform
 * answers status lookups by `order_id` (a white label documents it; TESS and the seed document
 * `payment_id` only).
 */
export type Merchant = {
  merchantKey: string;
  name: string;
  password: string;
  notificationUrl: string | null;
  voidAnswer: VoidAnswer;
  statusByOrderId: boolean;
};

export type MerchantInput = {
  merchantKey?: string;
  name?: string;
  password?: string;
  notificationUrl?: string | null;
  voidAnswer?: VoidAnswer;
  statusByOrderId?: boolean;
};

export type MerchantRegistry = ReturnType<typeof createMerchantRegistry>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const generatePassword = (): string => randomString(32, LOWER_ALNUM);

/** The name of the `n`th merchant when none is given. */
const defaultName = (n: number): string => `Emulator Merchant ${n}`;

function build(input: MerchantInput, n: number): Merchant {
  const merchantKey = input.merchantKey ?? randomUUID();
  if (!UUID.test(merchantKey)) throw new TypeError('merchant_key must be a UUID');
  const name = input.name ?? defaultName(n);
  if (name.trim() === '') throw new TypeError('name must not be empty');
  const password = input.password ?? generatePassword();
  if (password.length === 0) throw new TypeError('password must not be empty');
  const notificationUrl = input.notificationUrl ?? null;
  if (notificationUrl !== null && !isHttpUrl(notificationUrl)) {
    throw new TypeError('notification_url must be an http(s) URL');
  }
  const voidAnswer = input.voidAnswer ?? 'VOID';
  if (!VOID_ANSWERS.includes(voidAnswer)) throw new TypeError(`void_answer must be one of ${VOID_ANSWERS.join(', ')}`);
  return { merchantKey, name, password, notificationUrl, voidAnswer, statusByOrderId: input.statusByOrderId ?? true };
}

/**
 * The merchants; the first survives `reset()`. With a durable `book` the merchants of the last
 * run come back (its first stays first unless another key is given), and creating a merchant
 * with the key of one that came back adopts it, as a restarted sandbox does.
 */
export function createMerchantRegistry(first: MerchantInput = {}, book: EmulatorBook = MEMORY_BOOK) {
  // A store written before merchants had names gives them the default ones.
  const saved = new Map(
    [...(book.load('merchant') as ReadonlyMap<string, Merchant>)].map(([key, m], i) => [
      key,
      { ...m, name: m.name ?? defaultName(i + 1) },
    ]),
  );
  const restored = new Set(saved.keys());
  const savedFirst = (book.load('meta').get('default_merchant') as { key?: string } | undefined)?.key;
  const previous = savedFirst === undefined ? undefined : saved.get(savedFirst);
  const initial =
    first.merchantKey === undefined && previous
      ? { ...previous, ...first, merchantKey: previous.merchantKey }
      : build(first, 1);
  let merchants = new Map<string, Merchant>(saved);
  merchants.set(initial.merchantKey, { ...initial });
  const save = (merchant: Merchant): void => book.put('merchant', merchant.merchantKey, merchant);
  save(merchants.get(initial.merchantKey) as Merchant);
  book.put('meta', 'default_merchant', { key: initial.merchantKey });
  return {
    defaultMerchant: (): Merchant => merchants.get(initial.merchantKey) ?? initial,
    get: (key: unknown): Merchant | undefined => (typeof key === 'string' ? merchants.get(key) : undefined),
    list: (): Merchant[] => [...merchants.values()].map((m) => ({ ...m })),
    /** Throws TypeError on a malformed key/URL or a key already in use. */
    create(input: MerchantInput = {}): Merchant {
      const merchant = build(input, merchants.size + 1);
      if (merchants.has(merchant.merchantKey) && !restored.has(merchant.merchantKey)) {
        throw new TypeError('merchant_key already exists');
      }
      restored.delete(merchant.merchantKey);
      merchants.set(merchant.merchantKey, merchant);
      save(merchant);
      return { ...merchant };
    },
    /** Undefined for an unknown merchant; throws TypeError on a bad URL. */
    setNotificationUrl(key: string, url: string | null): Merchant | undefined {
      const merchant = merchants.get(key);
      if (!merchant) return undefined;
      if (url !== null && !isHttpUrl(url)) throw new TypeError('notification_url must be an http(s) URL');
      merchant.notificationUrl = url;
      save(merchant);
      return { ...merchant };
    },
    reset(): void {
      for (const key of merchants.keys()) if (key !== initial.merchantKey) book.remove('merchant', key);
      restored.clear();
      merchants = new Map([[initial.merchantKey, { ...initial }]]);
      save(merchants.get(initial.merchantKey) as Merchant);
      book.put('meta', 'default_merchant', { key: initial.merchantKey });
    },
  };
}

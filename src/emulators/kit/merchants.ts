/**
 * An emulator's merchant accounts, each known by its id and authenticated by one secret (an API
 * key or token). The first is made at start and survives `reset()`, so the keys handed out stay
 * valid; with a durable book the accounts of the last run come back, and its first stays first
 * unless another secret is given. Creating an account with a secret already in use answers that
 * account. What an account holds, and how its secret is shaped, is each provider's own.
 */
import { timingSafeEqual } from 'node:crypto';
import type { EmulatorBook } from './store.ts';

export type AccountRules<M extends { id: string }, I> = {
  /** The secret an account authenticates with. */
  secretOf(merchant: M): string;
  /** The secret an input asks for, if any. */
  secretIn(input: I): string | undefined;
  /** The input with `secret` as its secret. */
  withSecret(input: I, secret: string): I;
  /** Checks an input before its secret is looked up (a TypeError when malformed). */
  check?(input: I): void;
  /** A new account from a checked input; `count` is how many accounts there are already. */
  make(input: I, count: number): M;
  /** An account saved by an earlier run, brought up to date (`index`: its place, from 0); default as saved. */
  restore?(saved: M, index: number): M;
};

function same(presented: Buffer, secret: string): boolean {
  const expected = Buffer.from(secret);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

export function createAccountRegistry<M extends { id: string }, I>(
  initial: I,
  book: EmulatorBook,
  rules: AccountRules<M, I>,
) {
  const merchants = new Map<string, M>();
  for (const saved of book.load('merchant').values() as Iterable<M>) {
    const merchant = rules.restore ? rules.restore(saved, merchants.size) : saved;
    merchants.set(merchant.id, merchant);
    if (merchant !== saved) book.put('merchant', merchant.id, merchant);
  }

  function create(input: I): M {
    rules.check?.(input);
    const secret = rules.secretIn(input);
    const existing = [...merchants.values()].find((m) => rules.secretOf(m) === secret);
    if (existing) return { ...existing };
    const merchant = rules.make(input, merchants.size);
    merchants.set(merchant.id, merchant);
    book.put('merchant', merchant.id, merchant);
    return { ...merchant };
  }

  const savedFirst = book.load('meta').get('default_merchant') as { id?: string } | undefined;
  const previous = savedFirst?.id === undefined ? undefined : merchants.get(savedFirst.id);
  const firstSecret = rules.secretIn(initial) ?? (previous && rules.secretOf(previous));
  const first = create(firstSecret === undefined ? initial : rules.withSecret(initial, firstSecret));
  book.put('meta', 'default_merchant', { id: first.id });

  return {
    defaultMerchant: (): M => ({ ...first }),
    create,
    get: (id: string): M | undefined => merchants.get(id),
    list: (): M[] => [...merchants.values()].map((m) => ({ ...m })),
    /** The account whose secret is `token`, compared with every account's so the time taken tells none. */
    bySecret(token: string): M | undefined {
      const presented = Buffer.from(token);
      let found: M | undefined;
      for (const merchant of merchants.values()) if (same(presented, rules.secretOf(merchant))) found ??= merchant;
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

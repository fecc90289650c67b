/**
 * The Qattah Pay emulator's orders: creation, the 15-minute window, the split into shares, each
 * share's payment, refund and cancel.
 *
 * Longer than 300 lines: an order's whole life over one map and one deadline queue; split by
 * move, each part would need the others' rules about when an order is open.
 */
import { randomUUID } from 'node:crypto';
import type { EmulatorClock } from '../kit/clock.ts';
import { DueQueue } from '../kit/due-queue.ts';
import { prefixedId } from '../kit/ids.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';
import { MIXED_ALNUM } from './merchants.ts';
import { parseSarText, splitEqually } from './money.ts';

/** providers.md §3.5 (ActivityStatus.swift / PaymentStatus.swift). */
export type ActivityStatus = 'CREATED' | 'STARTED' | 'PAID' | 'TIMEOUT' | 'ABANDONED';
export type PaymentStatus = 'PENDING' | 'PAID' | 'EXPIRED' | 'AUTHORIZED' | 'REFUNDED';
export type PaymentBrand = 'APPLEPAY' | 'MADA';
export const PAYMENT_BRANDS: readonly PaymentBrand[] = ['APPLEPAY', 'MADA'];
export type Lang = 'ar' | 'en';

/** The session window (providers.md §3.4: all invoices must be paid within 15 minutes). */
export const ORDER_WINDOW_MS = 15 * 60_000;
/**
 * When an order's 15-minute window starts: at its creation, or when its first payer starts
 * (`started_at`, null until then per seed 002). The documents do not say which; an order nobody
 * starts has no deadline in `first_payer` mode.
 */
export type WindowStart = 'creation' | 'first_payer';
export const WINDOW_STARTS: readonly WindowStart[] = ['creation', 'first_payer'];

/** An emulator limit (not documented): shares per order. */
export const MAX_SHARES = 20;

export type Invoice = {
  id: string;
  orderId: string;
  reference: string;
  name: string;
  amountMinor: number;
  paymentStatus: PaymentStatus;
  paymentBrand: PaymentBrand | null;
  applepayCheckoutId: string | null;
  madaCheckoutId: string | null;
  sessionCountryCode: string;
  paidAt: number | null;
};

export type Order = {
  id: string;
  merchantId: string;
  reference: string;
  amountMinor: number;
  createdAt: number;
  /** Set when the initiator first opens the hosted page (or splits); null before. */
  startedAt: number | null;
  /** When the window closes; null while it has not started (`first_payer` mode). */
  deadline: number | null;
  activityStatus: ActivityStatus;
  paymentStatus: PaymentStatus;
  callbackUrl: string | null;
  successUrl: string | null;
  failureUrl: string | null;
  lang: Lang;
  theme: string;
  description: string | null;
  emailAddress: string | null;
  mobileNumber: string | null;
  invoices: Invoice[];
};

export type NewOrder = Pick<
  Order,
  | 'merchantId'
  | 'amountMinor'
  | 'callbackUrl'
  | 'successUrl'
  | 'failureUrl'
  | 'lang'
  | 'theme'
  | 'description'
  | 'emailAddress'
  | 'mobileNumber'
> & { reference: string | null };

export type ShareInput = { name: string; amount: string };

export type SplitError = 'order_not_found' | 'not_splittable' | 'invalid_shares';
export type SplitResult = { ok: true; order: Order } | { ok: false; error: SplitError; message: string };
export type PayError = 'order_not_found' | 'invoice_not_found' | 'order_not_payable' | 'invoice_not_pending';
export type PayResult = { ok: true; order: Order; invoice: Invoice } | { ok: false; error: PayError };
export type ChangeResult =
  | { ok: true; order: Order }
  | { ok: false; error: 'order_not_found' | 'conflict'; message: string };

const qattahId = (prefix: string): string => prefixedId(prefix, 13, MIXED_ALNUM);
export const ORDER_ID = /^ord_[A-Za-z0-9]{13}$/;
export const INVOICE_ID = /^inv_[A-Za-z0-9]{13}$/;

const isOpen = (order: Order): boolean => order.activityStatus === 'CREATED' || order.activityStatus === 'STARTED';

export const defaultShareName = (lang: Lang, n: number): string => (lang === 'ar' ? `شخص ${n}` : `Person ${n}`);

export type QattahState = ReturnType<typeof createQattahState>;

/** `book` keeps the orders (with their shares) and the window setting across restarts; a previous run's are loaded here. */
export function createQattahState(
  clock: EmulatorClock,
  initialWindowStart: WindowStart = 'creation',
  book: EmulatorBook = MEMORY_BOOK,
) {
  let windowStart = (book.load('meta').get('window_start') as WindowStart | undefined) ?? initialWindowStart;
  let orders = new Map<string, Order>();
  const paidListeners = new Set<(order: Order) => void>();
  // Orders by deadline, so a sweep (run before every lookup) looks only at the ones due.
  let due = new DueQueue<Order>();
  const sequence = new WeakMap<Order, number>();
  let nextSequence = 0;
  const bySequence = (a: Order, b: Order): number => (sequence.get(a) ?? 0) - (sequence.get(b) ?? 0);
  const save = (order: Order): void => book.put('order', order.id, order);
  for (const order of book.load('order').values() as Iterable<Order>) {
    orders.set(order.id, order);
    sequence.set(order, nextSequence++);
    if (isOpen(order) && order.deadline !== null) due.add(order.deadline, order);
  }

  /** Times out every open order whose window has passed; returns their ids, oldest order first. */
  function sweep(): string[] {
    const now = clock.now();
    const expired: string[] = [];
    for (const order of due.takeDue(now).sort(bySequence)) {
      if (!isOpen(order) || orders.get(order.id) !== order) continue;
      order.activityStatus = 'TIMEOUT';
      order.paymentStatus = 'EXPIRED';
      for (const inv of order.invoices) if (inv.paymentStatus === 'PENDING') inv.paymentStatus = 'EXPIRED';
      save(order);
      expired.push(order.id);
    }
    return expired;
  }

  function get(id: string): Order | undefined {
    sweep();
    return orders.get(id);
  }

  function create(input: NewOrder): Order {
    const now = clock.now();
    const order: Order = {
      merchantId: input.merchantId,
      amountMinor: input.amountMinor,
      callbackUrl: input.callbackUrl,
      successUrl: input.successUrl,
      failureUrl: input.failureUrl,
      lang: input.lang,
      theme: input.theme,
      description: input.description,
      emailAddress: input.emailAddress,
      mobileNumber: input.mobileNumber,
      id: qattahId('ord_'),
      reference: input.reference ?? randomUUID(),
      createdAt: now,
      startedAt: null,
      deadline: windowStart === 'creation' ? now + ORDER_WINDOW_MS : null,
      activityStatus: 'CREATED',
      paymentStatus: 'PENDING',
      invoices: [],
    };
    orders.set(order.id, order);
    sequence.set(order, nextSequence++);
    if (order.deadline !== null) due.add(order.deadline, order);
    save(order);
    return order;
  }

  /** The first payer starts the session: `started_at`, and the window if it waited for them. */
  function start(order: Order): void {
    if (order.startedAt !== null) return;
    order.startedAt = clock.now();
    save(order);
    if (order.deadline === null) {
      order.deadline = order.startedAt + ORDER_WINDOW_MS;
      due.add(order.deadline, order);
    }
  }

  function markStarted(id: string): void {
    const order = get(id);
    if (order && isOpen(order)) start(order);
  }

  function sharesFrom(order: Order, shares: ShareInput[]): number[] | string {
    if (shares.length < 1 || shares.length > MAX_SHARES) return `between 1 and ${MAX_SHARES} shares are needed`;
    const amounts: number[] = [];
    for (const [i, share] of shares.entries()) {
      const parsed = parseSarText(share.amount);
      if (!parsed.ok) return `share ${i + 1}: amount ${parsed.error}`;
      amounts.push(parsed.minor);
    }
    const sum = amounts.reduce((a, b) => a + b, 0);
    if (sum !== order.amountMinor) return 'the shares must add up to the order amount';
    return amounts;
  }

  function applySplit(order: Order, names: string[], amounts: number[]): Order {
    order.invoices = amounts.map((amountMinor, i) => {
      const reference = randomUUID();
      return {
        id: qattahId('inv_'),
        orderId: order.id,
        reference,
        name: names[i]?.trim() || defaultShareName(order.lang, i + 1),
        amountMinor,
        paymentStatus: 'PENDING',
        paymentBrand: null,
        applepayCheckoutId: null,
        madaCheckoutId: null,
        sessionCountryCode: 'SAU',
        paidAt: null,
      };
    });
    start(order);
    order.activityStatus = 'STARTED';
    save(order);
    return order;
  }

  function checkSplittable(id: string): Order | SplitResult {
    const order = get(id);
    if (!order) return { ok: false, error: 'order_not_found', message: 'Order not found.' };
    if (!isOpen(order) || order.invoices.some((inv) => inv.paymentStatus !== 'PENDING')) {
      return { ok: false, error: 'not_splittable', message: 'The order can no longer be split.' };
    }
    return order;
  }

  /** Custom shares (decimal text amounts) that must add up exactly; replaces an unpaid split. */
  function splitCustom(id: string, shares: ShareInput[], lang?: Lang): SplitResult {
    const order = checkSplittable(id);
    if ('ok' in order) return order;
    const amounts = sharesFrom(order, shares);
    if (typeof amounts === 'string') return { ok: false, error: 'invalid_shares', message: amounts };
    const names = shares.map((s, i) => s.name.trim() || defaultShareName(lang ?? order.lang, i + 1));
    return { ok: true, order: applySplit(order, names, amounts) };
  }

  /** Equal shares of the total, the remainder (in halalas) going to the first shares. */
  function splitEqual(id: string, people: number, lang?: Lang): SplitResult {
    const order = checkSplittable(id);
    if ('ok' in order) return order;
    if (!Number.isSafeInteger(people) || people < 1 || people > MAX_SHARES) {
      return { ok: false, error: 'invalid_shares', message: `people must be between 1 and ${MAX_SHARES}` };
    }
    if (people > order.amountMinor) {
      return { ok: false, error: 'invalid_shares', message: 'each share must be at least 0.01' };
    }
    const names = Array.from({ length: people }, (_, i) => defaultShareName(lang ?? order.lang, i + 1));
    return { ok: true, order: applySplit(order, names, splitEqually(order.amountMinor, people)) };
  }

  function pay(orderId: string, invoiceId: string, brand: PaymentBrand): PayResult {
    const order = get(orderId);
    if (!order) return { ok: false, error: 'order_not_found' };
    const invoice = order.invoices.find((inv) => inv.id === invoiceId);
    if (!invoice) return { ok: false, error: 'invoice_not_found' };
    if (!isOpen(order)) return { ok: false, error: 'order_not_payable' };
    if (invoice.paymentStatus !== 'PENDING') return { ok: false, error: 'invoice_not_pending' };
    invoice.paymentStatus = 'PAID';
    invoice.paymentBrand = brand;
    invoice.paidAt = clock.now();
    // The real page goes through a hosted checkout (HyperPay-style 32-hex checkout ids).
    const checkoutId = randomUUID().replace(/-/g, '').toUpperCase();
    if (brand === 'APPLEPAY') invoice.applepayCheckoutId = checkoutId;
    else invoice.madaCheckoutId = checkoutId;
    save(order);
    if (order.invoices.every((inv) => inv.paymentStatus === 'PAID')) {
      order.activityStatus = 'PAID';
      order.paymentStatus = 'PAID';
      for (const listener of paidListeners) listener(order);
    }
    return { ok: true, order, invoice };
  }

  /** Full refund of a fully paid order: order and every invoice become REFUNDED. */
  function refund(id: string): ChangeResult {
    const order = get(id);
    if (!order) return { ok: false, error: 'order_not_found', message: 'Order not found.' };
    if (order.paymentStatus !== 'PAID') {
      return { ok: false, error: 'conflict', message: 'Only a fully paid order can be refunded.' };
    }
    order.paymentStatus = 'REFUNDED';
    for (const inv of order.invoices) inv.paymentStatus = 'REFUNDED';
    save(order);
    return { ok: true, order };
  }

  /** Cancels an open order: ABANDONED / EXPIRED; pending invoices EXPIRED, paid ones stay PAID. */
  function cancel(id: string): ChangeResult {
    const order = get(id);
    if (!order) return { ok: false, error: 'order_not_found', message: 'Order not found.' };
    if (!isOpen(order)) {
      return { ok: false, error: 'conflict', message: `The order cannot be cancelled: it is ${order.activityStatus}.` };
    }
    order.activityStatus = 'ABANDONED';
    order.paymentStatus = 'EXPIRED';
    for (const inv of order.invoices) if (inv.paymentStatus === 'PENDING') inv.paymentStatus = 'EXPIRED';
    save(order);
    return { ok: true, order };
  }

  return {
    windowStart: (): WindowStart => windowStart,
    setWindowStart(value: WindowStart): void {
      windowStart = value;
      book.put('meta', 'window_start', value);
    },
    sweep,
    get,
    list: (): Order[] => {
      sweep();
      return [...orders.values()];
    },
    create,
    markStarted,
    splitCustom,
    splitEqual,
    pay,
    refund,
    cancel,
    onPaid(listener: (order: Order) => void): () => void {
      paidListeners.add(listener);
      return () => paidListeners.delete(listener);
    },
    reset(): void {
      book.clear();
      orders = new Map();
      due = new DueQueue();
      windowStart = initialWindowStart;
    },
  };
}

import type { EmulatorClock } from '../kit/clock.ts';
import { DueQueue } from '../kit/due-queue.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';
import { paymentPublicId, sessionToken } from './ids.ts';

export const PAYMENT_STATUSES = [
  'prepare',
  '3ds',
  'redirect',
  'settled',
  'pending',
  'decline',
  'refund',
  'void',
  'reversal',
  'chargeback',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type Order = { number: string; amount: number; currency: string; description: string };

export type Refund = {
  id: string;
  paymentId: string;
  amount: number;
  status: 'waiting' | 'success' | 'fail';
  createdAt: number;
  /** Emulator time at which it succeeds by itself; null: only over the control API. */
  dueAt: number | null;
  settledAt: number | null;
};

export type Payment = {
  id: string;
  token: string;
  merchantKey: string;
  order: Order;
  customer: { name?: string; email?: string };
  urls: { success: string; cancel?: string; expiry?: string; error?: string };
  /** `checkout_language` as the session sent it: the hosted page's language. */
  language?: string;
  status: PaymentStatus;
  reason?: string;
  createdAt: number;
  expiresAt: number;
  /** Time of the latest status change: the status response's `date`. */
  updatedAt: number;
  settledAt: number | null;
  /** What the 3-D Secure step will end in, while status is `3ds`. */
  threeDsResult: 'success' | 'fail' | null;
  card: { holder: string; lastFour: string } | null;
  refunds: Refund[];
};

export type CallbackType = 'sale' | '3ds' | 'redirect' | 'refund' | 'void' | 'chargeback';
export type CallbackEvent = {
  payment: Payment;
  type: CallbackType;
  status: 'success' | 'fail' | 'waiting';
  /** The payment status when the event happened (`order_status`). */
  orderStatus: PaymentStatus;
  reason?: string;
};
export type EventListener = (event: CallbackEvent) => void;

export type Settings = {
  refundApprovalDelayMs: number | null;
  /** The status answer lists the payment's transactions (an option of the platform's protocol mapping). */
  statusHistory: boolean;
};

export type NewPayment = Pick<Payment, 'merchantKey' | 'order' | 'customer' | 'urls' | 'language'> & {
  expiryMinutes: number;
};

export const DECLINE_REASON = 'Declined by processing';
export const THREE_DS_DECLINE_REASON = '3-D Secure authentication failed';
export const CANCEL_REASON = 'Cancelled by customer';
export const EXPIRED_REASON = 'Session expired';

/** Statuses in which the hosted page still takes the customer's input. */
export const isOpen = (p: Payment): boolean => p.status === 'prepare' || p.status === '3ds';

export type AkuratecoState = ReturnType<typeof createState>;

/** `book` keeps the payments (with their refunds) and the settings across restarts; a previous run's are loaded here. */
export function createState(clock: EmulatorClock, initial: Partial<Settings> = {}, book: EmulatorBook = MEMORY_BOOK) {
  const defaults: Settings = { refundApprovalDelayMs: null, statusHistory: true, ...initial };
  let settings: Settings = { ...defaults };
  let payments = new Map<string, Payment>();
  const byToken = new Map<string, Payment>();
  const listeners = new Set<EventListener>();
  // Indexes, so that lookups and sweeps never walk every payment ever made.
  let byOrder = new Map<string, Payment>();
  let refunds = new Map<string, { refund: Refund; payment: Payment }>();
  let expiring = new DueQueue<Payment>();
  let refundsDue = new DueQueue<{ refund: Refund; payment: Payment }>();
  const sequence = new WeakMap<Payment, number>();
  let nextSequence = 0;
  const sequenceOf = (payment: Payment): number => sequence.get(payment) ?? 0;
  const orderKey = (merchantKey: string, orderNumber: string): string => `${merchantKey}\u0000${orderNumber}`;

  function emit(payment: Payment, type: CallbackType, status: CallbackEvent['status'], reason?: string): void {
    const event: CallbackEvent = { payment, type, status, orderStatus: payment.status };
    if (reason !== undefined) event.reason = reason;
    book.put('payment', payment.id, payment);
    for (const listener of listeners) listener(event);
  }

  function setStatus(payment: Payment, status: PaymentStatus, reason?: string): void {
    payment.status = status;
    if (reason === undefined) delete payment.reason;
    else payment.reason = reason;
    payment.updatedAt = clock.now();
    if (status === 'settled' && payment.settledAt === null) payment.settledAt = payment.updatedAt;
    // Every change of a payment sets its status or emits a callback: both save it.
    book.put('payment', payment.id, payment);
  }

  function index(payment: Payment): void {
    payments.set(payment.id, payment);
    byToken.set(payment.token, payment);
    byOrder.set(orderKey(payment.merchantKey, payment.order.number), payment);
    sequence.set(payment, nextSequence++);
    if (isOpen(payment)) expiring.add(payment.expiresAt, payment);
  }

  function indexRefund(payment: Payment, refund: Refund): void {
    const entry = { refund, payment };
    refunds.set(refund.id, entry);
    if (refund.dueAt !== null && refund.status === 'waiting') refundsDue.add(refund.dueAt, entry);
  }

  const savedSettings = book.load('meta').get('settings') as Partial<Settings> | undefined;
  if (savedSettings) settings = { ...settings, ...savedSettings };
  for (const payment of book.load('payment').values() as Iterable<Payment>) {
    index(payment);
    for (const refund of payment.refunds) indexRefund(payment, refund);
  }

  /** Moves an open payment whose session ran out to `decline`; no callback (no card was charged). */
  function expireIfDue(payment: Payment): boolean {
    if (!isOpen(payment) || clock.now() < payment.expiresAt) return false;
    setStatus(payment, 'decline', EXPIRED_REASON);
    payment.threeDsResult = null;
    return true;
  }

  return {
    clock,
    emit,
    setStatus,
    settings: (): Settings => ({ ...settings }),
    updateSettings(patch: Partial<Settings>): Settings {
      settings = { ...settings, ...patch };
      book.put('meta', 'settings', settings);
      return { ...settings };
    },
    onEvent(listener: EventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    create(input: NewPayment): Payment {
      const now = clock.now();
      const payment: Payment = {
        id: paymentPublicId(now),
        token: sessionToken(),
        merchantKey: input.merchantKey,
        order: { ...input.order },
        customer: { ...input.customer },
        urls: { ...input.urls },
        ...(input.language !== undefined && { language: input.language }),
        status: 'prepare',
        createdAt: now,
        expiresAt: now + input.expiryMinutes * 60_000,
        updatedAt: now,
        settledAt: null,
        threeDsResult: null,
        card: null,
        refunds: [],
      };
      index(payment);
      book.put('payment', payment.id, payment);
      return payment;
    },
    get: (id: string): Payment | undefined => payments.get(id),
    getByToken(token: string): Payment | undefined {
      const payment = byToken.get(token);
      if (payment) expireIfDue(payment);
      return payment;
    },
    /** The merchant's most recent payment for that order number (WL-5). */
    getByOrder(merchantKey: string, orderNumber: string): Payment | undefined {
      return byOrder.get(orderKey(merchantKey, orderNumber));
    },
    list: (): Payment[] => [...payments.values()],
    expireIfDue,
    /** Expires every open session past its `session_expiry`; returns them, oldest payment first. */
    sweepExpired(): Payment[] {
      const due = expiring.takeDue(clock.now()).filter((p) => payments.get(p.id) === p);
      return due.sort((a, b) => sequenceOf(a) - sequenceOf(b)).filter(expireIfDue);
    },
    /** Adds a refund to its payment (and to the indexes that find it by id and by due time). */
    addRefund(payment: Payment, refund: Refund): void {
      payment.refunds.push(refund);
      indexRefund(payment, refund);
      book.put('payment', payment.id, payment);
    },
    findRefund: (id: string): { refund: Refund; payment: Payment } | undefined => refunds.get(id),
    /**
     * Waiting refunds whose delay has passed, earliest due first; among equal times, by payment
     * (oldest first) and then in the order they were requested.
     */
    dueRefunds(): Refund[] {
      const now = clock.now();
      return refundsDue
        .takeDue(now)
        .filter(({ refund, payment }) => refund.status === 'waiting' && payments.get(payment.id) === payment)
        .sort(
          (a, b) =>
            (a.refund.dueAt ?? 0) - (b.refund.dueAt ?? 0) ||
            sequenceOf(a.payment) - sequenceOf(b.payment) ||
            a.payment.refunds.indexOf(a.refund) - b.payment.refunds.indexOf(b.refund),
        )
        .map(({ refund }) => refund);
    },
    reset(): void {
      book.clear();
      payments = new Map();
      byToken.clear();
      byOrder = new Map();
      refunds = new Map();
      expiring = new DueQueue();
      refundsDue = new DueQueue();
      settings = { ...defaults };
    },
  };
}

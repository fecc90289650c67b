/**
 * The Checkout.com emulator's state: payments, their actions and sessions, idempotent answers,
 * expiry on the emulator's clock and the notifications each change sends.
 *
 * Longer than 300 lines: every move of a payment and the notification it causes sit together, so
 * the order the real provider follows is readable in one place.
 */
import type { EmulatorClock } from '../kit/clock.ts';
import { DueQueue } from '../kit/due-queue.ts';
import { DIGITS, LOWER_ALNUM, prefixedId } from '../kit/ids.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';
import {
  type Balances,
  createRefundBook,
  type Refund,
  type RefundInput,
  type RefundOutcome,
  type RefundRequestResult,
} from './refunds.ts';

export type PaymentStatus =
  | 'Pending'
  | 'Captured'
  | 'Declined'
  | 'Canceled'
  | 'Expired'
  | 'Voided'
  | 'Partially Refunded'
  | 'Refunded';
/**
 * How a payment ends on QPay's side. `fail` is a payment that failed at QPay and that Checkout
 * reports with `payment_canceled`, as it documents for QPay ("when the customer has canceled
 * the payment or the payment has failed"); `cancel` is the customer's Cancel.
 */
export type Outcome = 'approve' | 'decline' | 'cancel' | 'fail';
export const OUTCOMES: readonly Outcome[] = ['approve', 'decline', 'cancel', 'fail'];
/** The status a payment nobody completed ends in: Checkout documents an automatic void. */
export type ExpiryStatus = 'Expired' | 'Voided';
export const EXPIRY_STATUSES: readonly ExpiryStatus[] = ['Expired', 'Voided'];
/** The status a GET shows for a failure reported as `payment_canceled` (undocumented). */
export type CanceledFailureStatus = 'Canceled' | 'Declined';
export const CANCELED_FAILURE_STATUSES: readonly CanceledFailureStatus[] = ['Canceled', 'Declined'];

export const SESSION_TTL_MS = 15 * 60 * 1000;
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_PAYMENT_WINDOW_MS = 15 * 60 * 1000;
export const APPROVING_PIN = '677';

export type PaymentAction = {
  id: string;
  type: 'Capture' | 'Void' | 'Refund';
  processed_on: string;
  amount: number;
  approved: boolean;
  response_code: string;
  response_summary: string;
  /** Refunds only: what the refund request gave. */
  reference?: string;
  metadata?: Record<string, unknown>;
};

export type NotificationType =
  | 'payment_pending'
  | 'payment_capture_pending'
  | 'payment_captured'
  | 'payment_capture_declined'
  | 'payment_canceled'
  | 'payment_expired'
  | 'payment_refund_pending'
  | 'payment_refunded'
  | 'payment_refund_declined';

/** Shaped like the `data` of a Checkout.com webhook so a sender can wrap it unchanged. */
export type NotificationEvent = {
  id: string;
  type: NotificationType;
  created_on: string;
  data: {
    id: string;
    action_id?: string;
    reference?: string;
    amount: number;
    currency: string;
    processed_on: string;
    response_code?: string;
    response_summary?: string;
    metadata?: Record<string, unknown>;
    /** Refund events only: the payment's balances once the event happened. */
    balances?: Balances;
  };
};

export type QpayResult = { status: string; message: string; confirmationId?: string };

export type Session = { id: string; paymentId: string; createdAt: number; expiresAt: number };

export type CreatePaymentInput = {
  amount: number;
  currency: string;
  description: string;
  language?: string;
  quantity?: number | string;
  nationalId?: string;
  reference?: string;
  successUrl?: string;
  failureUrl?: string;
  metadata?: Record<string, unknown>;
  processingChannelId?: string;
  customerId?: string;
};

export type Payment = CreatePaymentInput & {
  id: string;
  /** The entity (merchant account) whose secret key created the payment. */
  entityId: string;
  pun: string;
  customerId: string;
  status: PaymentStatus;
  requestedAt: number;
  expiresAt: number;
  completedAt?: number;
  qpay?: QpayResult;
  actions: PaymentAction[];
  events: NotificationEvent[];
  sessions: Session[];
  /** In the order they were requested. */
  refunds: Refund[];
};

export type Settings = {
  paymentWindowMs: number;
  requireProcessingChannelId: boolean;
  /** Emulator time after which a pending refund approves by itself; null (the default) never. */
  refundApprovalDelayMs: number | null;
  /** What an unpaid payment becomes when its window passes (default `Expired`). */
  expiryStatus: ExpiryStatus;
  /** What a GET shows for the `fail` outcome (default `Canceled`, as its notification says). */
  canceledFailureStatus: CanceledFailureStatus;
};

/** A first answer kept for its idempotency key: its status and exact JSON text. */
export type CachedAnswer = { statusCode: number; json: string; storedAt: number };

export type Completion =
  | { ok: true; payment: Payment; session: Session; redirectUrl: string | null }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_pending'; payment: Payment };

export type RefundSettlement =
  | { ok: true; refund: Refund }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_pending'; refund: Refund };

export type EventListener = (event: NotificationEvent, payment: Payment) => void;

export type CheckoutComState = ReturnType<typeof createCheckoutComState>;

const base32Id = (prefix: string) => prefixedId(prefix, 26);

/** Appends `cko-session-id` without re-encoding the merchant's own query string. */
export function withSessionId(url: string, sessionId: string): string {
  const hashAt = url.indexOf('#');
  const head = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const separator = !head.includes('?') ? '?' : head.endsWith('?') || head.endsWith('&') ? '' : '&';
  return `${head}${separator}cko-session-id=${sessionId}${hash}`;
}

const OUTCOME_RESULTS = {
  approve: {
    status: 'Captured',
    qpay: { status: '0000', message: 'Transaction approved' },
    action: { type: 'Capture', approved: true, response_code: '10000', response_summary: 'Approved' },
    events: ['payment_capture_pending', 'payment_captured'],
  },
  decline: {
    status: 'Declined',
    qpay: { status: '0005', message: 'Transaction declined: incorrect PIN' },
    action: { type: 'Capture', approved: false, response_code: '20005', response_summary: 'Declined - Do Not Honour' },
    events: ['payment_capture_declined'],
  },
  cancel: {
    status: 'Canceled',
    qpay: { status: '0017', message: 'Transaction canceled by the customer' },
    action: null,
    events: ['payment_canceled'],
  },
  fail: {
    status: 'Canceled',
    qpay: { status: '0051', message: 'Transaction failed: insufficient funds' },
    action: { type: 'Capture', approved: false, response_code: '20051', response_summary: 'Insufficient Funds' },
    events: ['payment_canceled'],
  },
} as const;

/**
 * `book` keeps the payments (with their actions, sessions, events and refunds), the idempotent
 * answers and the settings across restarts: what a previous run saved is loaded here.
 */
export function createCheckoutComState(
  clock: EmulatorClock,
  initialSettings: Partial<Settings> = {},
  book: EmulatorBook = MEMORY_BOOK,
) {
  const defaults: Settings = {
    paymentWindowMs: DEFAULT_PAYMENT_WINDOW_MS,
    requireProcessingChannelId: false,
    refundApprovalDelayMs: null,
    expiryStatus: 'Expired',
    canceledFailureStatus: 'Canceled',
    ...initialSettings,
  };
  let settings: Settings = { ...defaults };
  const payments = new Map<string, Payment>();
  const byPun = new Map<string, string>();
  const sessions = new Map<string, Session>();
  const idempotency = new Map<string, CachedAnswer>();
  const listeners = new Set<EventListener>();
  // Sweeps look only at what is due, not at every payment ever made.
  const order = new WeakMap<Payment, number>();
  let nextOrder = 0;
  const expiring = new DueQueue<Payment>();
  const approving = new DueQueue<Refund>();
  const byOrder = (a: Payment, b: Payment): number => (order.get(a) ?? 0) - (order.get(b) ?? 0);

  /** `extra` overrides the payment's own fields, as refund events do with the refund's. */
  function emit(
    payment: Payment,
    type: NotificationType,
    at: number,
    action?: PaymentAction,
    extra: Partial<NotificationEvent['data']> = {},
  ): void {
    const iso = new Date(at).toISOString();
    const event: NotificationEvent = {
      id: base32Id('evt_'),
      type,
      created_on: iso,
      data: {
        id: payment.id,
        amount: payment.amount,
        currency: payment.currency,
        processed_on: action?.processed_on ?? iso,
        ...(action && {
          action_id: action.id,
          response_code: action.response_code,
          response_summary: action.response_summary,
        }),
        ...(payment.reference !== undefined && { reference: payment.reference }),
        ...(payment.metadata !== undefined && { metadata: payment.metadata }),
        ...extra,
      },
    };
    payment.events.push(event);
    // Every change of a payment emits an event: saving it here saves each of them.
    book.put('payment', payment.id, payment);
    for (const listener of listeners) {
      try {
        listener(event, payment);
      } catch {
        // A faulty listener must not corrupt the payment's state transition.
      }
    }
  }

  function addAction(
    payment: Payment,
    at: number,
    action: Omit<PaymentAction, 'id' | 'processed_on' | 'amount'>,
  ): PaymentAction {
    const full: PaymentAction = {
      id: base32Id('act_'),
      type: action.type,
      processed_on: new Date(at).toISOString(),
      amount: payment.amount,
      approved: action.approved,
      response_code: action.response_code,
      response_summary: action.response_summary,
    };
    payment.actions.push(full);
    return full;
  }

  const refundBook = createRefundBook({ clock, approvalDelayMs: () => settings.refundApprovalDelayMs, emit });

  /**
   * Applies expiry and due refund approvals lazily; each is dated when it fell due, not when it
   * was noticed.
   */
  function refresh(payment: Payment): Payment {
    refundBook.approveDue(payment);
    if (payment.status !== 'Pending' || clock.now() < payment.expiresAt) return payment;
    payment.status = settings.expiryStatus;
    payment.completedAt = payment.expiresAt;
    const voided = addAction(payment, payment.expiresAt, {
      type: 'Void',
      approved: true,
      response_code: '10000',
      response_summary: 'Approved',
    });
    emit(payment, 'payment_expired', payment.expiresAt, voided);
    return payment;
  }

  function createPayment(input: CreatePaymentInput, entityId: string): Payment {
    const now = clock.now();
    // The payment's own fields first and the request's copied onto them: a spread followed by
    // this many fields costs tens of microseconds per object in V8, this a few.
    const payment: Payment = Object.assign(
      {
        id: base32Id('pay_'),
        entityId,
        pun: prefixedId('', 20, LOWER_ALNUM),
        customerId: input.customerId ?? base32Id('cus_'),
        status: 'Pending' as PaymentStatus,
        requestedAt: now,
        expiresAt: now + settings.paymentWindowMs,
        actions: [],
        events: [],
        sessions: [],
        refunds: [],
      },
      input,
    );
    payments.set(payment.id, payment);
    byPun.set(payment.pun, payment.id);
    order.set(payment, nextOrder++);
    expiring.add(payment.expiresAt, payment);
    emit(payment, 'payment_pending', now);
    return payment;
  }

  function getPayment(id: string): Payment | undefined {
    const payment = payments.get(id);
    return payment && refresh(payment);
  }

  /** Looks a payment up by `pay_` id or by a live `sid_` session id. */
  function lookup(id: string): { payment: Payment; session?: Session } | undefined {
    if (!id.startsWith('sid_')) {
      const payment = getPayment(id);
      return payment && { payment };
    }
    const session = sessions.get(id);
    if (!session || clock.now() >= session.expiresAt) return undefined;
    const payment = getPayment(session.paymentId);
    return payment && { payment, session };
  }

  function getByPun(pun: string): Payment | undefined {
    const id = byPun.get(pun);
    return id === undefined ? undefined : getPayment(id);
  }

  function complete(paymentId: string, outcome: Outcome): Completion {
    const payment = getPayment(paymentId);
    if (!payment) return { ok: false, reason: 'not_found' };
    if (payment.status !== 'Pending') return { ok: false, reason: 'not_pending', payment };
    const now = clock.now();
    const result = OUTCOME_RESULTS[outcome];
    payment.status = outcome === 'fail' ? settings.canceledFailureStatus : result.status;
    payment.completedAt = now;
    payment.qpay = { ...result.qpay, ...(outcome === 'approve' && { confirmationId: prefixedId('', 12, DIGITS) }) };
    const action = result.action ? addAction(payment, now, { ...result.action }) : undefined;
    for (const type of result.events) emit(payment, type, now, action);
    const session: Session = {
      id: base32Id('sid_'),
      paymentId: payment.id,
      createdAt: now,
      expiresAt: now + SESSION_TTL_MS,
    };
    sessions.set(session.id, session);
    payment.sessions.push(session);
    const target = outcome === 'approve' ? payment.successUrl : payment.failureUrl;
    return { ok: true, payment, session, redirectUrl: target ? withSessionId(target, session.id) : null };
  }

  /** Expires the pending payments whose window has passed, in the order they were made. */
  function sweepExpired(): Payment[] {
    const due = expiring.takeDue(clock.now()).filter((p) => p.status === 'Pending' && payments.get(p.id) === p);
    const expired: Payment[] = [];
    for (const payment of due.sort(byOrder)) if (refresh(payment).status !== 'Pending') expired.push(payment);
    return expired;
  }

  function requestRefund(paymentId: string, input: RefundInput): RefundRequestResult | undefined {
    const payment = getPayment(paymentId);
    const result = payment && refundBook.request(payment, input);
    if (result?.ok && result.refund.approveAt !== null) approving.add(result.refund.approveAt, result.refund);
    return result;
  }

  function settleRefund(actionId: string, outcome: RefundOutcome): RefundSettlement {
    const refund = refundBook.get(actionId);
    const payment = refund && payments.get(refund.paymentId);
    if (!refund || !payment) return { ok: false, reason: 'not_found' };
    // A refund whose delay has passed was approved then, before anyone could settle it by hand.
    refresh(payment);
    if (refund.status !== 'pending') return { ok: false, reason: 'not_pending', refund };
    refundBook.settle(payment, refund, outcome, clock.now());
    return { ok: true, refund };
  }

  /** Approves every refund whose delay has passed, payment by payment in the order they were made; returns them. */
  function sweepRefunds(): Refund[] {
    const owners = new Set<Payment>();
    for (const refund of approving.takeDue(clock.now())) {
      const payment = payments.get(refund.paymentId);
      if (payment && refund.status === 'pending') owners.add(payment);
    }
    const approved: Refund[] = [];
    for (const payment of [...owners].sort(byOrder)) approved.push(...refundBook.approveDue(payment));
    return approved;
  }

  function listRefunds(): Refund[] {
    for (const payment of payments.values()) refresh(payment);
    return refundBook.list();
  }

  function cachedAnswer(key: string): CachedAnswer | undefined {
    const hit = idempotency.get(key);
    if (hit && clock.now() - hit.storedAt >= IDEMPOTENCY_TTL_MS) {
      idempotency.delete(key);
      book.remove('idempotency', key);
      return undefined;
    }
    return hit;
  }

  function cacheAnswer(key: string, statusCode: number, json: string): void {
    if (statusCode < 200 || statusCode > 299) return;
    const answer: CachedAnswer = { statusCode, json, storedAt: clock.now() };
    idempotency.set(key, answer);
    book.put('idempotency', key, answer);
  }

  /** What an earlier run saved: payments with their sessions and refunds, answers, settings. */
  function restore(): void {
    const savedSettings = book.load('meta').get('settings') as Partial<Settings> | undefined;
    if (savedSettings) settings = { ...settings, ...savedSettings };
    for (const payment of book.load('payment').values() as Iterable<Payment>) {
      payments.set(payment.id, payment);
      byPun.set(payment.pun, payment.id);
      order.set(payment, nextOrder++);
      if (payment.status === 'Pending') expiring.add(payment.expiresAt, payment);
      for (const session of payment.sessions) sessions.set(session.id, session);
      for (const refund of payment.refunds) {
        refundBook.restore(refund);
        if (refund.status === 'pending' && refund.approveAt !== null) approving.add(refund.approveAt, refund);
      }
    }
    const now = clock.now();
    for (const [key, answer] of book.load('idempotency') as ReadonlyMap<string, CachedAnswer>) {
      if (now - answer.storedAt < IDEMPOTENCY_TTL_MS) idempotency.set(key, answer);
    }
  }
  restore();

  return {
    clock,
    settings: () => ({ ...settings }),
    updateSettings(patch: Partial<Settings>): Settings {
      // An explicit undefined leaves a setting alone; null is a value (refundApprovalDelayMs).
      const given = Object.entries(patch).filter(([, value]) => value !== undefined);
      settings = { ...settings, ...(Object.fromEntries(given) as Partial<Settings>) };
      book.put('meta', 'settings', settings);
      return { ...settings };
    },
    createPayment,
    getPayment,
    lookup,
    getByPun,
    complete,
    sweepExpired,
    requestRefund,
    settleRefund,
    sweepRefunds,
    listRefunds,
    listPayments: (): Payment[] => [...payments.values()].map(refresh),
    cachedAnswer,
    cacheAnswer,
    onEvent(listener: EventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset(): void {
      book.clear();
      payments.clear();
      byPun.clear();
      sessions.clear();
      idempotency.clear();
      refundBook.clear();
      expiring.clear();
      approving.clear();
      settings = { ...defaults };
    },
  };
}

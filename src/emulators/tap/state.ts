/**
 * The Tap emulator's state: charges, their refunds and activities, `reference.idempotent`
 * strings, expiry on the emulator's clock, and what of it is saved across restarts.
 *
 * Longer than 300 lines: each move of a charge, the event it emits and the record it saves sit
 * together, so that no move can change a charge without saving it.
 */
import type { EmulatorClock } from '../kit/clock.ts';
import { DueQueue } from '../kit/due-queue.ts';
import { type EmulatorBook, MEMORY_BOOK } from '../kit/store.ts';
import {
  type ChargeStatus,
  INITIATED_RESPONSE,
  OPEN_REFUND_STATUSES,
  OUTCOME_SPECS,
  type Outcome,
  type OutcomeSpec,
  type RefundOutcome,
  type ResponseCode,
} from './outcomes.ts';
import { createRefundBook, type Refund, type RefundRequestResult, type RefundSettlement } from './refund-book.ts';
import { gatewayReference, pageToken, paymentReference, receiptId, tapId } from './tap-ids.ts';
import type { CreateChargeInput, RefundRequestInput } from './validate.ts';

export const DEFAULT_PAYMENT_WINDOW_MS = 30 * 60 * 1000;
/** Whatever the OTP (any OTP passes in test mode, as the seed says), this PIN approves; any other declines. */
export const APPROVING_PIN = '677';

export type Activity = {
  id: string;
  created: number;
  status: ChargeStatus;
  amount: number;
  currency: string;
  remarks: string;
};

export type CardDetails = { firstSix: string; lastFour: string; brand: string };

export type Charge = CreateChargeInput & {
  id: string;
  merchantId: string;
  status: ChargeStatus;
  createdAt: number;
  expiresAt: number;
  /** The minutes shown in `transaction.expiry.period`, fixed when the charge was made. */
  windowMinutes: number;
  pageToken: string;
  response: ResponseCode;
  gatewayResponse?: ResponseCode;
  track?: string;
  paymentReference?: string;
  gatewayReference?: string;
  receiptId?: string;
  customerId?: string;
  card?: CardDetails;
  /** `redirect.status`: SUCCESS once the customer was sent back. */
  redirectStatus: 'PENDING' | 'SUCCESS';
  /** `post.status`: how delivery of the latest notification went. */
  postStatus: 'PENDING' | 'SUCCESS' | 'ERROR';
  completedAt?: number;
  activities: Activity[];
  refunds: Refund[];
};

export type Settings = {
  paymentWindowMs: number;
  /** Emulator time after which a pending refund is refunded by itself; null (the default): never. */
  refundApprovalDelayMs: number | null;
};

/** A status change worth a notification (everything after INITIATED). */
export type TapEvent = { kind: 'charge'; charge: Charge; at: number } | { kind: 'refund'; refund: Refund; at: number };
export type EventListener = (event: TapEvent) => void;

export type Completion =
  | { ok: true; charge: Charge; redirectUrl: string | null }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_initiated'; charge: Charge };

export type TapState = ReturnType<typeof createTapState>;

/** Appends `tap_id` and keeps the merchant's own query string and fragment as they were. */
export function withTapId(url: string, chargeId: string): string {
  const hashAt = url.indexOf('#');
  const head = hashAt === -1 ? url : url.slice(0, hashAt);
  const hash = hashAt === -1 ? '' : url.slice(hashAt);
  const separator = !head.includes('?') ? '?' : head.endsWith('?') || head.endsWith('&') ? '' : '&';
  return `${head}${separator}tap_id=${encodeURIComponent(chargeId)}${hash}`;
}

export function cardBrand(cardNumber: string): string {
  if (cardNumber.startsWith('4')) return 'VISA';
  if (/^(5[1-5]|2[2-7])/.test(cardNumber)) return 'MASTERCARD';
  return 'NAPS';
}

/**
 * `book` keeps the charges (with their activities and refunds), the `reference.idempotent`
 * strings and the settings across restarts: what a previous run saved is loaded here.
 */
export function createTapState(
  clock: EmulatorClock,
  initialSettings: Partial<Settings> = {},
  book: EmulatorBook = MEMORY_BOOK,
) {
  const defaults: Settings = {
    paymentWindowMs: DEFAULT_PAYMENT_WINDOW_MS,
    refundApprovalDelayMs: null,
    ...initialSettings,
  };
  let settings: Settings = { ...defaults };
  const charges = new Map<string, Charge>();
  const byToken = new Map<string, string>();
  const listeners = new Set<EventListener>();
  // Sweeps look only at what is due, not at every charge ever made.
  const sequence = new WeakMap<Charge, number>();
  let nextSequence = 0;
  const bySequence = (a: Charge, b: Charge): number => (sequence.get(a) ?? 0) - (sequence.get(b) ?? 0);
  const expiring = new DueQueue<Charge>();
  const approving = new DueQueue<Refund>();
  // `reference.idempotent` per merchant and kind: what it made, and when.
  const idempotent = new Map<string, { id: string; at: number }>();
  const save = (charge: Charge): void => book.put('charge', charge.id, charge);

  function emit(event: TapEvent): void {
    // Every change after INITIATED emits an event: saving its charge here saves each of them.
    const changed = event.kind === 'charge' ? event.charge : charges.get(event.refund.chargeId);
    if (changed) save(changed);
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A faulty listener must not corrupt the state transition.
      }
    }
  }

  const refundBook = createRefundBook({
    clock,
    approvalDelayMs: () => settings.refundApprovalDelayMs,
    emit: (refund, at) => emit({ kind: 'refund', refund, at }),
  });

  function addActivity(charge: Charge, status: ChargeStatus, at: number, remarks: string): void {
    charge.activities.push({
      id: tapId('activity_', at),
      created: at,
      status,
      amount: charge.amount,
      currency: charge.currency,
      remarks,
    });
  }

  function finish(charge: Charge, spec: OutcomeSpec, at: number, card?: CardDetails): void {
    charge.status = spec.status;
    charge.response = spec.response;
    charge.completedAt = at;
    if (spec.gateway) charge.gatewayResponse = spec.gateway;
    if (spec.status !== 'ABANDONED') charge.track = tapId('tck_', at);
    if (spec.carded) {
      charge.paymentReference = paymentReference();
      charge.gatewayReference = gatewayReference();
      charge.customerId ??= tapId('cus_', at);
      if (card) charge.card = card;
    }
    if (spec.status === 'CAPTURED') charge.receiptId = receiptId();
    addActivity(charge, spec.status, at, spec.remarks);
    emit({ kind: 'charge', charge, at });
  }

  /** Applies expiry and due refund approvals lazily, each dated when it fell due. */
  function refresh(charge: Charge): Charge {
    refundBook.approveDue(charge);
    if (charge.status === 'INITIATED' && clock.now() >= charge.expiresAt) {
      finish(charge, OUTCOME_SPECS.expire, charge.expiresAt);
    }
    return charge;
  }

  function createCharge(input: CreateChargeInput, merchantId: string): Charge {
    const now = clock.now();
    // The charge's own fields first and the request's copied onto them: a spread followed by
    // this many fields costs tens of microseconds per object in V8, this a few.
    const charge: Charge = Object.assign(
      {
        id: tapId('chg_', now),
        merchantId,
        status: 'INITIATED' as ChargeStatus,
        createdAt: now,
        expiresAt: now + settings.paymentWindowMs,
        windowMinutes: Math.ceil(settings.paymentWindowMs / 60_000),
        pageToken: pageToken(),
        response: INITIATED_RESPONSE,
        redirectStatus: 'PENDING' as const,
        postStatus: 'PENDING' as Charge['postStatus'],
        activities: [],
        refunds: [],
      },
      input,
    );
    if (input.customer.id !== undefined) charge.customerId = input.customer.id;
    addActivity(charge, 'INITIATED', now, 'charge - created');
    charges.set(charge.id, charge);
    byToken.set(charge.pageToken, charge.id);
    sequence.set(charge, nextSequence++);
    expiring.add(charge.expiresAt, charge);
    save(charge);
    return charge;
  }

  function getCharge(id: string): Charge | undefined {
    const charge = charges.get(id);
    return charge && refresh(charge);
  }

  function getByToken(token: string): Charge | undefined {
    const id = byToken.get(token);
    return id === undefined ? undefined : getCharge(id);
  }

  function complete(chargeId: string, outcome: Outcome, card?: CardDetails): Completion {
    const charge = getCharge(chargeId);
    if (!charge) return { ok: false, reason: 'not_found' };
    if (charge.status !== 'INITIATED') return { ok: false, reason: 'not_initiated', charge };
    // Set before the event so the notification shows the customer as sent back.
    if (charge.redirectUrl !== undefined) charge.redirectStatus = 'SUCCESS';
    finish(charge, OUTCOME_SPECS[outcome], clock.now(), card);
    return { ok: true, charge, redirectUrl: charge.redirectUrl ? withTapId(charge.redirectUrl, charge.id) : null };
  }

  /** Abandons the initiated charges whose window has passed, oldest first. */
  function sweepExpired(): Charge[] {
    const due = expiring.takeDue(clock.now()).filter((c) => c.status === 'INITIATED' && charges.get(c.id) === c);
    const expired: Charge[] = [];
    for (const charge of due.sort(bySequence)) if (refresh(charge).status === 'ABANDONED') expired.push(charge);
    return expired;
  }

  /** What an earlier run saved: charges with their refunds, idempotent strings, settings. */
  function restore(): void {
    const savedSettings = book.load('meta').get('settings') as Partial<Settings> | undefined;
    if (savedSettings) settings = { ...settings, ...savedSettings };
    for (const charge of book.load('charge').values() as Iterable<Charge>) {
      charges.set(charge.id, charge);
      byToken.set(charge.pageToken, charge.id);
      sequence.set(charge, nextSequence++);
      if (charge.status === 'INITIATED') expiring.add(charge.expiresAt, charge);
      for (const refund of charge.refunds) {
        refundBook.restore(refund);
        if (OPEN_REFUND_STATUSES.has(refund.status) && refund.approveAt !== null)
          approving.add(refund.approveAt, refund);
      }
    }
    for (const [key, made] of book.load('idempotent') as ReadonlyMap<string, { id: string; at: number }>) {
      idempotent.set(key, made);
    }
  }
  restore();

  return {
    clock,
    settings: (): Settings => ({ ...settings }),
    updateSettings(patch: Partial<Settings>): Settings {
      // An explicit undefined leaves a setting alone; null is a value (refundApprovalDelayMs).
      const given = Object.entries(patch).filter(([, value]) => value !== undefined);
      settings = { ...settings, ...(Object.fromEntries(given) as Partial<Settings>) };
      book.put('meta', 'settings', settings);
      return { ...settings };
    },
    createCharge,
    getCharge,
    getByToken,
    complete,
    sweepExpired,
    listCharges: (): Charge[] => [...charges.values()].map(refresh),
    requestRefund(input: RefundRequestInput, merchantId: string): RefundRequestResult {
      const charge = charges.get(input.chargeId);
      if (!charge || charge.merchantId !== merchantId) return { ok: false, reason: 'charge_not_found' };
      const result = refundBook.request(refresh(charge), input);
      if (result.ok) save(charge);
      if (result.ok && result.refund.approveAt !== null) approving.add(result.refund.approveAt, result.refund);
      return result;
    },
    getRefund(id: string): Refund | undefined {
      const refund = refundBook.get(id);
      const charge = refund && charges.get(refund.chargeId);
      if (charge) refresh(charge);
      return refund;
    },
    settleRefund(id: string, outcome: RefundOutcome): RefundSettlement {
      const refund = refundBook.get(id);
      const charge = refund && charges.get(refund.chargeId);
      if (!refund || !charge) return { ok: false, reason: 'not_found' };
      // A refund whose delay has passed was refunded then, before anyone could settle it by hand.
      refresh(charge);
      return refundBook.settle(refund, outcome, clock.now());
    },
    /** Refunds every pending refund whose delay has passed, charge by charge (oldest first). */
    sweepRefunds(): Refund[] {
      const owners = new Set<Charge>();
      for (const refund of approving.takeDue(clock.now())) {
        const charge = charges.get(refund.chargeId);
        if (charge && OPEN_REFUND_STATUSES.has(refund.status)) owners.add(charge);
      }
      return [...owners].sort(bySequence).flatMap((charge) => refundBook.approveDue(charge));
    },
    listRefunds(): Refund[] {
      for (const charge of charges.values()) refresh(charge);
      return refundBook.list();
    },
    /** The id a `reference.idempotent` string made within `windowMs`, if any. */
    firstMade(merchantId: string, kind: 'charge' | 'refund', key: string | undefined, windowMs: number) {
      if (key === undefined) return undefined;
      const made = idempotent.get(`${merchantId}\u0000${kind}\u0000${key}`);
      if (!made || clock.now() - made.at >= windowMs) return undefined;
      return made.id;
    },
    remember(merchantId: string, kind: 'charge' | 'refund', key: string | undefined, id: string): void {
      if (key === undefined) return;
      const made = { id, at: clock.now() };
      idempotent.set(`${merchantId}\u0000${kind}\u0000${key}`, made);
      book.put('idempotent', `${merchantId}\u0000${kind}\u0000${key}`, made);
    },
    /** Records how delivery of the charge's latest notification went (`post.status`). */
    setPostStatus(charge: Charge, status: Charge['postStatus']): void {
      charge.postStatus = status;
      save(charge);
    },
    onEvent(listener: EventListener): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    reset(): void {
      book.clear();
      idempotent.clear();
      charges.clear();
      byToken.clear();
      refundBook.clear();
      expiring.clear();
      approving.clear();
      settings = { ...defaults };
    },
  };
}

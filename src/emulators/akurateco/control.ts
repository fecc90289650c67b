import type { EmulatorClock } from '../kit/clock.ts';
import { notifyingControl } from '../kit/control.ts';
import type { FaultQueue } from '../kit/faults.ts';
import type { Merchant, MerchantInput, MerchantRegistry } from './merchants.ts';
import { formatAmount } from './money.ts';
import type { AkuratecoNotifier } from './notify.ts';
import { complete, type Outcome, pagePath } from './outcomes.ts';
import { type RefundOutcome, refundable, settleRefund, sweepRefunds } from './refunds.ts';
import type { AkuratecoState, EventListener, Payment, Refund, Settings } from './state.ts';
import { statusJson } from './views.ts';

export const FAULT_OPERATIONS = ['session', 'status', 'refund', 'void'] as const;
/** Statuses the hosted page cannot produce, set over the control API. */
export const FORCED_STATUSES = ['pending', 'redirect', 'reversal', 'chargeback'] as const;
export type ForcedStatus = (typeof FORCED_STATUSES)[number];

type Json = Record<string, unknown>;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export type SweepResult = { expired: string[]; refunded: string[]; retried: number };
export type CompletionView =
  | { ok: true; status: string; redirect_url: string }
  | { ok: false; error: 'payment_not_found' | 'payment_not_open'; status?: string };
export type RefundResult =
  | { ok: true; refund: Json }
  | { ok: false; error: 'refund_not_found' }
  | { ok: false; error: 'refund_not_waiting'; refund: Json };

export type ControlParts = {
  state: AkuratecoState;
  clock: EmulatorClock;
  faults: FaultQueue;
  merchants: MerchantRegistry;
  notifier: AkuratecoNotifier;
  baseUrl(): string;
};

export type AkuratecoControl = ReturnType<typeof createControl>;

function refundView(refund: Refund, currency: string): Json {
  return {
    id: refund.id,
    payment_id: refund.paymentId,
    amount: formatAmount(refund.amount, currency),
    status: refund.status,
    created_at: iso(refund.createdAt),
    due_at: refund.status === 'waiting' ? iso(refund.dueAt) : null,
    settled_at: iso(refund.settledAt),
  };
}

export function createControl(parts: ControlParts) {
  const { state, clock, faults, merchants, notifier } = parts;
  const view = (p: Payment): Json => ({
    ...statusJson(p),
    _emulator: {
      merchant_key: p.merchantKey,
      page_url: `${parts.baseUrl()}${pagePath(p)}`,
      reason: p.reason ?? null,
      created_at: iso(p.createdAt),
      expires_at: iso(p.expiresAt),
      settled_at: iso(p.settledAt),
      refundable_amount: formatAmount(p.status === 'settled' ? refundable(p) : 0, p.order.currency),
      refunds: p.refunds.map((r) => refundView(r, p.order.currency)),
    },
  });
  const currencyOf = (refund: Refund): string => state.get(refund.paymentId)?.order.currency ?? 'QAR';
  /** Everything the emulator clock makes due: expired sessions, delayed refunds, callback retries. */
  const sweep = (): SweepResult => ({
    expired: state.sweepExpired().map((p) => p.id),
    refunded: sweepRefunds(state).map((r) => r.id),
    retried: notifier.sweepRetries(),
  });

  return {
    ...notifyingControl(clock, faults, notifier),
    advanceClock(ms: number): SweepResult & { now: string } {
      clock.advance(ms);
      return { now: clock.nowIso(), ...sweep() };
    },
    sweep,
    listPayments: (): Json[] => state.list().map(view),
    getPayment(id: string): Json | undefined {
      const payment = state.get(id);
      return payment && view(payment);
    },
    /** What the customer would do on the page; 3DS outcomes go through the 3-D Secure step too. */
    completePayment(id: string, outcome: Outcome): CompletionView {
      const payment = state.get(id);
      if (!payment) return { ok: false, error: 'payment_not_found' };
      const card = payment.card ?? { holder: payment.customer.name ?? 'Test Card', lastFour: '1111' };
      const result = complete(state, payment, outcome, { card, through3ds: true });
      if (!result.ok) return { ok: false, error: 'payment_not_open', status: payment.status };
      return { ok: true, status: payment.status, redirect_url: result.redirectUrl };
    },
    /** `chargeback` and `redirect` also send their callback (type chargeback / redirect, status success). */
    forceStatus(id: string, status: ForcedStatus, reason?: string): Json | undefined {
      const payment = state.get(id);
      if (!payment) return undefined;
      state.setStatus(payment, status, reason);
      if (status === 'chargeback' || status === 'redirect') state.emit(payment, status, 'success', reason);
      return view(payment);
    },
    listRefunds: (): Json[] => state.list().flatMap((p) => p.refunds.map((r) => refundView(r, p.order.currency))),
    settleRefund(id: string, outcome: RefundOutcome): RefundResult {
      const result = settleRefund(state, id, outcome);
      if (result.ok) return { ok: true, refund: refundView(result.refund, result.payment.order.currency) };
      if (result.reason === 'not_found') return { ok: false, error: 'refund_not_found' };
      return { ok: false, error: 'refund_not_waiting', refund: refundView(result.refund, currencyOf(result.refund)) };
    },
    settings: (): Settings => state.settings(),
    updateSettings: (patch: Partial<Settings>): Settings => state.updateSettings(patch),
    onEvent: (listener: EventListener): (() => void) => state.onEvent(listener),
    /** Throws TypeError on a malformed key or URL, or a key in use. */
    createMerchant: (input: MerchantInput = {}): Merchant => merchants.create(input),
    listMerchants: (): Merchant[] => merchants.list(),
    setNotificationUrl: (key: string, url: string | null): Merchant | undefined =>
      merchants.setNotificationUrl(key, url),
    /** The exact form body a callback carried. */
    notificationBody: (id: string): string | undefined => notifier.notification(id)?.body.toString('utf8'),
    /** Payments, faults, callbacks, clock and settings as at start; merchants back to the first. */
    reset(): void {
      state.reset();
      faults.clear();
      notifier.reset();
      merchants.reset();
      clock.reset();
    },
  };
}

import { voidWindowProblem } from './dates.ts';
import { refundId } from './ids.ts';
import type { AkuratecoState, Payment, Refund } from './state.ts';

export const REFUND_OUTCOMES = ['approve', 'decline'] as const;
export type RefundOutcome = (typeof REFUND_OUTCOMES)[number];

const sum = (refunds: Refund[], status: Refund['status']): number =>
  refunds.filter((r) => r.status === status).reduce((total, r) => total + r.amount, 0);

/** Amount still refundable: the order minus refunds that succeeded or are waiting. */
export const refundable = (payment: Payment): number =>
  payment.order.amount - sum(payment.refunds, 'success') - sum(payment.refunds, 'waiting');

export const refundedAmount = (payment: Payment): number => sum(payment.refunds, 'success');

export type RefundRequest =
  | { ok: true; refund: Refund }
  | { ok: false; reason: 'not_settled' | 'too_large' | 'nothing_left' | 'bad_amount' };

/** Accepts a refund of `amount` minor units (undefined: all that is left) of a settled payment. */
export function requestRefund(state: AkuratecoState, payment: Payment, amount: number | undefined): RefundRequest {
  if (payment.status !== 'settled') return { ok: false, reason: 'not_settled' };
  const left = refundable(payment);
  if (left <= 0) return { ok: false, reason: 'nothing_left' };
  const value = amount ?? left;
  if (value <= 0) return { ok: false, reason: 'bad_amount' };
  if (value > left) return { ok: false, reason: 'too_large' };
  const now = state.clock.now();
  const delay = state.settings().refundApprovalDelayMs;
  const refund: Refund = {
    id: refundId(),
    paymentId: payment.id,
    amount: value,
    status: 'waiting',
    createdAt: now,
    dueAt: delay === null ? null : now + delay,
    settledAt: null,
  };
  state.addRefund(payment, refund);
  return { ok: true, refund };
}

export type RefundSettlement =
  | { ok: true; refund: Refund; payment: Payment }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_waiting'; refund: Refund };

/** Ends a waiting refund; a success that completes the order amount makes the payment `refund`. */
export function settleRefund(state: AkuratecoState, id: string, outcome: RefundOutcome): RefundSettlement {
  const found = state.findRefund(id);
  if (!found) return { ok: false, reason: 'not_found' };
  const { refund, payment } = found;
  if (refund.status !== 'waiting') return { ok: false, reason: 'not_waiting', refund };
  refund.status = outcome === 'approve' ? 'success' : 'fail';
  refund.settledAt = state.clock.now();
  if (refund.status === 'success' && refundedAmount(payment) >= payment.order.amount) {
    state.setStatus(payment, 'refund');
  }
  if (refund.status === 'success') state.emit(payment, 'refund', 'success');
  else state.emit(payment, 'refund', 'fail', 'Refund declined by processing');
  return { ok: true, refund, payment };
}

/** Approves every waiting refund whose delay has passed on the emulator clock; returns them. */
export function sweepRefunds(state: AkuratecoState): Refund[] {
  const due = state.dueRefunds();
  for (const refund of due) settleRefund(state, refund.id, 'approve');
  return due;
}

export type VoidResult = { ok: true; voided: boolean; reason?: string } | { ok: false; reason: 'not_settled' };

/**
 * TESS void: settled payments only, on the Qatar calendar day of the settlement before 21:00.
 * Outside the window (or with refunds on it) the payment stays settled and `reason` says why.
 */
export function voidPayment(state: AkuratecoState, payment: Payment): VoidResult {
  if (payment.status !== 'settled' || payment.settledAt === null) return { ok: false, reason: 'not_settled' };
  if (payment.refunds.some((r) => r.status !== 'fail')) {
    return { ok: true, voided: false, reason: 'Void is not possible for a payment with refunds' };
  }
  const problem = voidWindowProblem(payment.settledAt, state.clock.now());
  if (problem !== null) return { ok: true, voided: false, reason: problem };
  state.setStatus(payment, 'void');
  state.emit(payment, 'void', 'success');
  return { ok: true, voided: true };
}

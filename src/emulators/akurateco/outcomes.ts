import { normalizeCardNumber } from '../kit/card-form.ts';
import {
  type AkuratecoState,
  CANCEL_REASON,
  DECLINE_REASON,
  isOpen,
  type Payment,
  THREE_DS_DECLINE_REASON,
} from './state.ts';

/** What the customer does on the hosted page (also `POST /__control/payments/{id}/complete`). */
export const OUTCOMES = ['approve', 'decline', 'cancel', '3ds_success', '3ds_fail'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Akurateco test engine card (providers.md §4.7): the expiry month picks the outcome. */
export const TEST_CARD = '4111111111111111';
export const TEST_CVV = '411';
export const TEST_MONTHS: Readonly<Record<string, Outcome>> = {
  '01': 'approve',
  '02': 'decline',
  '05': '3ds_success',
  '06': '3ds_fail',
};

/** Test card: by month (other months settle); any other card that got this far settles. */
export function cardOutcome(cardNumber: string, expiry: string): Outcome {
  if (normalizeCardNumber(cardNumber) !== TEST_CARD) return 'approve';
  const month = expiry.trim().slice(0, 2);
  return TEST_MONTHS[month] ?? 'approve';
}

export type Completion =
  | { ok: true; payment: Payment; redirectUrl: string }
  | { ok: false; reason: 'not_open'; payment: Payment };

/** Where the customer lands: declines go to `cancel_url` when given (there is no decline URL), else `success_url`. */
export function landingUrl(payment: Payment): string {
  if (payment.status === 'settled') return payment.urls.success;
  return payment.urls.cancel ?? payment.urls.success;
}

/** The hosted page itself, which shows the 3-D Secure step while the status is `3ds`. */
export const pagePath = (payment: Payment): string => `/checkout/${payment.token}`;

function finishSale(state: AkuratecoState, payment: Payment, success: boolean, reason: string): void {
  payment.threeDsResult = null;
  if (success) {
    state.setStatus(payment, 'settled');
    state.emit(payment, 'sale', 'success');
  } else {
    state.setStatus(payment, 'decline', reason);
    state.emit(payment, 'sale', 'fail', reason);
  }
}

/**
 * Applies an outcome to an open payment. From `prepare`, a 3DS outcome stops at the 3-D Secure
 * step (callback `type=3ds`) unless `through3ds` (the control API) also finishes it; from `3ds`,
 * only the step's own result (or cancel) applies.
 */
export function complete(
  state: AkuratecoState,
  payment: Payment,
  outcome: Outcome,
  options: { card?: Payment['card']; through3ds?: boolean } = {},
): Completion {
  state.expireIfDue(payment);
  if (!isOpen(payment)) return { ok: false, reason: 'not_open', payment };
  if (options.card) payment.card = options.card;
  if (outcome === 'cancel') {
    payment.threeDsResult = null;
    // Nothing was charged, so there is no sale callback.
    state.setStatus(payment, 'decline', CANCEL_REASON);
    return { ok: true, payment, redirectUrl: payment.urls.cancel ?? payment.urls.success };
  }
  if (payment.status === '3ds') {
    const success = outcome === '3ds_success' || (outcome === 'approve' && payment.threeDsResult !== 'fail');
    finishSale(state, payment, success, THREE_DS_DECLINE_REASON);
    return { ok: true, payment, redirectUrl: landingUrl(payment) };
  }
  if (outcome === '3ds_success' || outcome === '3ds_fail') {
    state.setStatus(payment, '3ds');
    payment.threeDsResult = outcome === '3ds_success' ? 'success' : 'fail';
    state.emit(payment, '3ds', 'success');
    if (!options.through3ds) return { ok: true, payment, redirectUrl: pagePath(payment) };
    finishSale(state, payment, outcome === '3ds_success', THREE_DS_DECLINE_REASON);
    return { ok: true, payment, redirectUrl: landingUrl(payment) };
  }
  finishSale(state, payment, outcome === 'approve', DECLINE_REASON);
  return { ok: true, payment, redirectUrl: landingUrl(payment) };
}

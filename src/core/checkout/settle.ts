/**
 * A payment of a session was captured: the session completes with it. A capture of a second
 * payment after that (a provider that captured a payment it had reported failed or canceled) is
 * refunded in full at once, and the refund carries the session in its metadata.
 */
import type { Payment } from '../payment/payment.ts';
import { createRefund } from '../services/refunds.ts';
import { type CheckoutDeps, sessionEvent } from './deps.ts';
import { type CheckoutSession, isPaid, SESSION_METADATA_KEY, transitionSession } from './session.ts';

/** What a capture of a session's payment did to the session. */
export type SettleOutcome = 'completed' | 'already_complete' | 'refunded_extra' | 'not_paid' | 'foreign';

/**
 * A payment of the session was captured: the session completes with it (its event written with
 * the change). A capture of another payment after that is refunded in full, once.
 */
export async function settleSessionPayment(
  deps: CheckoutDeps,
  sessionId: string,
  paymentId: string,
): Promise<SettleOutcome> {
  const payment = await deps.payment.payments.getById(paymentId);
  if (!payment || !isPaid(payment.status)) return 'not_paid';
  const outcome = await deps.sessions.hold<SettleOutcome>(sessionId, (session) => {
    if (session.accountId !== payment.accountId || !session.paymentIds.includes(paymentId)) {
      return { result: 'foreign' };
    }
    if (session.status === 'complete') {
      return { result: session.paymentId === paymentId ? 'already_complete' : 'refunded_extra' };
    }
    const status = transitionSession(session.status, 'payment_captured');
    if (status === undefined) return { result: 'refunded_extra' };
    const now = deps.payment.clock.now();
    const next: CheckoutSession = {
      ...session,
      status,
      paymentId,
      attemptLockedUntil: null,
      completedAt: now,
      updatedAt: now,
    };
    return { next, outbox: { events: [sessionEvent(deps, next)] }, result: 'completed' };
  });
  if (outcome === undefined) return 'foreign';
  if (outcome === 'refunded_extra') await refundExtra(deps, sessionId, payment);
  return outcome;
}

async function refundExtra(deps: CheckoutDeps, sessionId: string, payment: Payment): Promise<void> {
  if (payment.amountRefunded + payment.amountRefundPending > 0 || payment.status !== 'captured') return;
  deps.payment.log.warn(
    { sessionId, paymentId: payment.id },
    'a second payment of a checkout session was captured; refunding it',
  );
  const { rejection } = await createRefund(
    deps.payment,
    { accountId: payment.accountId, mode: payment.mode, apiKeyId: '' },
    payment.id,
    { reason: 'checkout session already paid', metadata: { [SESSION_METADATA_KEY]: sessionId } },
  );
  if (rejection) {
    deps.payment.log.error(
      { sessionId, paymentId: payment.id, code: rejection.code },
      'refund of a second captured payment of a checkout session was refused; refund it by hand',
    );
  }
}

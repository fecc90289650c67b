import { mergeParts } from '../payment/parts.ts';
import type { Payment } from '../payment/payment.ts';
import { type PaymentStatus, transition } from '../payment/status.ts';
import type { ProviderPaymentSnapshot } from '../ports.ts';
import type { PaymentDeps } from './deps.ts';
import { updatePayment } from './update-payment.ts';

/** Where a piece of provider news came from; decides what a bare `pending` means. */
export type UpdateSource = 'create' | 'customer_return' | 'poll' | 'notification';

/** What the provider's `pending` means for us, given where the news came from. */
export function offeredStatus(snapshot: ProviderPaymentSnapshot, source: UpdateSource): PaymentStatus {
  // Refunded amounts come from refund objects, never from the payment's own status word.
  if (snapshot.status === 'refunded' || snapshot.status === 'partially_refunded') return 'captured';
  if (snapshot.status !== 'pending') return snapshot.status;
  // The customer came back (or the provider says capture is pending): no action left for them.
  return source === 'customer_return' ? 'processing' : 'requires_action';
}

/**
 * Applies the provider's view of a payment through the state machine. Stale news (duplicates,
 * late or reordered notifications) changes nothing and is logged.
 */
export async function applyProviderUpdate(
  deps: Pick<PaymentDeps, 'payments' | 'clock' | 'log' | 'ids'>,
  payment: Payment,
  snapshot: ProviderPaymentSnapshot,
  source: UpdateSource,
): Promise<Payment> {
  const offered = offeredStatus(snapshot, source);
  const money = snapshot.money;
  if (money && (money.amount !== payment.amount || money.currency !== payment.currency)) {
    // Never record a status for an amount other than the one the merchant asked for.
    deps.log.error(
      { paymentId: payment.id, expected: { amount: payment.amount, currency: payment.currency }, reported: money },
      'provider reports another amount for this payment: update not applied',
    );
    return payment;
  }
  return updatePayment(deps, payment, (fresh) => {
    const now = deps.clock.now();
    const merged = snapshot.parts ? mergeParts(fresh.parts, snapshot.parts, fresh.amount, now) : undefined;
    if (merged?.kind === 'mismatch') {
      // Never record shares that would mis-state the amount owed: the status still moves.
      deps.log.error(
        { paymentId: fresh.id, amount: fresh.amount, sharesTotal: merged.total },
        'provider reports shares that do not add up to the payment: shares not recorded',
      );
    }
    const parts = merged?.kind === 'changed' ? merged.parts : fresh.parts;
    const t = transition(fresh.status, offered, { canceledByMerchant: fresh.canceledBy === 'merchant' });
    if (t.kind === 'stale') {
      deps.log.debug(
        {
          paymentId: fresh.id,
          status: fresh.status,
          offered,
          providerStatus: snapshot.providerStatus,
          source,
        },
        'stale provider update ignored',
      );
      return merged?.kind === 'changed' ? { ...fresh, parts, updatedAt: now } : undefined;
    }
    deps.log.info(
      {
        paymentId: fresh.id,
        from: t.from,
        to: t.to,
        providerStatus: snapshot.providerStatus,
        source,
      },
      'payment status changed',
    );
    const failed = t.to === 'failed';
    const paidShares = parts.filter((p) => p.status === 'paid');
    if ((t.to === 'expired' || t.to === 'canceled') && paidShares.length > 0) {
      // Money some payers gave for a bill that was never completed: someone must see it returned.
      deps.log.error(
        { paymentId: fresh.id, status: t.to, paidShares: paidShares.map((p) => ({ id: p.id, amount: p.amount })) },
        'split bill ended unpaid with shares already paid: check with the provider that they are returned',
      );
    }
    if (t.from === 'canceled') {
      deps.log.error(
        { paymentId: fresh.id, providerStatus: snapshot.providerStatus },
        'captured after the merchant canceled: refund it',
      );
    }
    return {
      ...fresh,
      parts,
      capturedAfterCancel: fresh.capturedAfterCancel || t.from === 'canceled',
      capturedAt: t.to === 'captured' ? (fresh.capturedAt ?? now) : fresh.capturedAt,
      status: t.to,
      providerStatus: snapshot.providerStatus,
      nextActionUrl: t.to === 'requires_action' ? fresh.nextActionUrl : null,
      failureCode: failed ? 'provider_declined' : fresh.failureCode,
      failureMessage: failed ? (snapshot.failureMessage ?? 'The payment was declined.') : fresh.failureMessage,
      updatedAt: now,
    };
  });
}

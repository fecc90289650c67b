import type { ProviderPaymentSnapshot } from '../connector-contract.ts';
import { mergeParts } from '../payment/parts.ts';
import type { Payment } from '../payment/payment.ts';
import { type PaymentStatus, transition } from '../payment/status.ts';
import type { PaymentDeps } from './deps.ts';
import { type CarriedNotification, updatePayment } from './update-payment.ts';

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
 * The payment's shares once the provider's news is merged in: unchanged when the news carries
 * none, or when they do not add up to the payment (never recorded: they would mis-state what
 * is owed; logged). The status still moves either way.
 */
export function partsAfter(
  deps: Pick<PaymentDeps, 'clock' | 'log'>,
  fresh: Payment,
  snapshot: ProviderPaymentSnapshot | null,
): { readonly parts: Payment['parts']; readonly changed: boolean } {
  if (!snapshot?.parts) return { parts: fresh.parts, changed: false };
  const merged = mergeParts(fresh.parts, snapshot.parts, fresh.amount, deps.clock.now());
  if (merged.kind === 'mismatch') {
    deps.log.error(
      { paymentId: fresh.id, amount: fresh.amount, sharesTotal: merged.total },
      'provider reports shares that do not add up to the payment: shares not recorded',
    );
  }
  return merged.kind === 'changed' ? { parts: merged.parts, changed: true } : { parts: fresh.parts, changed: false };
}

/**
 * A split bill that ended unpaid while some payers had paid their shares: that money must be
 * seen returned, so the operator is told.
 */
export function reportPaidSharesLeft(
  deps: Pick<PaymentDeps, 'log'>,
  paymentId: string,
  status: 'expired' | 'canceled',
  parts: Payment['parts'],
): void {
  const paid = parts.filter((p) => p.status === 'paid');
  if (paid.length === 0) return;
  deps.log.error(
    { paymentId, status, paidShares: paid.map((p) => ({ id: p.id, amount: p.amount })) },
    'split bill ended unpaid with shares already paid: check with the provider that they are returned',
  );
}

/**
 * Applies the provider's view of a payment through the state machine. Stale news (duplicates,
 * late or reordered notifications) changes nothing and is logged. The notification that
 * brought the news, when given, is stored with the change (see {@link updatePayment}).
 */
export async function applyProviderUpdate(
  deps: Pick<PaymentDeps, 'payments' | 'clock' | 'log' | 'ids' | 'connectors'>,
  payment: Payment,
  snapshot: ProviderPaymentSnapshot,
  source: UpdateSource,
  notification?: CarriedNotification,
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
  return updatePayment(
    deps,
    payment,
    (fresh) => {
      const now = deps.clock.now();
      const { parts, changed } = partsAfter(deps, fresh, snapshot);
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
        return changed ? { ...fresh, parts, updatedAt: now } : undefined;
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
      if (t.to === 'expired' || t.to === 'canceled') reportPaidSharesLeft(deps, fresh.id, t.to, parts);
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
    },
    notification,
  );
}

import { BawabaError } from '../errors.ts';
import type { Payment } from '../payment/payment.ts';
import { stillWatched } from '../payment/status.ts';
import type { CustomerReturnOutcome } from '../repositories.ts';
import { applyProviderUpdate } from './apply-provider-update.ts';
import type { PaymentDeps } from './deps.ts';

/** Where to send the customer after their return, and the payment as it now stands. */
export interface ReturnResult {
  readonly payment: Payment;
  readonly redirectUrl: string;
}

/**
 * The customer came back from the provider's page. The redirect proves nothing: Bawaba asks
 * the provider about the reference it carries, and applies the answer only if it is about this
 * very payment. A forged, foreign or expired reference falls back to asking about the payment's
 * own provider id, and a bare `pending` from that lookup changes nothing.
 */
export async function handleCustomerReturn(
  deps: PaymentDeps,
  paymentId: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<ReturnResult> {
  let payment = await deps.payments.getById(paymentId);
  if (!payment) throw new BawabaError('resource_not_found', `No payment ${paymentId}.`);
  const connector = deps.connectors.get(payment.connector);
  const account = await deps.connectorAccounts.get(payment.connectorAccountId);
  const providerId = payment.providerPaymentId;
  let outcome: CustomerReturnOutcome = 'not_asked';
  if (connector && account && providerId && stillWatched(payment.status, payment.canceledBy)) {
    const log = { paymentId: payment.id, connector: connector.id };
    const reference = connector.returnReference(query);
    /** The reference was answered about, and it is not this payment. */
    let unproven = false;
    if (reference) {
      const found = await connector.retrievePayment(account, reference);
      if (found.kind === 'found' && found.snapshot.providerPaymentId === providerId) {
        payment = await applyProviderUpdate(deps, payment, found.snapshot, 'customer_return');
        outcome = 'confirmed';
      } else {
        const other = found.kind === 'found' ? found.snapshot.providerPaymentId : undefined;
        deps.log.warn({ ...log, outcome: found.kind, other }, 'return reference does not prove this payment');
        unproven = found.kind !== 'unknown';
      }
    }
    if (outcome !== 'confirmed' && stillWatched(payment.status, payment.canceledBy)) {
      const own = await connector.retrievePayment(account, providerId);
      if (own.kind === 'found' && own.snapshot.status !== 'pending') {
        payment = await applyProviderUpdate(deps, payment, own.snapshot, 'poll');
        outcome = 'looked_up';
      } else {
        if (own.kind !== 'found')
          deps.log.warn({ ...log, outcome: own.kind }, 'provider lookup on return gave no answer');
        outcome = unproven ? 'reference_unproven' : own.kind === 'found' ? 'still_pending' : 'no_answer';
      }
    }
  }
  await recordReturn(deps, payment, outcome);
  return { payment, redirectUrl: merchantReturnUrl(payment) };
}

/** Kept for the payment's timeline; a failure to keep it never stops the customer. */
async function recordReturn(deps: PaymentDeps, payment: Payment, outcome: CustomerReturnOutcome): Promise<void> {
  try {
    await deps.customerReturns.record({
      id: deps.ids.next('ret'),
      paymentId: payment.id,
      returnedAt: deps.clock.now(),
      outcome,
      status: payment.status,
    });
  } catch (err) {
    deps.log.warn({ paymentId: payment.id, err: String(err) }, 'could not record the customer return');
  }
}

/** The merchant's `return_url` with `payment_id` and `status` added (existing query kept). */
export function merchantReturnUrl(payment: Payment): string {
  const url = new URL(payment.returnUrl);
  url.searchParams.set('payment_id', payment.id);
  url.searchParams.set('status', payment.status);
  return url.toString();
}

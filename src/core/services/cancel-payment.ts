import { BawabaError } from '../errors.ts';
import type { Payment } from '../payment/payment.ts';
import type { Principal } from '../ports.ts';
import type { PaymentDeps } from './deps.ts';
import { updatePayment } from './update-payment.ts';

/**
 * Cancels a payment still waiting for the customer. Where the provider has no cancel call
 * (QPay), the cancel is recorded here and the provider's session left to expire; the payment
 * is still watched until then, and a capture that happens anyway is recorded, not lost.
 */
export async function cancelPayment(deps: PaymentDeps, principal: Principal, paymentId: string): Promise<Payment> {
  const payment = await deps.payments.get(principal.accountId, principal.mode, paymentId);
  if (!payment) throw new BawabaError('resource_not_found', `No such payment: ${paymentId}.`, 'id');
  const cancel = deps.connectors.get(payment.connector)?.capabilities.cancel;
  if (!cancel) throw new BawabaError('cancel_not_supported', `${payment.connector} cannot cancel payments.`);
  const after = await updatePayment(deps, payment, (fresh) =>
    cancel.statuses.includes(fresh.status)
      ? { ...fresh, status: 'canceled', canceledBy: 'merchant', nextActionUrl: null, updatedAt: deps.clock.now() }
      : undefined,
  );
  if (after.status !== 'canceled' || after.canceledBy !== 'merchant') {
    throw new BawabaError(
      'payment_not_cancelable',
      `The payment is ${after.status}; it can no longer be canceled.`,
      'id',
    );
  }
  deps.log.info({ paymentId, at: cancel.at }, 'payment canceled by the merchant');
  return after;
}

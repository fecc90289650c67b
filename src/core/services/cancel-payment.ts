import type { Connector } from '../connector-contract.ts';
import { BawabaError } from '../errors.ts';
import type { Payment } from '../payment/payment.ts';
import type { PaymentStatus } from '../payment/status.ts';
import type { Principal } from '../repositories.ts';
import { applyProviderUpdate, partsAfter, reportPaidSharesLeft } from './apply-provider-update.ts';
import type { PaymentDeps } from './deps.ts';
import { updatePayment } from './update-payment.ts';

/**
 * Cancels a payment. One still waiting for the customer is canceled here: where the provider
 * has no cancel call (QPay), its session is left to expire, the payment is watched until then,
 * and a capture that happens anyway is recorded, not lost. A captured one is voided at the
 * provider, where the connector can, within the provider's same-day window (checked first).
 */
export async function cancelPayment(deps: PaymentDeps, principal: Principal, paymentId: string): Promise<Payment> {
  const payment = await deps.payments.get(principal.accountId, principal.mode, paymentId);
  if (!payment) throw new BawabaError('resource_not_found', `No such payment: ${paymentId}.`, 'id');
  const connector = deps.connectors.get(payment.connector);
  if (payment.status === 'captured' && connector?.capabilities.void) return voidCaptured(deps, connector, payment);
  const cancel = connector?.capabilities.cancel;
  if (!cancel) throw new BawabaError('cancel_not_supported', `${payment.connector} cannot cancel payments.`);
  if (cancel.at === 'provider' && connector) return cancelAtProvider(deps, connector, payment, cancel.statuses);
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

function notCancelable(payment: Payment): BawabaError {
  return new BawabaError(
    'payment_not_cancelable',
    `The payment is ${payment.status}; it can no longer be canceled.`,
    'id',
  );
}

/**
 * Cancels at a provider that has a cancel call: the provider decides. Canceled there,
 * the payment is canceled here; refused (it was paid meanwhile, say), the payment takes the
 * provider's word and the merchant is told it can no longer be canceled; unanswered, nothing
 * changes and the merchant may try again.
 */
async function cancelAtProvider(
  deps: PaymentDeps,
  connector: Connector,
  payment: Payment,
  statuses: readonly PaymentStatus[],
): Promise<Payment> {
  const account = await deps.connectorAccounts.get(payment.connectorAccountId);
  if (!statuses.includes(payment.status)) throw notCancelable(payment);
  if (!connector.cancelPayment || !account || payment.providerPaymentId === null) {
    throw new BawabaError('cancel_not_supported', `${connector.id} cannot cancel this payment.`);
  }
  const providerId = payment.providerPaymentId;
  const outcome = await connector.cancelPayment(account, providerId);
  if (outcome.kind === 'unknown') {
    throw new BawabaError(
      'provider_unavailable',
      `The cancel's outcome is unknown (${outcome.reason}); the payment is unchanged. Try again.`,
      undefined,
      { payment_id: payment.id },
    );
  }
  if (outcome.kind === 'rejected') {
    const found = await connector.retrievePayment(account, providerId);
    const now = found.kind === 'found' ? await applyProviderUpdate(deps, payment, found.snapshot, 'poll') : payment;
    if (outcome.failure.code === 'provider_unavailable') {
      throw new BawabaError('provider_unavailable', outcome.failure.message, undefined, { payment_id: payment.id });
    }
    throw new BawabaError(
      'payment_not_cancelable',
      `${connector.id} refused the cancel (${outcome.failure.message}); the payment is ${now.status}.`,
      'id',
      { payment_id: payment.id },
    );
  }
  const snapshot = outcome.snapshot;
  const after = await updatePayment(deps, payment, (fresh) => {
    if (!statuses.includes(fresh.status)) return undefined;
    const { parts } = partsAfter(deps, fresh, snapshot);
    reportPaidSharesLeft(deps, fresh.id, 'canceled', parts);
    return {
      ...fresh,
      status: 'canceled',
      canceledBy: 'merchant',
      nextActionUrl: null,
      parts,
      providerStatus: snapshot?.providerStatus ?? fresh.providerStatus,
      updatedAt: deps.clock.now(),
    };
  });
  if (after.status !== 'canceled') throw notCancelable(after);
  deps.log.info({ paymentId: payment.id, at: 'provider' }, 'payment canceled at the provider by the merchant');
  return after;
}

/** True while `now` is on the capture's calendar day in the provider's zone and before the cut-off. */
export function withinVoidWindow(
  capturedAt: number,
  now: number,
  rule: { utcOffsetMinutes: number; cutoffHour: number },
): boolean {
  const local = (t: number) => new Date(t + rule.utcOffsetMinutes * 60_000);
  const c = local(capturedAt);
  const n = local(now);
  const sameDay = c.toISOString().slice(0, 10) === n.toISOString().slice(0, 10);
  return sameDay && n.getUTCHours() < rule.cutoffHour;
}

async function voidCaptured(deps: PaymentDeps, connector: Connector, payment: Payment): Promise<Payment> {
  const rule = connector.capabilities.void;
  const account = await deps.connectorAccounts.get(payment.connectorAccountId);
  if (!rule || !connector.voidPayment || !account || payment.providerPaymentId === null) {
    throw new BawabaError('cancel_not_supported', `${connector.id} cannot void this payment.`);
  }
  if (payment.amountRefunded + payment.amountRefundPending > 0) {
    throw new BawabaError('payment_not_cancelable', 'A payment with refunds cannot be voided.', 'id');
  }
  if (!withinVoidWindow(payment.capturedAt ?? payment.updatedAt, deps.clock.now(), rule)) {
    throw new BawabaError('void_window_closed', undefined, 'id');
  }
  const outcome = await connector.voidPayment(account, payment.providerPaymentId);
  if (outcome.kind === 'rejected') {
    const code = outcome.failure.code === 'provider_unavailable' ? 'provider_unavailable' : 'payment_not_cancelable';
    throw new BawabaError(code, outcome.failure.message, 'id', { payment_id: payment.id });
  }
  if (outcome.kind === 'unknown') {
    throw new BawabaError(
      'provider_unavailable',
      `The void's outcome is unknown (${outcome.reason}); the payment is unchanged.`,
      undefined,
      {
        payment_id: payment.id,
      },
    );
  }
  return updatePayment(deps, payment, (fresh) =>
    fresh.status === 'captured'
      ? { ...fresh, status: 'canceled', canceledBy: 'merchant', updatedAt: deps.clock.now() }
      : undefined,
  );
}

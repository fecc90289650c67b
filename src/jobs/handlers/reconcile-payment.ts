import type { Job } from '../../core/event-ports.ts';
import type { PaymentDeps } from '../../core/services/deps.ts';
import { reconcilePayment } from '../../core/services/reconcile-payment.ts';
import { reconcileRefund } from '../../core/services/refunds.ts';
import type { HandlerResult } from '../worker.ts';

/** Watches one unsettled payment until the provider settles it (see `reconcilePayment`). */
export async function reconcilePaymentJob(deps: PaymentDeps, job: Job): Promise<HandlerResult> {
  const result = await reconcilePayment(
    deps,
    job.payload.payment_id ?? '',
    job.attempts,
    job.runAt,
    job.payload.now === 'true',
  );
  return result.done ? undefined : { retryAt: result.retryAt };
}

/** Watches one pending refund until the provider decides (see `reconcileRefund`). */
export async function reconcileRefundJob(deps: PaymentDeps, job: Job): Promise<HandlerResult> {
  const result = await reconcileRefund(deps, job.payload.refund_id ?? '', job.attempts);
  return result.done ? undefined : { retryAt: result.retryAt };
}

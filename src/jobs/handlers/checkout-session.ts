import type { Job } from '../../core/event-ports.ts';
import { type CheckoutDeps, expireDueSession, settleSessionPayment } from '../../core/services/checkout-sessions.ts';
import type { HandlerResult } from '../worker.ts';

/**
 * A checkout session's jobs: `expire` when its time is up (again later while a payment is in
 * flight), `settle` when one of its payments was captured.
 */
export async function checkoutSessionJob(deps: CheckoutDeps | undefined, job: Job): Promise<HandlerResult> {
  if (deps === undefined) throw new Error('checkout sessions are not wired to this worker');
  const sessionId = job.payload.session_id ?? '';
  if (job.payload.action === 'settle') {
    const outcome = await settleSessionPayment(deps, sessionId, job.payload.payment_id ?? '');
    deps.payment.log.info(
      { sessionId, paymentId: job.payload.payment_id, outcome },
      'checkout session payment settled',
    );
    return undefined;
  }
  const retryAt = await expireDueSession(deps, sessionId);
  return retryAt === undefined ? undefined : { retryAt };
}

import type { JobQueueName } from '../../core/event-ports.ts';
import type { CheckoutDeps } from '../../core/services/checkout-sessions.ts';
import type { NotificationDeps } from '../../core/services/receive-notification.ts';
import type { JobHandler } from '../worker.ts';
import { checkoutSessionJob } from './checkout-session.ts';
import { type DeliverDeps, deliverWebhook } from './deliver-webhook.ts';
import { processNotificationJob } from './process-notification.ts';
import { reconcilePaymentJob, reconcileRefundJob } from './reconcile-payment.ts';

/** The handler of every queue. */
export function createHandlers(deps: {
  readonly deliver: DeliverDeps;
  readonly notifications: NotificationDeps;
  readonly checkout?: CheckoutDeps;
}): Record<JobQueueName, JobHandler> {
  return {
    deliver_webhook: (job) => deliverWebhook(deps.deliver, job),
    reconcile_payment: (job) => reconcilePaymentJob(deps.notifications, job),
    reconcile_refund: (job) => reconcileRefundJob(deps.notifications, job),
    process_notification: (job) => processNotificationJob(deps.notifications, job),
    checkout_session: (job) => checkoutSessionJob(deps.checkout, job),
  };
}

import { SESSION_METADATA_KEY } from '../checkout/session.ts';
import type { DomainEvent, NewJob, Outbox } from '../event-ports.ts';
import { newlyPaid } from '../payment/parts.ts';
import type { Payment, PaymentPart } from '../payment/payment.ts';
import { isTerminal } from '../payment/status.ts';
import { partEventView, paymentView } from '../payment/view.ts';
import type { PaymentDeps } from './deps.ts';

/** How long after its window a still-open payment is checked with the provider. */
export const EXPIRY_GRACE_MS = 60_000;
/**
 * How often an open split-bill payment is polled: the provider pushes nothing until the whole
 * bill is paid, and each share paid is news for the merchant (`payment.part_paid`).
 */
export const SPLIT_POLL_MS = 20_000;
/** When the customer is back but the provider has not settled yet. */
export const PROCESSING_RECHECK_MS = 30_000;
/** When the provider's answer at creation is unknown (beyond one provider time limit). */
export const CREATION_RECHECK_MS = 30_000;

/** The `payment.<status>` event of a payment that just entered its status. */
export function paymentEvent(
  deps: Pick<PaymentDeps, 'ids' | 'clock'>,
  payment: Payment,
  before?: Payment,
): DomainEvent {
  // A capture after the merchant's cancel is not an order to fulfil but money to give back.
  const afterCancel = before?.status === 'canceled' && payment.status === 'captured';
  return {
    id: deps.ids.next('evt'),
    accountId: payment.accountId,
    mode: payment.mode,
    type: afterCancel ? 'payment.captured_after_cancel' : `payment.${payment.status}`,
    objectId: payment.id,
    data: paymentView(payment),
    createdAt: deps.clock.now(),
  };
}

/** A split-bill payment whose window is still open: its shares are being paid. */
export function isOpenSplit(deps: Pick<PaymentDeps, 'connectors'>, payment: Payment, now: number): boolean {
  return (
    deps.connectors.get(payment.connector)?.capabilities.splitBill === true &&
    payment.status === 'requires_action' &&
    payment.expiresAt !== null &&
    now <= payment.expiresAt
  );
}

function partPaidEvent(deps: Pick<PaymentDeps, 'ids' | 'clock'>, payment: Payment, part: PaymentPart): DomainEvent {
  return {
    id: deps.ids.next('evt'),
    accountId: payment.accountId,
    mode: payment.mode,
    type: 'payment.part_paid',
    objectId: payment.id,
    data: partEventView(payment, part),
    createdAt: deps.clock.now(),
  };
}

/**
 * When a payment waiting for its customer is checked with the provider, after its payment link
 * was handed out: a customer usually pays within minutes, and a notification can be lost. A
 * handful of lookups per payment stays far inside every provider's rate limit.
 */
export const EARLY_CHECKS_MS: readonly number[] = [30_000, 60_000, 120_000, 300_000];

/**
 * When a payment that is not settled should next be checked with its provider; undefined
 * when nothing is left to find out (terminal, or captured: refunds bring their own news).
 */
export function nextCheckAt(deps: Pick<PaymentDeps, 'connectors'>, payment: Payment, now: number): number | undefined {
  if (payment.status === 'canceled' && payment.canceledBy === 'merchant' && payment.expiresAt !== null) {
    // Watch it until the provider's session is over: the customer may still pay.
    const end = payment.expiresAt + EXPIRY_GRACE_MS;
    return now < end ? end : undefined;
  }
  if (isTerminal(payment.status) || payment.status === 'captured' || payment.status === 'partially_refunded') {
    return undefined;
  }
  if (payment.status === 'processing' && payment.providerPaymentId === null) return now + CREATION_RECHECK_MS;
  if (payment.status === 'requires_action' && payment.expiresAt !== null) {
    const end = payment.expiresAt + EXPIRY_GRACE_MS;
    if (isOpenSplit(deps, payment, now) && now + SPLIT_POLL_MS < end) return now + SPLIT_POLL_MS;
    // While the customer is likely paying, a capture whose news was lost is found within minutes.
    const soon = EARLY_CHECKS_MS.map((offset) => payment.createdAt + offset).find((t) => t >= now && t < end);
    return soon ?? end;
  }
  return now + PROCESSING_RECHECK_MS;
}

/** The reconciliation job that watches one payment (one per payment: deduplicated by key). */
export function reconcileJob(deps: Pick<PaymentDeps, 'ids'>, payment: Payment, runAt: number): NewJob {
  return {
    id: deps.ids.next('job'),
    queue: 'reconcile_payment',
    payload: { payment_id: payment.id },
    runAt,
    maxAttempts: 1000,
    dedupeKey: reconcileKey(payment),
  };
}

function reconcileKey(payment: Payment): string {
  return `reconcile:${payment.id}`;
}

/**
 * The job of a webhook delivery sent again outside any state change (a redelivery by hand, a
 * test event): due at `runAt`, in its endpoint's group so one endpoint's deliveries go in order.
 */
export function manualDeliveryJob(
  deps: Pick<PaymentDeps, 'ids'>,
  deliveryId: string,
  endpointId: string,
  runAt: number,
): NewJob {
  return {
    id: deps.ids.next('job'),
    queue: 'deliver_webhook',
    payload: { delivery_id: deliveryId },
    runAt,
    maxAttempts: 20,
    groupKey: endpointId,
  };
}

/**
 * A one-off check of a payment with its provider as soon as a worker can (news hinted at it but
 * the provider could not be asked then), beside the job that watches it on its schedule. One at
 * a time per payment; a few tries with back-off when the provider still does not answer.
 */
export function checkNowJob(deps: Pick<PaymentDeps, 'ids'>, payment: Payment, runAt: number): NewJob {
  return {
    id: deps.ids.next('job'),
    queue: 'reconcile_payment',
    payload: { payment_id: payment.id, now: 'true' },
    runAt,
    maxAttempts: 6,
    dedupeKey: `check-now:${payment.id}`,
  };
}

/**
 * A payment made on a checkout session was captured: the session completes (or, already paid by
 * another payment, has this one refunded) in a job written with the capture.
 */
function sessionPaidJob(deps: Pick<PaymentDeps, 'ids'>, sessionId: string, payment: Payment): NewJob {
  return {
    id: deps.ids.next('job'),
    queue: 'checkout_session',
    payload: { session_id: sessionId, payment_id: payment.id, action: 'settle' },
    runAt: payment.updatedAt,
    maxAttempts: 1000,
    dedupeKey: `checkout-settle:${payment.id}`,
  };
}

/** What storing `next` over `before` writes with it: its event, and its next check. */
export function paymentOutbox(
  deps: Pick<PaymentDeps, 'ids' | 'clock' | 'connectors'>,
  before: Payment | undefined,
  next: Payment,
): Outbox {
  // Each share paid is its own event, before the payment's own status event (`payment.captured`).
  const parts = newlyPaid(before?.parts ?? [], next.parts).map((part) => partPaidEvent(deps, next, part));
  const status = before !== undefined && before.status !== next.status ? [paymentEvent(deps, next, before)] : [];
  const events = [...parts, ...status];
  const checkAt = nextCheckAt(deps, next, deps.clock.now());
  const jobs = checkAt === undefined ? [] : [reconcileJob(deps, next, checkAt)];
  // Settled by this change: its watch has nothing left to find out, and goes with it.
  const retiredJobs = checkAt === undefined && status.length > 0 ? [reconcileKey(next)] : [];
  const session = next.metadata[SESSION_METADATA_KEY];
  if (session !== undefined && next.status === 'captured' && before !== undefined && before.status !== 'captured') {
    jobs.push(sessionPaidJob(deps, session, next));
  }
  return { events, jobs, retiredJobs };
}

import type { Payment } from '../payment/payment.ts';
import { stillWatched } from '../payment/status.ts';
import { applyProviderUpdate } from './apply-provider-update.ts';
import { resumeCreation } from './create-payment.ts';
import type { PaymentDeps } from './deps.ts';
import { EXPIRY_GRACE_MS, isOpenSplit, nextCheckAt } from './outbox.ts';
import { updatePayment } from './update-payment.ts';

/**
 * How long a creation whose outcome is unknown is retried. The providers that honour idempotency
 * keys keep them 24 hours; past that a retry could no longer find the payment the first call may
 * have made.
 */
export const CREATION_RETRY_LIMIT_MS = 24 * 60 * 60_000;

/** What a reconciliation run decided: nothing more to watch, or look again at `retryAt`. */
export type ReconcileResult = { readonly done: true } | { readonly done: false; readonly retryAt: number };

/** Back-off between checks that got no answer: 10 s, 20 s, 40 s ... capped at 30 min. */
export function reconcileBackoffMs(attempt: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 30 * 60_000);
}

/**
 * Finds out what became of a payment that is not settled: resumes a creation whose outcome is
 * unknown, polls the provider otherwise, and applies what it says. Never fails a payment on a
 * provider fault; only a creation that could not be confirmed for 24 hours — when no customer
 * ever got a payment link — is marked failed with `provider_unavailable`.
 */
export async function reconcilePayment(
  deps: PaymentDeps,
  paymentId: string,
  attempt: number,
  scheduledAt?: number,
  /** A one-off check asked for now: it polls whatever the schedule says, once. */
  once = false,
): Promise<ReconcileResult> {
  const payment = await deps.payments.getById(paymentId);
  if (!payment) return { done: true };
  const now = deps.clock.now();
  // The check this run was scheduled for: a worker runs a job at or after its time, never
  // exactly on it, and a check that came due while it waited is still owed.
  const due = nextCheckAt(deps, payment, Math.min(scheduledAt ?? now, now));
  if (due === undefined) return { done: true };
  // A split bill is polled while open (its shares are news); anything else waits for its window.
  if (
    !once &&
    (payment.status === 'requires_action' || payment.status === 'canceled') &&
    due > now &&
    !isOpenSplit(deps, payment, now)
  ) {
    return { done: false, retryAt: due };
  }
  const after =
    payment.providerPaymentId === null ? await retryCreation(deps, payment) : await poll(deps, payment, attempt);
  if ('noAnswer' in after) {
    // Never sooner than the provider asked (its Retry-After), whatever the back-off says.
    return { done: false, retryAt: now + Math.max(reconcileBackoffMs(attempt), after.retryAfterMs ?? 0) };
  }
  if (once) return { done: true };
  const next = nextCheckAt(deps, after, deps.clock.now());
  if (next === undefined) return { done: true };
  if (isOpenSplit(deps, after, deps.clock.now())) return { done: false, retryAt: next };
  // Past its window and the provider still has no outcome: keep asking, less and less often.
  return { done: false, retryAt: Math.max(next, now + reconcileBackoffMs(attempt)) };
}

/** The provider never says a session ran out: past the window with no payment there, it did. */
function expireLocally(deps: PaymentDeps, payment: Payment): Promise<Payment> {
  deps.log.info({ paymentId: payment.id }, 'the provider session ran out with no payment: expired');
  return updatePayment(deps, payment, (fresh) =>
    fresh.status === 'requires_action' || (fresh.status === 'processing' && fresh.providerPaymentId !== null)
      ? { ...fresh, status: 'expired', nextActionUrl: null, updatedAt: deps.clock.now() }
      : undefined,
  );
}

/** The provider gave no answer; it may have said how long to leave it alone (`retryAfterMs`). */
interface NoAnswer {
  readonly noAnswer: true;
  readonly retryAfterMs?: number;
}

const NO_ANSWER: NoAnswer = { noAnswer: true };

async function retryCreation(deps: PaymentDeps, payment: Payment): Promise<Payment | NoAnswer> {
  const caps = deps.connectors.get(payment.connector)?.capabilities;
  // Where a create cannot be sent again safely, wait out the window: no customer ever had a
  // payment link, so whatever the provider may hold was never paid.
  const limit = caps?.idempotentCalls === false ? caps.paymentWindowMs : CREATION_RETRY_LIMIT_MS;
  if (deps.clock.now() - payment.createdAt > limit) {
    deps.log.warn({ paymentId: payment.id }, 'creation never confirmed by the provider: failing the payment');
    return updatePayment(deps, payment, (fresh) =>
      fresh.status !== 'processing' || fresh.providerPaymentId !== null
        ? undefined
        : {
            ...fresh,
            status: 'failed',
            failureCode: 'provider_unavailable',
            failureMessage: 'The provider could not be reached to create this payment.',
            updatedAt: deps.clock.now(),
          },
    );
  }
  if (caps?.idempotentCalls === false) return NO_ANSWER;
  const result = await resumeCreation(deps, payment);
  return result.payment.providerPaymentId === null && result.payment.status === 'processing'
    ? NO_ANSWER
    : result.payment;
}

async function poll(deps: PaymentDeps, payment: Payment, attempt: number): Promise<Payment | NoAnswer> {
  const connector = deps.connectors.get(payment.connector);
  const account = await deps.connectorAccounts.get(payment.connectorAccountId);
  if (
    !connector ||
    !account ||
    payment.providerPaymentId === null ||
    !stillWatched(payment.status, payment.canceledBy)
  ) {
    return payment;
  }
  const found = await connector.retrievePayment(account, payment.providerPaymentId);
  const overdue = payment.expiresAt !== null && deps.clock.now() > payment.expiresAt + EXPIRY_GRACE_MS;
  const nothingThere = found.kind === 'not_found' || (found.kind === 'found' && found.snapshot.status === 'pending');
  if (connector.capabilities.expiresSilently && overdue && nothingThere) return expireLocally(deps, payment);
  if (found.kind === 'found') return applyProviderUpdate(deps, payment, found.snapshot, 'poll');
  deps.log.warn(
    { paymentId: payment.id, outcome: found.kind, attempt },
    'reconciliation got no answer from the provider',
  );
  return found.kind === 'unknown' && found.retryAfterMs !== undefined
    ? { noAnswer: true, retryAfterMs: found.retryAfterMs }
    : NO_ANSWER;
}

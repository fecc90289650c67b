/** What the checkout use cases share: their dependencies, the page's address, the session's events. */
import type { DomainEvent } from '../event-ports.ts';
import type { PaymentDeps } from '../services/deps.ts';
import type { CheckoutSessionRepo } from './ports.ts';
import { type CheckoutSession, checkoutSessionView } from './session.ts';

/** What the checkout use cases need, wired by `main.ts`. */
export interface CheckoutDeps {
  readonly sessions: CheckoutSessionRepo;
  readonly payment: PaymentDeps;
}

/** How long an attempt holds its session while its payment is being created. */
export const ATTEMPT_LOCK_MS = 60_000;

/** The hosted page of a session. */
export function sessionUrl(deps: Pick<PaymentDeps, 'publicUrl'>, session: CheckoutSession): string {
  return `${deps.publicUrl.replace(/\/+$/, '')}/c/${session.token}`;
}

/** The session as the API shows it. */
export function sessionView(deps: Pick<PaymentDeps, 'publicUrl'>, session: CheckoutSession) {
  return checkoutSessionView(session, sessionUrl(deps, session));
}

/** True when a session can take a new payment now. */
export function isPayable(deps: Pick<PaymentDeps, 'clock'>, session: CheckoutSession): boolean {
  return session.status === 'open' && deps.clock.now() < session.expiresAt;
}

/** True while an attempt is creating the session's payment (its hold has not lapsed). */
export function attemptHeld(deps: CheckoutDeps, session: CheckoutSession): boolean {
  return session.attemptLockedUntil !== null && session.attemptLockedUntil > deps.payment.clock.now();
}

/** The event of a session that just ended: `checkout.session.completed` or `.expired`. */
export function sessionEvent(deps: CheckoutDeps, session: CheckoutSession): DomainEvent {
  return {
    id: deps.payment.ids.next('evt'),
    accountId: session.accountId,
    mode: session.mode,
    type: session.status === 'complete' ? 'checkout.session.completed' : `checkout.session.${session.status}`,
    objectId: session.id,
    data: sessionView(deps.payment, session),
    createdAt: deps.payment.clock.now(),
  };
}

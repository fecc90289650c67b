/**
 * The checkout session: one hosted page where the customer picks how to pay, and its state
 * machine as data.
 */
import type { Customer, Mode, PaymentMethod } from '../payment/payment.ts';
import type { PaymentStatus } from '../payment/status.ts';

/** Every status a checkout session can have. */
export const CHECKOUT_SESSION_STATUSES = ['open', 'complete', 'expired'] as const;

/** A checkout session status. */
export type CheckoutSessionStatus = (typeof CHECKOUT_SESSION_STATUSES)[number];

/** What can happen to a session. */
export type CheckoutSessionEvent = 'payment_captured' | 'expire';

/**
 * The moves of a session: `open` ends `complete` when its payment is captured, or `expired`.
 * Both ends are final; any other move is refused.
 */
export const CHECKOUT_SESSION_TRANSITIONS: Readonly<
  Record<CheckoutSessionStatus, Readonly<Partial<Record<CheckoutSessionEvent, CheckoutSessionStatus>>>>
> = {
  open: { payment_captured: 'complete', expire: 'expired' },
  complete: {},
  expired: {},
};

/** The status `event` moves a session in `status` to, or undefined when it cannot move. */
export function transitionSession(
  status: CheckoutSessionStatus,
  event: CheckoutSessionEvent,
): CheckoutSessionStatus | undefined {
  return CHECKOUT_SESSION_TRANSITIONS[status][event];
}

/** A checkout session (`cs_...`), as stored. */
export interface CheckoutSession {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  /** The unguessable part of the hosted page's address (`/c/{token}`): not the id. */
  readonly token: string;
  /** Carried by the page's forms: a choice of method is accepted only with it. */
  readonly csrfToken: string;
  readonly status: CheckoutSessionStatus;
  readonly amount: number;
  readonly currency: string;
  /** The methods the page offers, in the order it shows them. */
  readonly paymentMethods: readonly PaymentMethod[];
  readonly successUrl: string;
  readonly cancelUrl: string;
  readonly reference: string | null;
  readonly description: string | null;
  /** The page's language; null: the customer's browser decides. */
  readonly locale: 'en' | 'ar' | null;
  readonly customer: Customer | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly expiresAt: number;
  /** The latest payment tried on the session (the captured one once complete). */
  readonly paymentId: string | null;
  /** Every payment tried on the session, oldest first. */
  readonly paymentIds: readonly string[];
  /**
   * While a payment is being created for the session: until when that attempt holds it. A
   * second attempt waits for the first one's payment to be final; a crashed attempt lets go.
   */
  readonly attemptLockedUntil: number | null;
  readonly completedAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

/** The metadata key linking a payment made on a session to that session. */
export const SESSION_METADATA_KEY = 'checkout_session';

/** Payment statuses after which no other payment is made on the session while it lasts. */
const IN_FLIGHT: readonly PaymentStatus[] = ['requires_action', 'processing', 'authorized'];
/** Payment statuses that mean the session's money is in. */
const PAID: readonly PaymentStatus[] = ['captured', 'partially_refunded', 'refunded', 'disputed'];

/** True when a payment in `status` may still be paid: no other attempt may start. */
export function isInFlight(status: PaymentStatus): boolean {
  return IN_FLIGHT.includes(status);
}

/** True when a payment in `status` was captured (whatever happened to it since). */
export function isPaid(status: PaymentStatus): boolean {
  return PAID.includes(status);
}

/** The session as the API shows it; `url` is the hosted page. */
export function checkoutSessionView(session: CheckoutSession, url: string) {
  const c = session.customer;
  return {
    id: session.id,
    object: 'checkout_session' as const,
    status: session.status,
    url,
    amount: session.amount,
    currency: session.currency,
    payment_methods: [...session.paymentMethods],
    success_url: session.successUrl,
    cancel_url: session.cancelUrl,
    reference: session.reference,
    description: session.description,
    locale: session.locale,
    customer: c
      ? {
          ...(c.name !== undefined ? { name: c.name } : {}),
          ...(c.email !== undefined ? { email: c.email } : {}),
          ...(c.phone !== undefined ? { phone: c.phone } : {}),
        }
      : null,
    metadata: { ...session.metadata },
    payment_id: session.paymentId,
    payment_ids: [...session.paymentIds],
    livemode: session.mode === 'live',
    expires_at: new Date(session.expiresAt).toISOString(),
    completed_at: session.completedAt === null ? null : new Date(session.completedAt).toISOString(),
    created_at: new Date(session.createdAt).toISOString(),
  };
}

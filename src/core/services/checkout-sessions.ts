/**
 * Checkout sessions: one hosted page where the customer picks how to pay. A session makes its
 * payments through {@link createPayment} (routing and failover included), one at a time: a new
 * attempt starts only when the one before it is final and was not captured. It ends `complete`
 * when its payment is captured, or `expired`.
 *
 * A payment of the session captured after another one already completed it (a provider that
 * captured a payment it had reported failed or canceled) is refunded in full at once, and the
 * refund carries the session in its metadata.
 */

import { attemptHeld, type CheckoutDeps, sessionEvent } from '../checkout/deps.ts';
import type { SessionWrite } from '../checkout/ports.ts';
import { type CheckoutSession, isInFlight, transitionSession } from '../checkout/session.ts';
import type { Connector } from '../connector-contract.ts';
import { BawabaError } from '../errors.ts';
import type { NewJob } from '../event-ports.ts';
import { isKnownCurrency } from '../money.ts';
import { type Customer, PAYMENT_METHODS, type PaymentMethod } from '../payment/payment.ts';
import type { IdempotencyReservation, Principal } from '../repositories.ts';
import type { PaymentDeps } from './deps.ts';

export { type ChooseResult, chooseMethod } from '../checkout/choose-method.ts';
export {
  type CheckoutDeps,
  isPayable,
  sessionUrl,
  sessionView,
} from '../checkout/deps.ts';
export { type SettleOutcome, settleSessionPayment } from '../checkout/settle.ts';

/** How long a session lasts unless the merchant says otherwise. */
export const DEFAULT_SESSION_MS = 60 * 60_000;
/** The longest a session may last. */
export const MAX_SESSION_MS = 24 * 60 * 60_000;
/** The shortest a session may last: time enough to pay. */
export const MIN_SESSION_MS = 5 * 60_000;
/** When an expiry finds a payment in flight, it looks again this much later. */
export const EXPIRY_RECHECK_MS = 60_000;

/** A validated request to create a session. */
export interface CreateSessionInput {
  readonly amount: number;
  readonly currency: string;
  readonly successUrl: string;
  readonly cancelUrl: string;
  readonly paymentMethods?: readonly PaymentMethod[];
  readonly reference?: string;
  readonly description?: string;
  readonly locale?: 'en' | 'ar';
  readonly customer?: Customer;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Epoch milliseconds. */
  readonly expiresAt?: number;
}

function fits(connector: Connector, method: PaymentMethod, amount: number, currency: string, contact: boolean) {
  const caps = connector.capabilities;
  const step = caps.amountStep?.[currency];
  return (
    caps.methods[method]?.includes(currency) === true &&
    amount <= caps.maxAmountMinor &&
    (step === undefined || amount % step === 0) &&
    (contact || !caps.requiresCustomerContact)
  );
}

/**
 * The methods the account's configured connectors can take for this amount and currency, in
 * the order the page shows them.
 */
export async function availableMethods(
  deps: Pick<PaymentDeps, 'connectors' | 'connectorAccounts'>,
  principal: Pick<Principal, 'accountId' | 'mode'>,
  amount: number,
  currency: string,
  customer: Customer | undefined,
): Promise<PaymentMethod[]> {
  const contact = !!customer?.name && !!(customer.email || customer.phone);
  const configured = await deps.connectorAccounts.list(principal.accountId, principal.mode);
  const connectors = configured.map((a) => deps.connectors.get(a.connector)).filter((c) => c !== undefined);
  return PAYMENT_METHODS.filter((m) => connectors.some((c) => fits(c, m, amount, currency, contact)));
}

/** The job that expires a session when its time is up (one per session). */
function expiryJob(deps: CheckoutDeps, session: CheckoutSession, runAt: number): NewJob {
  return {
    id: deps.payment.ids.next('job'),
    queue: 'checkout_session',
    payload: { session_id: session.id, action: 'expire' },
    runAt,
    maxAttempts: 1000,
    dedupeKey: `checkout-expire:${session.id}`,
  };
}

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A page's address token (a session's, a payment link's): 32 random characters of 64, 192 bits, beyond any guessing. */
export function pageToken(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(32));
  let out = '';
  for (const b of bytes) out += TOKEN_ALPHABET[b & 63];
  return out;
}

/** Creates a session: checks its methods against the configured connectors, stores it with its expiry job. */
export async function createCheckoutSession(
  deps: CheckoutDeps,
  principal: Principal,
  input: CreateSessionInput,
  reservation?: IdempotencyReservation,
): Promise<CheckoutSession> {
  if (!isKnownCurrency(input.currency)) {
    throw new BawabaError('currency_invalid', `currency ${input.currency} is not a known ISO 4217 code.`, 'currency');
  }
  const now = deps.payment.clock.now();
  const expiresAt = input.expiresAt ?? now + DEFAULT_SESSION_MS;
  if (expiresAt > now + MAX_SESSION_MS || expiresAt < now + MIN_SESSION_MS) {
    throw new BawabaError(
      'parameter_invalid',
      'expires_at must be between 5 minutes and 24 hours from now.',
      'expires_at',
    );
  }
  const available = await availableMethods(deps.payment, principal, input.amount, input.currency, input.customer);
  let methods = available;
  if (input.paymentMethods !== undefined) {
    const missing = input.paymentMethods.filter((m) => !available.includes(m));
    if (missing.length > 0) {
      throw new BawabaError(
        'connector_not_available',
        `no connector is configured in ${principal.mode} mode for ${missing.join(', ')} at ${input.amount} ${input.currency}.`,
        'payment_methods',
      );
    }
    methods = PAYMENT_METHODS.filter((m) => input.paymentMethods?.includes(m));
  }
  if (methods.length === 0) {
    throw new BawabaError(
      'connector_not_available',
      `no connector is configured in ${principal.mode} mode for any method at ${input.amount} ${input.currency}.`,
      'currency',
    );
  }
  const session: CheckoutSession = {
    id: deps.payment.ids.next('cs'),
    accountId: principal.accountId,
    mode: principal.mode,
    token: pageToken(),
    csrfToken: pageToken(),
    status: 'open',
    amount: input.amount,
    currency: input.currency,
    paymentMethods: methods,
    successUrl: input.successUrl,
    cancelUrl: input.cancelUrl,
    reference: input.reference ?? null,
    description: input.description ?? null,
    locale: input.locale ?? null,
    customer: input.customer ?? null,
    metadata: input.metadata ?? {},
    expiresAt,
    paymentId: null,
    paymentIds: [],
    attemptLockedUntil: null,
    completedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 0,
  };
  await deps.sessions.insert(session, { jobs: [expiryJob(deps, session, expiresAt)] }, reservation);
  return session;
}

/** The merchant ends a session now; one with a payment in flight cannot be ended. */
export async function expireCheckoutSession(
  deps: CheckoutDeps,
  principal: Principal,
  id: string,
): Promise<CheckoutSession> {
  const found = await deps.sessions.get(principal.accountId, principal.mode, id);
  if (!found) throw new BawabaError('resource_not_found', `No such checkout session: ${id}.`, 'id');
  const result = await deps.sessions.hold(id, (session, latest) => {
    if (session.status === 'expired') return { result: session };
    if (session.status === 'complete') {
      throw new BawabaError('checkout_session_not_open', `checkout session ${id} is complete.`);
    }
    if ((latest && isInFlight(latest)) || attemptHeld(deps, session)) {
      throw new BawabaError('checkout_session_payment_in_progress');
    }
    return expire(deps, session);
  });
  return result ?? found;
}

function expire(deps: CheckoutDeps, session: CheckoutSession): SessionWrite<CheckoutSession> {
  const status = transitionSession(session.status, 'expire');
  if (status === undefined) return { result: session };
  const now = deps.payment.clock.now();
  const next: CheckoutSession = { ...session, status, attemptLockedUntil: null, updatedAt: now };
  return { next, outbox: { events: [sessionEvent(deps, next)] }, result: next };
}

/**
 * The expiry job: a session past its time expires, unless a payment is in flight on it (the
 * customer may be paying right now): then it looks again later, and the payment decides.
 * Answers when to look again, if it must.
 */
export async function expireDueSession(deps: CheckoutDeps, id: string): Promise<number | undefined> {
  const now = deps.payment.clock.now();
  return deps.sessions.hold<number | undefined>(id, (session, latest) => {
    if (session.status !== 'open') return { result: undefined };
    if (now < session.expiresAt) return { result: session.expiresAt };
    if ((latest && isInFlight(latest)) || attemptHeld(deps, session)) return { result: now + EXPIRY_RECHECK_MS };
    const { next, outbox } = expire(deps, session);
    return { ...(next ? { next } : {}), ...(outbox ? { outbox } : {}), result: undefined };
  });
}

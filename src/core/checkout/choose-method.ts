/**
 * The customer chose a method on the hosted page: one payment at a time per session, made
 * through the same service as the API.
 */
import { BawabaError } from '../errors.ts';
import type { PaymentMethod } from '../payment/payment.ts';
import { type CreatePaymentResult, createPayment } from '../services/create-payment.ts';
import { ATTEMPT_LOCK_MS, attemptHeld, type CheckoutDeps, isPayable, sessionUrl } from './deps.ts';
import { type CheckoutSession, isInFlight, isPaid, SESSION_METADATA_KEY } from './session.ts';

/** What choosing a method on the page led to. */
export type ChooseResult =
  /** A payment was made: send the customer to its provider's page (or show its refusal). */
  | { readonly kind: 'created'; readonly result: CreatePaymentResult }
  /** Another payment of this session may still be paid: no second one. */
  | { readonly kind: 'in_flight'; readonly paymentId: string | null }
  /** The session is paid, expired, or does not offer the method. */
  | { readonly kind: 'closed'; readonly session: CheckoutSession };

/**
 * The customer chose `method` on the page. Under a hold on the session, a new payment id is
 * claimed only when the session is open, offers the method, and its latest payment is final and
 * not captured; the payment is then made with that id through {@link createPayment}. Two tabs,
 * a reload or a double click: the second finds the first one's payment in flight. `locale` is the
 * language the customer's page was in (they may have switched it): the provider's page follows it.
 */
export async function chooseMethod(
  deps: CheckoutDeps,
  sessionId: string,
  method: PaymentMethod,
  locale?: 'en' | 'ar',
): Promise<ChooseResult> {
  const now = deps.payment.clock.now();
  const claim = await deps.sessions.hold<ChooseResult | { kind: 'claimed'; session: CheckoutSession }>(
    sessionId,
    (session, latest) => {
      if (!isPayable(deps.payment, session) || !session.paymentMethods.includes(method)) {
        return { result: { kind: 'closed', session } };
      }
      if ((latest && (isInFlight(latest) || isPaid(latest))) || attemptHeld(deps, session)) {
        return { result: { kind: 'in_flight', paymentId: session.paymentId } };
      }
      const paymentId = deps.payment.ids.next('pay');
      const next: CheckoutSession = {
        ...session,
        paymentId,
        paymentIds: [...session.paymentIds, paymentId],
        attemptLockedUntil: now + ATTEMPT_LOCK_MS,
        updatedAt: now,
      };
      return { next, result: { kind: 'claimed', session: next } };
    },
  );
  if (claim === undefined) throw new BawabaError('resource_not_found', `No such checkout session: ${sessionId}.`);
  if (claim.kind !== 'claimed') return claim;
  const session = claim.session;
  const paymentId = session.paymentId as string;
  let made = false;
  try {
    const result = await createPayment(
      deps.payment,
      { accountId: session.accountId, mode: session.mode, apiKeyId: '' },
      {
        amount: session.amount,
        currency: session.currency,
        paymentMethod: method,
        returnUrl: `${sessionUrl(deps.payment, session)}/result`,
        ...(session.reference !== null ? { reference: session.reference } : {}),
        ...(session.description !== null ? { description: session.description } : {}),
        ...(session.customer !== null ? { customer: session.customer } : {}),
        metadata: { ...session.metadata, [SESSION_METADATA_KEY]: session.id },
        locale: locale ?? session.locale ?? 'en',
      },
      { paymentId },
    );
    made = true;
    return { kind: 'created', result };
  } finally {
    // Refused before any payment was stored (no connector can take it now): the claim is undone.
    const stored = made || (await deps.payment.payments.getById(paymentId)) !== undefined;
    await deps.sessions.hold(session.id, (s) => {
      if (s.paymentId !== paymentId || s.attemptLockedUntil === null) return { result: undefined };
      const ids = stored ? s.paymentIds : s.paymentIds.filter((id) => id !== paymentId);
      const next: CheckoutSession = {
        ...s,
        attemptLockedUntil: null,
        paymentId: stored ? paymentId : (ids.at(-1) ?? null),
        paymentIds: ids,
        updatedAt: deps.payment.clock.now(),
      };
      return { next, result: undefined };
    });
  }
}

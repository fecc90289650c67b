/**
 * Payment links: a stable address that opens a fresh checkout session each time it is
 * followed, through {@link createCheckoutSession} (the same checks of methods and connectors).
 * A link with `max_payments` opens sessions while fewer than that many of its sessions
 * completed: abandoned tries do not use it up. Sessions already open when the last allowed one
 * completes may still be paid (as with any open session); the count is checked, in the
 * transaction that stores a new session, against the sessions completed by then.
 */
import type { CheckoutDeps } from '../checkout/deps.ts';
import {
  LINK_METADATA_KEY,
  type LinkClosedReason,
  linkClosedReason,
  type PaymentLink,
  type PaymentLinkRepo,
  paymentLinkView,
} from '../checkout/payment-link.ts';
import type { CheckoutSessionRepo } from '../checkout/ports.ts';
import type { CheckoutSession } from '../checkout/session.ts';
import { BawabaError, isBawabaError } from '../errors.ts';
import type { DomainEvent, Outbox } from '../event-ports.ts';
import { isKnownCurrency } from '../money.ts';
import { PAYMENT_METHODS, type PaymentMethod } from '../payment/payment.ts';
import type { IdempotencyReservation, Principal } from '../repositories.ts';
import { availableMethods, createCheckoutSession, pageToken } from './checkout-sessions.ts';

/** What the payment link use cases need, wired by `main.ts`. */
export interface PaymentLinkDeps {
  readonly links: PaymentLinkRepo;
  readonly checkout: CheckoutDeps;
}

/** A validated request to create a link. */
export interface CreateLinkInput {
  readonly amount?: number;
  readonly minAmount?: number;
  readonly maxAmount?: number;
  readonly currency: string;
  readonly description: string;
  readonly paymentMethods?: readonly PaymentMethod[];
  readonly maxPayments?: number;
  readonly active?: boolean;
  readonly reference?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly locale?: 'en' | 'ar';
  readonly successUrl?: string;
  readonly cancelUrl?: string;
}

function base(deps: CheckoutDeps): string {
  return deps.payment.publicUrl.replace(/\/+$/, '');
}

/** The link's address. */
export function linkUrl(deps: CheckoutDeps, link: Pick<PaymentLink, 'token'>): string {
  return `${base(deps)}/l/${link.token}`;
}

/** The link as the API shows it. */
export function linkView(deps: CheckoutDeps, link: PaymentLink) {
  const url = linkUrl(deps, link);
  return paymentLinkView(link, url, `${url}/qr.svg`);
}

/** `payment_link.created` or `.updated`, with the link as the API shows it. */
function linkEvent(deps: CheckoutDeps, link: PaymentLink, change: 'created' | 'updated'): Outbox {
  const event: DomainEvent = {
    id: deps.payment.ids.next('evt'),
    accountId: link.accountId,
    mode: link.mode,
    type: `payment_link.${change}`,
    objectId: link.id,
    data: linkView(deps, link),
    createdAt: deps.payment.clock.now(),
  };
  return { events: [event] };
}

function checkAmounts(input: CreateLinkInput): void {
  if (input.amount !== undefined) {
    for (const field of ['minAmount', 'maxAmount'] as const) {
      if (input[field] !== undefined) {
        const name = field === 'minAmount' ? 'min_amount' : 'max_amount';
        throw new BawabaError(
          'parameter_invalid',
          `${name} is for an amount the customer enters: give amount or min_amount and max_amount, not both.`,
          name,
        );
      }
    }
    return;
  }
  if (input.minAmount === undefined) {
    throw new BawabaError(
      'parameter_missing',
      'Give amount (a fixed amount), or min_amount and max_amount (the customer enters the amount).',
      'min_amount',
    );
  }
  if (input.maxAmount === undefined) {
    throw new BawabaError('parameter_missing', 'max_amount is needed with min_amount.', 'max_amount');
  }
  if (input.minAmount > input.maxAmount) {
    throw new BawabaError('parameter_invalid', 'min_amount must not be larger than max_amount.', 'min_amount');
  }
}

/**
 * Creates a link. The methods it names must be available for its amount (the lowest one, for
 * an amount the customer enters) with the account's connectors now.
 */
export async function createPaymentLink(
  deps: PaymentLinkDeps,
  principal: Principal,
  input: CreateLinkInput,
  reservation?: IdempotencyReservation,
): Promise<PaymentLink> {
  if (!isKnownCurrency(input.currency)) {
    throw new BawabaError('currency_invalid', `currency ${input.currency} is not a known ISO 4217 code.`, 'currency');
  }
  checkAmounts(input);
  const amount = input.amount ?? (input.minAmount as number);
  const available = await availableMethods(deps.checkout.payment, principal, amount, input.currency, undefined);
  const wanted = input.paymentMethods ?? available;
  const missing = wanted.filter((m) => !available.includes(m));
  if (missing.length > 0 || wanted.length === 0) {
    throw new BawabaError(
      'connector_not_available',
      missing.length > 0
        ? `no connector is configured in ${principal.mode} mode for ${missing.join(', ')} at ${amount} ${input.currency}.`
        : `no connector is configured in ${principal.mode} mode for any method at ${amount} ${input.currency}.`,
      input.paymentMethods ? 'payment_methods' : 'currency',
    );
  }
  const now = deps.checkout.payment.clock.now();
  const link: PaymentLink = {
    id: deps.checkout.payment.ids.next('plink'),
    accountId: principal.accountId,
    mode: principal.mode,
    token: pageToken(),
    csrfToken: pageToken(),
    active: input.active ?? true,
    amount: input.amount ?? null,
    minAmount: input.amount === undefined ? (input.minAmount ?? null) : null,
    maxAmount: input.amount === undefined ? (input.maxAmount ?? null) : null,
    currency: input.currency,
    description: input.description,
    paymentMethods: input.paymentMethods ? PAYMENT_METHODS.filter((m) => input.paymentMethods?.includes(m)) : null,
    maxPayments: input.maxPayments ?? null,
    reference: input.reference ?? null,
    metadata: input.metadata ?? {},
    locale: input.locale ?? null,
    successUrl: input.successUrl ?? null,
    cancelUrl: input.cancelUrl ?? null,
    createdAt: now,
    updatedAt: now,
    completedSessions: 0,
  };
  await deps.links.insert(link, reservation, linkEvent(deps.checkout, link, 'created'));
  return link;
}

/** Turns a link on or off (again and again: the same answer). */
export async function setPaymentLinkActive(
  deps: PaymentLinkDeps,
  principal: Principal,
  id: string,
  active: boolean,
): Promise<PaymentLink> {
  const now = deps.checkout.payment.clock.now();
  const link = await deps.links.setActive(principal.accountId, principal.mode, id, active, now, (changed) =>
    linkEvent(deps.checkout, changed, 'updated'),
  );
  if (!link) throw new BawabaError('resource_not_found', `No such payment link: ${id}.`, 'id');
  return link;
}

/** Why an amount entered on a link's page is refused. */
export type AmountProblem = 'below_min' | 'above_max';

/** The amount the customer entered against the link's bounds; undefined when it fits. */
export function amountProblem(link: PaymentLink, amount: number): AmountProblem | undefined {
  if (link.minAmount !== null && amount < link.minAmount) return 'below_min';
  if (link.maxAmount !== null && amount > link.maxAmount) return 'above_max';
  return undefined;
}

/** What following a link led to. */
export type OpenResult =
  | { readonly kind: 'opened'; readonly session: CheckoutSession }
  | { readonly kind: LinkClosedReason }
  /** The customer must enter the amount first (or entered one outside the bounds). */
  | { readonly kind: 'amount_needed' }
  | { readonly kind: 'amount_refused'; readonly problem: AmountProblem }
  /** No configured connector takes this amount now. */
  | { readonly kind: 'unavailable' };

class Refused extends Error {
  readonly reason: LinkClosedReason;
  constructor(reason: LinkClosedReason) {
    super(reason);
    this.reason = reason;
  }
}

/**
 * A customer followed the link: a new checkout session for its amount (or `amount`, which the
 * customer entered), with its methods, reference, metadata (plus `payment_link`) and addresses,
 * in the customer's language if they chose one (`locale`), else the link's.
 */
export async function openPaymentLink(
  deps: PaymentLinkDeps,
  link: PaymentLink,
  options: { readonly amount?: number; readonly locale?: 'en' | 'ar' } = {},
): Promise<OpenResult> {
  const closed = linkClosedReason(link);
  if (closed) return { kind: closed };
  const amount = link.amount ?? options.amount;
  if (amount === undefined) return { kind: 'amount_needed' };
  if (link.amount === null) {
    const problem = amountProblem(link, amount);
    if (problem) return { kind: 'amount_refused', problem };
  }
  const principal: Principal = { accountId: link.accountId, mode: link.mode, apiKeyId: '' };
  let methods: readonly PaymentMethod[] | undefined;
  if (link.paymentMethods !== null) {
    const available = await availableMethods(deps.checkout.payment, principal, amount, link.currency, undefined);
    methods = link.paymentMethods.filter((m) => available.includes(m));
    if (methods.length === 0) return { kind: 'unavailable' };
  }
  // The session is stored by the link's repository, which checks the link and ties the
  // session to it in the same transaction.
  const sessions: CheckoutSessionRepo = {
    ...deps.checkout.sessions,
    insert: async (session, outbox) => {
      const stored = await deps.links.insertSession(link.id, session, outbox);
      if (stored !== 'opened') throw new Refused(stored);
    },
  };
  const url = linkUrl(deps.checkout, link);
  const locale = options.locale ?? link.locale ?? undefined;
  try {
    const session = await createCheckoutSession({ ...deps.checkout, sessions }, principal, {
      amount,
      currency: link.currency,
      successUrl: link.successUrl ?? `${url}/thanks`,
      cancelUrl: link.cancelUrl ?? `${url}/canceled`,
      ...(methods ? { paymentMethods: methods } : {}),
      ...(link.reference !== null ? { reference: link.reference } : {}),
      description: link.description,
      ...(locale ? { locale } : {}),
      metadata: { ...link.metadata, [LINK_METADATA_KEY]: link.id },
    });
    return { kind: 'opened', session };
  } catch (err) {
    if (err instanceof Refused) return { kind: err.reason };
    if (isBawabaError(err) && err.code === 'connector_not_available') return { kind: 'unavailable' };
    throw err;
  }
}

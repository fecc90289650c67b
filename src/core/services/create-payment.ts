/**
 * Creating a payment: validation against the connectors' capabilities, routing, the provider's
 * answer recorded, failover to the next connector, and resuming a creation whose answer was lost.
 *
 * Longer than 300 lines: failover and resumption go through the same recording of the provider's
 * answer, which is the heart of the file; split, each half would need the other's internals.
 */
import type { Connector, ConnectorAccount, CreateOutcome, UnknownReason } from '../connector-contract.ts';
import { BawabaError } from '../errors.ts';
import { describeAmount, isKnownCurrency } from '../money.ts';
import type { Customer, Payment, PaymentMethod } from '../payment/payment.ts';
import type { IdempotencyReservation, IdempotentAnswer, Principal } from '../repositories.ts';
import { applyProviderUpdate } from './apply-provider-update.ts';
import { announceArrival, arrivalKey } from './arrivals.ts';
import type { PaymentDeps } from './deps.ts';
import { paymentOutbox } from './outbox.ts';
import { updatePayment } from './update-payment.ts';

/** A validated request to create a payment. */
export interface CreatePaymentInput {
  readonly amount: number;
  readonly currency: string;
  readonly paymentMethod: PaymentMethod;
  readonly returnUrl: string;
  readonly connector?: string;
  readonly reference?: string;
  readonly description?: string;
  readonly customer?: Customer;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly locale?: 'en' | 'ar';
}

/** Links to an idempotent request, so a retry after a crash resumes the same payment. */
export interface CreateHooks {
  /** The payment an earlier attempt with the same idempotency key created, if any. */
  readonly resumePaymentId?: string | null;
  /** The request's idempotency key: linked to the payment in the transaction that stores it. */
  readonly reservation?: IdempotencyReservation;
  /** The new payment's id, when the caller claimed one before (a checkout session's attempt). */
  readonly paymentId?: string;
  /**
   * The request's answer for a payment, or undefined while it is not final: with `reservation`,
   * stored in the transaction that records the provider's answer, when that is the last write.
   */
  readonly answer?: (payment: Payment) => { readonly status: number; readonly body: string } | undefined;
}

/** The result: the payment as stored, plus the provider's refusal when there was one. */
export interface CreatePaymentResult {
  readonly payment: Payment;
  readonly rejection?: BawabaError;
  /** The request's answer, when it was stored with the payment (see `CreateHooks.answer`). */
  readonly answered?: { readonly status: number; readonly body: string };
}

/**
 * Creates a payment: validates it against the method and the chosen connector's declared
 * capabilities, stores it as `processing`, asks the provider, and stores the answer. A provider
 * fault leaves it `processing` (the provider may have it); only a definitive refusal fails it.
 */
export async function createPayment(
  deps: PaymentDeps,
  principal: Principal,
  input: CreatePaymentInput,
  hooks: CreateHooks = {},
): Promise<CreatePaymentResult> {
  if (hooks.resumePaymentId) {
    const earlier = await deps.payments.get(principal.accountId, principal.mode, hooks.resumePaymentId);
    if (earlier) return resume(deps, earlier, input);
  }
  checkCurrency(deps, input);
  const configured = await chooseConnectors(deps, principal, input);
  const candidates = configured.filter((c) => fitsAmount(c.connector, input));
  const first = candidates[0];
  if (!first) throw amountError(input, configured[0]?.connector);
  const { connector, account } = first;
  const now = deps.clock.now();
  const payment: Payment = {
    id: hooks.paymentId ?? deps.ids.next('pay'),
    accountId: principal.accountId,
    mode: principal.mode,
    status: 'processing',
    amount: input.amount,
    currency: input.currency,
    paymentMethod: input.paymentMethod,
    connector: connector.id,
    connectorAccountId: account.id,
    providerPaymentId: null,
    providerStatus: null,
    nextActionUrl: null,
    returnUrl: input.returnUrl,
    reference: input.reference ?? null,
    description: input.description ?? null,
    customer: input.customer ?? null,
    metadata: input.metadata ?? {},
    failureCode: null,
    failureMessage: null,
    expiresAt: null,
    amountRefunded: 0,
    amountRefundPending: 0,
    canceledBy: null,
    capturedAfterCancel: false,
    connectorAttempts: [],
    parts: [],
    capturedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 0,
  };
  await deps.payments.insert(payment, paymentOutbox(deps, undefined, payment), hooks.reservation);
  const locale = input.locale ?? 'en';
  const lastChance = candidates.length === 1;
  const answer = answerOf(hooks);
  let result = await callProvider(deps, payment, connector, account, {
    locale,
    firstAttempt: true,
    lastChance,
    answer,
  });
  // Routing: when no connector was named, one that is unavailable before any redirect link was
  // handed out gives way to the next. Its own payment, if it made one, was never shown to anyone.
  for (const [i, next] of candidates.slice(1).entries()) {
    if (input.connector !== undefined || !result.unavailable) break;
    const moved = await moveToConnector(deps, result.payment, next, result.unavailable);
    if (!moved) break;
    result = await callProvider(deps, moved, next.connector, next.account, {
      locale,
      firstAttempt: true,
      lastChance: i === candidates.length - 2,
      answer,
    });
  }
  return result;
}

/**
 * Reasons a connector is taken as unavailable at creation (failover), per the routing rules. A
 * refusal by the address policy sent nothing, so the next connector may take the payment; when
 * none can, it stays unknown (never `failed`: the provider decided nothing).
 */
const UNAVAILABLE: ReadonlySet<UnknownReason> = new Set([
  'connection_refused',
  'address_not_allowed',
  'timeout',
  'server_error',
]);

async function moveToConnector(
  deps: PaymentDeps,
  payment: Payment,
  next: { connector: Connector; account: ConnectorAccount },
  reason: UnknownReason,
): Promise<Payment | undefined> {
  deps.log.warn({ paymentId: payment.id, from: payment.connector, to: next.connector.id, reason }, 'failing over');
  const moved = await updatePayment(deps, payment, (fresh) =>
    fresh.status !== 'processing' || fresh.providerPaymentId !== null
      ? undefined
      : {
          ...fresh,
          connector: next.connector.id,
          connectorAccountId: next.account.id,
          connectorAttempts: [
            ...fresh.connectorAttempts,
            { connector: fresh.connector, outcome: 'unavailable', reason, at: deps.clock.now() },
          ],
          updatedAt: deps.clock.now(),
        },
  );
  return moved.connector === next.connector.id ? moved : undefined;
}

function resume(deps: PaymentDeps, payment: Payment, input: CreatePaymentInput): Promise<CreatePaymentResult> {
  return resumeCreation(deps, payment, input.locale ?? 'en');
}

/** The answer to store with the payment, when the request holds an idempotency key. */
function answerOf(hooks: CreateHooks): Answer | undefined {
  const { reservation, answer } = hooks;
  if (reservation === undefined || answer === undefined) return undefined;
  return (payment) => {
    const final = answer(payment);
    return final === undefined ? undefined : { reservation, ...final };
  };
}

type Answer = (payment: Payment) => IdempotentAnswer | undefined;

/**
 * Asks the provider again for a payment whose creation outcome is unknown, with the same
 * provider idempotency key, so the provider answers about the payment it may already have.
 */
export async function resumeCreation(
  deps: PaymentDeps,
  payment: Payment,
  locale: 'en' | 'ar' = 'en',
): Promise<CreatePaymentResult> {
  if (payment.providerPaymentId !== null || payment.status !== 'processing') return { payment };
  const connector = deps.connectors.get(payment.connector);
  const account = await deps.connectorAccounts.get(payment.connectorAccountId);
  // Without an idempotency key a second create could make a second provider payment.
  if (!connector || !account || !connector.capabilities.idempotentCalls) return { payment };
  deps.log.info({ paymentId: payment.id }, 'resuming payment creation with the same provider idempotency key');
  return callProvider(deps, payment, connector, account, { locale, firstAttempt: false });
}

/** The currencies any registered connector takes `method` in: what the method exists in here. */
export function methodCurrencies(deps: Pick<PaymentDeps, 'connectors'>, method: PaymentMethod): string[] {
  const currencies = new Set<string>();
  for (const id of deps.connectors.ids()) {
    for (const currency of deps.connectors.get(id)?.capabilities.methods[method] ?? []) currencies.add(currency);
  }
  return [...currencies];
}

function checkCurrency(deps: PaymentDeps, input: CreatePaymentInput): void {
  if (!isKnownCurrency(input.currency)) {
    throw new BawabaError('currency_invalid', `currency ${input.currency} is not a known ISO 4217 code.`, 'currency');
  }
  const allowed = methodCurrencies(deps, input.paymentMethod);
  if (!allowed.includes(input.currency)) {
    throw new BawabaError(
      'currency_not_supported',
      `${input.paymentMethod} payments are in ${allowed.join(', ')} only, not ${input.currency}.`,
      'currency',
    );
  }
}

function fitsAmount(connector: Connector, input: CreatePaymentInput): boolean {
  const step = connector.capabilities.amountStep?.[input.currency];
  return input.amount <= connector.capabilities.maxAmountMinor && (step === undefined || input.amount % step === 0);
}

function amountError(input: CreatePaymentInput, connector: Connector | undefined): BawabaError {
  if (!connector) return new BawabaError('connector_not_available', undefined, 'payment_method');
  const max = connector.capabilities.maxAmountMinor;
  if (input.amount > max) {
    const most = describeAmount({ amount: max, currency: input.currency });
    return new BawabaError('amount_too_large', `amount must be at most ${most} for ${connector.id}.`, 'amount');
  }
  const step = connector.capabilities.amountStep?.[input.currency];
  const multiple = step === undefined ? '' : describeAmount({ amount: step, currency: input.currency });
  return new BawabaError('amount_invalid', `amount must be a multiple of ${multiple} for ${connector.id}.`, 'amount');
}

/** The merchant's named connector, or every configured one that can take the payment, by priority. */
async function chooseConnectors(
  deps: PaymentDeps,
  principal: Principal,
  input: CreatePaymentInput,
): Promise<{ connector: Connector; account: ConnectorAccount }[]> {
  const contact = !!input.customer?.name && !!(input.customer.email || input.customer.phone);
  const accepts = (c: Connector) =>
    c.capabilities.methods[input.paymentMethod]?.includes(input.currency) === true &&
    (contact || !c.capabilities.requiresCustomerContact);
  const named = input.connector === undefined ? undefined : deps.connectors.get(input.connector);
  if (named?.capabilities.requiresCustomerContact && !contact) {
    throw new BawabaError(
      'parameter_missing',
      `${named.id} needs customer.name and customer.email or customer.phone.`,
      'customer',
    );
  }
  if (input.connector !== undefined && !deps.connectors.get(input.connector)) {
    throw new BawabaError('connector_unknown', `connector ${input.connector} does not exist.`, 'connector');
  }
  const configured = await deps.connectorAccounts.list(principal.accountId, principal.mode);
  const candidates = configured
    .filter((a) => input.connector === undefined || a.connector === input.connector)
    .map((account) => ({
      account,
      connector: deps.connectors.get(account.connector),
    }))
    .filter((c): c is { account: ConnectorAccount; connector: Connector } => !!c.connector && accepts(c.connector))
    .sort((a, b) => a.account.priority - b.account.priority);
  const first = candidates[0];
  if (!first) {
    const what = input.connector ? `connector ${input.connector}` : 'no connector';
    throw new BawabaError(
      'connector_not_available',
      `${what} is configured in ${principal.mode} mode for ${input.paymentMethod} in ${input.currency}.`,
      input.connector ? 'connector' : 'payment_method',
    );
  }
  return candidates;
}

interface CallOptions {
  readonly locale: 'en' | 'ar';
  /** The first call for this payment to this connector (not a resumption). */
  readonly firstAttempt: boolean;
  /** No other connector would take the payment if this one is unavailable (default true). */
  readonly lastChance?: boolean;
  readonly answer?: Answer | undefined;
}

async function callProvider(
  deps: PaymentDeps,
  payment: Payment,
  connector: Connector,
  account: ConnectorAccount,
  { locale, firstAttempt, lastChance = true, answer }: CallOptions,
): Promise<CreatePaymentResult & { unavailable?: UnknownReason }> {
  const outcome = await connector.createPayment(account, {
    paymentId: payment.id,
    money: { amount: payment.amount, currency: payment.currency },
    paymentMethod: payment.paymentMethod,
    description: payment.description,
    reference: payment.reference,
    customer: payment.customer,
    metadata: payment.metadata,
    returnUrl: `${deps.publicUrl.replace(/\/+$/, '')}/return/${connector.id}/${payment.id}`,
    idempotencyKey: `${payment.id}:create`,
    locale,
    notificationUrl: `${deps.publicUrl.replace(/\/+$/, '')}/hooks/${connector.id}/${account.id}`,
  });
  if (firstAttempt && !lastChance && outcome.kind === 'unknown' && UNAVAILABLE.has(outcome.reason)) {
    const current = (await deps.payments.getById(payment.id)) ?? payment;
    return { payment: current, unavailable: outcome.reason };
  }
  // Refused before any byte reached the provider on the very first try: nothing exists there.
  if (firstAttempt && outcome.kind === 'unknown' && outcome.reason === 'connection_refused') {
    return recordOutcome(deps, payment, connector, {
      kind: 'rejected',
      failure: {
        code: 'provider_unavailable',
        message: `${connector.id} refused the connection; no payment was made there.`,
        providerCodes: [],
      },
    });
  }
  return recordOutcome(deps, payment, connector, outcome, answer);
}

async function recordOutcome(
  deps: PaymentDeps,
  payment: Payment,
  connector: Connector,
  outcome: CreateOutcome,
  answer?: Answer,
): Promise<CreatePaymentResult> {
  const log = { paymentId: payment.id, connector: connector.id };
  if (outcome.kind === 'unknown') {
    deps.log.warn({ ...log, reason: outcome.reason, detail: outcome.detail }, 'provider outcome unknown at creation');
    return { payment };
  }
  if (outcome.kind === 'rejected') {
    const f = outcome.failure;
    deps.log.warn({ ...log, code: f.code, providerCodes: f.providerCodes }, 'provider rejected payment creation');
    const failed = await updatePayment(deps, payment, (fresh) =>
      fresh.status !== 'processing' || fresh.providerPaymentId !== null
        ? undefined
        : {
            ...fresh,
            status: 'failed',
            failureCode: f.code,
            failureMessage: f.message,
            updatedAt: deps.clock.now(),
          },
    );
    return {
      payment: failed,
      rejection: new BawabaError(f.code, f.message, f.param, {
        payment_id: payment.id,
      }),
    };
  }
  const s = outcome.snapshot;
  // A pending answer is the last write: the request's answer is stored with it. Otherwise the
  // provider's status is applied next, and the answer is stored after, on its own.
  let answered: { readonly for: Payment; readonly answer: IdempotentAnswer } | undefined;
  const keep =
    answer === undefined || s.status !== 'pending'
      ? undefined
      : (written: Payment) => {
          const final = answer(written);
          answered = final === undefined ? undefined : { for: written, answer: final };
          return final;
        };
  // The one move outside the transition table: a payment waiting for its provider's first
  // answer learns it. Whoever records the provider id first wins; the other sees it and stops.
  const withProvider = await updatePayment(
    deps,
    payment,
    (fresh) =>
      fresh.providerPaymentId !== null
        ? undefined
        : {
            ...fresh,
            providerPaymentId: s.providerPaymentId,
            providerStatus: s.providerStatus,
            nextActionUrl: s.redirectUrl,
            expiresAt: fresh.createdAt + connector.capabilities.paymentWindowMs,
            status: s.status === 'pending' && s.redirectUrl ? 'requires_action' : fresh.status,
            updatedAt: deps.clock.now(),
          },
    undefined,
    keep,
  );
  if (withProvider.providerPaymentId !== null) {
    announceArrival(arrivalKey(withProvider.connectorAccountId, withProvider.providerPaymentId));
  }
  if (s.status === 'pending') {
    // Stored only when the write that went in was the one that carried it.
    if (answered?.for !== withProvider) return { payment: withProvider };
    const { status, body } = answered.answer;
    return { payment: withProvider, answered: { status, body } };
  }
  return {
    payment: await applyProviderUpdate(deps, withProvider, s, 'create'),
  };
}

/**
 * Refunds: reserving the amount against the payment, asking the provider, settling, and watching
 * a pending refund until the provider decides.
 *
 * Longer than 300 lines: reservation and settlement hold the payment the same way and share the
 * over-refund rule; one file keeps that rule in one place.
 */
import type { ProviderFailure, RefundOutcome } from '../connector-contract.ts';
import { BawabaError } from '../errors.ts';
import type { DomainEvent, NewJob, Outbox } from '../event-ports.ts';
import { describeAmount } from '../money.ts';
import { refundAllParts } from '../payment/parts.ts';
import type { Payment } from '../payment/payment.ts';
import { canMoveRefund, type Refund, refundView } from '../refund/refund.ts';
import type { IdempotencyReservation, Principal } from '../repositories.ts';
import type { PaymentDeps } from './deps.ts';
import { paymentOutbox } from './outbox.ts';

/** A validated refund request. */
export interface CreateRefundInput {
  /** Minor units; omitted = everything left to refund. */
  readonly amount?: number;
  readonly reason?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The refund as stored, plus the provider's refusal when there was one. */
export interface CreateRefundResult {
  readonly refund: Refund;
  readonly rejection?: BawabaError;
}

const MAX_RACES = 8;
/** First look at a pending refund; QPay approves by hand, within days. */
export const REFUND_FIRST_CHECK_MS = 60_000;

/** Back-off between looks at a pending refund: 1 min doubling, capped at 1 hour. */
export function refundBackoffMs(attempt: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempt - 1), 60 * 60_000);
}

function refundEvent(deps: Pick<PaymentDeps, 'ids' | 'clock'>, type: string, refund: Refund): DomainEvent {
  return {
    id: deps.ids.next('evt'),
    accountId: refund.accountId,
    mode: refund.mode,
    type,
    objectId: refund.id,
    data: refundView(refund),
    createdAt: deps.clock.now(),
  };
}

/** The job that watches a pending refund (one per refund). */
export function reconcileRefundJob(deps: Pick<PaymentDeps, 'ids'>, refund: Refund, runAt: number): NewJob {
  return {
    id: deps.ids.next('job'),
    queue: 'reconcile_refund',
    payload: { refund_id: refund.id },
    runAt,
    maxAttempts: 1000,
    dedupeKey: `reconcile_refund:${refund.id}`,
  };
}

function refundable(p: Payment): number {
  return p.amount - p.amountRefunded - p.amountRefundPending;
}

/**
 * Creates a refund: checks it against what the connector can do and what is left, reserves its
 * amount on the payment under the payment's version guard (so concurrent refunds, in any number
 * of processes, can never together exceed the captured amount), then asks the provider.
 */
export async function createRefund(
  deps: PaymentDeps,
  principal: Principal,
  paymentId: string,
  input: CreateRefundInput,
  reservation?: IdempotencyReservation,
  resumeRefundId?: string | null,
): Promise<CreateRefundResult> {
  if (resumeRefundId) {
    // A retry of a request that died after reserving: never a second refund, ask again instead.
    const earlier = await deps.refunds.get(principal.accountId, principal.mode, resumeRefundId);
    const owner = earlier ? await deps.payments.getById(earlier.paymentId) : undefined;
    if (earlier && owner) {
      return earlier.status === 'pending' && earlier.providerRefundId === null && maySendAgain(deps, earlier, owner)
        ? askProvider(deps, earlier, owner)
        : { refund: earlier };
    }
  }
  const found = await deps.payments.get(principal.accountId, principal.mode, paymentId);
  if (!found) throw new BawabaError('resource_not_found', `No such payment: ${paymentId}.`, 'id');
  const connector = deps.connectors.get(found.connector);
  const caps = connector?.capabilities.refunds;
  if (!connector || !caps) throw new BawabaError('refund_not_supported', `${found.connector} cannot refund.`);
  // The payment is held while its refundable amount is checked and reserved: concurrent
  // refunds (in any number of processes) queue, each sees the ones before it, none can exceed.
  const written = await deps.refunds.reserve(found.id, (payment) => {
    if (payment.status !== 'captured' && payment.status !== 'partially_refunded') {
      throw new BawabaError(
        'payment_not_refundable',
        `The payment is ${payment.status}; only captured payments are refunded.`,
        'id',
      );
    }
    const left = refundable(payment);
    const amount = input.amount ?? left;
    if (amount <= 0 || amount > left) {
      const most = describeAmount({ amount: left, currency: payment.currency });
      throw new BawabaError('refund_amount_too_large', `At most ${most} can be refunded.`, 'amount');
    }
    if (!caps.partial && amount !== payment.amount) {
      throw new BawabaError('refund_not_supported', `${connector.id} refunds only the whole amount.`, 'amount');
    }
    if (caps.oneAtATime && payment.amountRefundPending > 0) {
      throw new BawabaError(
        'refund_in_progress',
        `${connector.id} takes one refund at a time; one is still pending.`,
        'amount',
      );
    }
    if (!caps.multiple && payment.amountRefunded + payment.amountRefundPending > 0) {
      throw new BawabaError('refund_not_supported', `${connector.id} allows one refund per payment.`, 'amount');
    }
    const now = deps.clock.now();
    const refund: Refund = {
      id: deps.ids.next('re'),
      accountId: payment.accountId,
      mode: payment.mode,
      paymentId: payment.id,
      amount,
      currency: payment.currency,
      status: 'pending',
      reason: input.reason ?? null,
      metadata: input.metadata ?? {},
      providerRefundId: null,
      failureCode: null,
      failureMessage: null,
      createdAt: now,
      updatedAt: now,
      version: 0,
    };
    const next = {
      ...payment,
      amountRefundPending: payment.amountRefundPending + amount,
      updatedAt: now,
      version: payment.version + 1,
    };
    return {
      refund: { next: refund, expectedVersion: null },
      payment: { next, expectedVersion: payment.version },
      outbox: {
        events: [refundEvent(deps, 'refund.created', refund)],
        jobs: [reconcileRefundJob(deps, refund, now + REFUND_FIRST_CHECK_MS)],
      },
      ...(reservation !== undefined && { reservation }),
    };
  });
  if (!written?.payment) throw new BawabaError('resource_not_found', `No such payment: ${paymentId}.`, 'id');
  return askProvider(deps, written.refund.next, written.payment.next, true);
}

/** Asks the provider for a refund stored as pending (again, with the same key, if need be). */
export async function askProvider(
  deps: PaymentDeps,
  refund: Refund,
  payment: Payment,
  firstAttempt = false,
): Promise<CreateRefundResult> {
  const connector = deps.connectors.get(payment.connector);
  const account = await deps.connectorAccounts.get(payment.connectorAccountId);
  if (!connector || !account || payment.providerPaymentId === null) return { refund };
  const answer: RefundOutcome = await connector.refundPayment(account, {
    refundId: refund.id,
    providerPaymentId: payment.providerPaymentId,
    money: { amount: refund.amount, currency: refund.currency },
    idempotencyKey: `${refund.id}:refund`,
    notificationUrl: `${deps.publicUrl.replace(/\/+$/, '')}/hooks/${connector.id}/${account.id}`,
  });
  // Refused before any byte reached the provider on the very first try: nothing was refunded.
  const outcome: RefundOutcome =
    firstAttempt && answer.kind === 'unknown' && answer.reason === 'connection_refused'
      ? {
          kind: 'rejected',
          failure: {
            code: 'provider_unavailable',
            message: `${connector.id} refused the connection; no refund was sent.`,
            providerCodes: [],
          },
        }
      : answer;
  const log = { refundId: refund.id, paymentId: payment.id };
  if (outcome.kind === 'unknown') {
    deps.log.warn({ ...log, reason: outcome.reason }, 'refund outcome unknown; reconciliation will ask again');
    return { refund };
  }
  if (outcome.kind === 'rejected') {
    const f = outcome.failure;
    const settled = await settleRefund(deps, refund.id, 'failed', f);
    return {
      refund: settled ?? refund,
      rejection: new BawabaError(f.code, f.message, f.param, { refund_id: refund.id }),
    };
  }
  if (outcome.kind === 'succeeded') {
    return {
      refund: (await settleRefund(deps, refund.id, 'succeeded', undefined, outcome.providerRefundId)) ?? refund,
    };
  }
  return { refund: (await recordProviderRefundId(deps, refund.id, outcome.providerRefundId)) ?? refund };
}

async function recordProviderRefundId(
  deps: PaymentDeps,
  refundId: string,
  providerRefundId: string,
): Promise<Refund | undefined> {
  for (let race = 0; race < MAX_RACES; race++) {
    const r = await deps.refunds.getById(refundId);
    if (!r || r.providerRefundId !== null) return r;
    const next = { ...r, providerRefundId, updatedAt: deps.clock.now(), version: r.version + 1 };
    if (await deps.refunds.write({ refund: { next, expectedVersion: r.version } })) return next;
  }
  return deps.refunds.getById(refundId);
}

/**
 * Settles a pending refund and the payment it belongs to, in one guarded write: a success
 * moves its amount from pending to refunded (the payment becomes partially refunded or
 * refunded), a failure gives its amount back. A refund already settled is left as it is.
 */
export async function settleRefund(
  deps: PaymentDeps,
  refundId: string,
  status: 'succeeded' | 'failed',
  failure?: Pick<ProviderFailure, 'code' | 'message'>,
  providerRefundId?: string,
): Promise<Refund | undefined> {
  for (let race = 0; race < MAX_RACES; race++) {
    // Set only when this round's decision writes a settlement.
    let paymentStatus: Payment['status'] | undefined;
    // The payment is held while the refund is settled: settling never races a refund being
    // created or another settlement of the same payment.
    const result = await deps.refunds.hold(refundId, (r, p) => {
      if (!canMoveRefund(r.status, status)) return undefined;
      const now = deps.clock.now();
      const refunded = status === 'succeeded' ? p.amountRefunded + r.amount : p.amountRefunded;
      paymentStatus =
        status === 'succeeded' && (p.status === 'captured' || p.status === 'partially_refunded')
          ? refunded === p.amount
            ? 'refunded'
            : 'partially_refunded'
          : p.status;
      const nextPayment: Payment = {
        ...p,
        status: paymentStatus,
        amountRefunded: refunded,
        amountRefundPending: p.amountRefundPending - r.amount,
        // A full refund gives every payer of a split bill their share back.
        parts: paymentStatus === 'refunded' ? refundAllParts(p.parts) : p.parts,
        updatedAt: now,
        version: p.version + 1,
      };
      const next: Refund = {
        ...r,
        status,
        providerRefundId: r.providerRefundId ?? providerRefundId ?? null,
        failureCode: status === 'failed' ? (failure?.code ?? 'provider_declined') : null,
        failureMessage: status === 'failed' ? (failure?.message ?? 'The provider declined the refund.') : null,
        updatedAt: now,
        version: r.version + 1,
      };
      const po = paymentOutbox(deps, p, nextPayment);
      const outbox: Outbox = {
        events: [refundEvent(deps, `refund.${status}`, next), ...(po.events ?? [])],
        jobs: po.jobs ?? [],
        retiredJobs: po.retiredJobs ?? [],
      };
      return {
        refund: { next, expectedVersion: r.version },
        payment: { next: nextPayment, expectedVersion: p.version },
        outbox,
      };
    });
    if (result === 'lost') continue;
    if (result?.status === status && paymentStatus !== undefined) {
      deps.log.info({ refundId, paymentId: result.paymentId, status, paymentStatus }, 'refund settled');
    }
    return result;
  }
  throw new BawabaError('internal_error', `refund ${refundId} kept changing while settling`);
}

/**
 * Whether a refund whose first call's outcome is unknown may be sent again: only where the
 * provider honours our idempotency key or says a repeat refunds nothing more. Elsewhere asking
 * again could refund twice, so the amount stays held until someone checks at the provider.
 */
function maySendAgain(deps: PaymentDeps, refund: Refund, payment: Payment): boolean {
  const caps = deps.connectors.get(payment.connector)?.capabilities;
  if (caps?.idempotentCalls || caps?.refunds?.retrySafe) return true;
  deps.log.error({ refundId: refund.id }, 'refund outcome unknown at a provider without idempotency: check it there');
  return false;
}

/** What a reconciliation run decided about a refund. */
export type RefundCheck = { readonly done: true } | { readonly done: false; readonly retryAt: number };

/**
 * Finds out where a pending refund stands: asks again (same key) when the provider's answer to
 * the refund call is unknown, otherwise looks it up; settles it when the provider has decided.
 */
export async function reconcileRefund(deps: PaymentDeps, refundId: string, attempt: number): Promise<RefundCheck> {
  const refund = await deps.refunds.getById(refundId);
  if (refund?.status !== 'pending') return { done: true };
  const payment = await deps.payments.getById(refund.paymentId);
  const connector = payment ? deps.connectors.get(payment.connector) : undefined;
  const account = payment ? await deps.connectorAccounts.get(payment.connectorAccountId) : undefined;
  const later: RefundCheck = { done: false, retryAt: deps.clock.now() + refundBackoffMs(attempt) };
  if (!payment || !connector || !account || payment.providerPaymentId === null) return later;
  if (refund.providerRefundId === null) {
    if (!maySendAgain(deps, refund, payment)) return { done: true };
    const again = await askProvider(deps, refund, payment);
    return again.refund.status === 'pending' ? later : { done: true };
  }
  const found = await connector.retrieveRefund(account, payment.providerPaymentId, refund.providerRefundId, {
    amount: refund.amount,
    currency: refund.currency,
  });
  // Never sooner than the provider asked (its Retry-After), whatever the back-off says.
  if (found.kind === 'unknown' && found.retryAfterMs !== undefined) {
    return { done: false, retryAt: Math.max(later.retryAt, deps.clock.now() + found.retryAfterMs) };
  }
  if (found.kind !== 'found' || found.status === 'pending') return later;
  await settleRefund(
    deps,
    refund.id,
    found.status,
    found.failureMessage ? { code: 'provider_declined', message: found.failureMessage } : undefined,
  );
  return { done: true };
}

/**
 * A provider notification, from its arrival to its effect: verified, stored once with its result,
 * de-duplicated, applied, or taken as a hint and checked with the provider.
 *
 * Longer than 300 lines: the paths a notification can take share its record and its storage rules;
 * kept together so the one place a notification is stored is plain to see.
 */
import type {
  ConnectorAccount,
  InboundNotification,
  NotificationOutcome,
  ProviderRefundNews,
} from '../connector-contract.ts';
import { BawabaError } from '../errors.ts';
import type {
  JobQueue,
  NotificationProcessed,
  ProviderNotification,
  ProviderNotificationRepo,
} from '../event-ports.ts';
import type { Payment } from '../payment/payment.ts';
import { stillWatched } from '../payment/status.ts';
import { applyProviderUpdate } from './apply-provider-update.ts';
import { arrivalKey, awaitArrival } from './arrivals.ts';
import { coalesce } from './coalesce.ts';
import type { PaymentDeps } from './deps.ts';
import { checkNowJob } from './outbox.ts';
import { reconcileRefund, settleRefund } from './refunds.ts';

/** What notifications need beyond the payment use cases. */
export interface NotificationDeps extends PaymentDeps {
  readonly notifications: ProviderNotificationRepo;
  readonly jobs: JobQueue;
}

/** What became of a notification. */
export type NotificationResult =
  | { readonly status: 'unverified'; readonly reason: string }
  | { readonly status: 'duplicate' | 'ignored' | 'unmatched' }
  | { readonly status: 'applied' | 'stale' | 'deferred'; readonly paymentId: string };

/**
 * How long a notification that arrived before its payment was stored waits between looks for
 * it (about a second in all) before it is set aside for a retry.
 */
const ARRIVAL_WAITS_MS: readonly number[] = [20, 40, 80, 160, 320, 400];
/** How long to keep looking for the payment of a notification that arrived before it was stored. */
export const UNMATCHED_RETRY_MS = 5_000;
const UNMATCHED_ATTEMPTS = 6;
/** Headers every stored notification keeps; a connector's capabilities add its own. */
const KEPT_HEADERS = ['content-type', 'user-agent'];
function keptHeaders(inbound: InboundNotification, own: readonly string[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of [...KEPT_HEADERS, ...own]) {
    const value = inbound.headers[name];
    if (value) kept[name] = value;
  }
  return kept;
}

/** Characters kept of an unverifiable request's body. */
export const UNVERIFIED_BODY_KEPT = 1024;

/**
 * A provider notification arrived: it is stored raw with its verification result whatever it
 * is; an unverifiable one changes nothing; a verified one is de-duplicated by the provider's
 * event id, applied through the same state machine as customer returns and polls, and stored
 * with what it did (a crash before that leaves it unanswered, so the provider sends it again).
 */
export async function receiveNotification(
  deps: NotificationDeps,
  connectorId: string,
  connectorAccountId: string,
  inbound: InboundNotification,
): Promise<NotificationResult> {
  const account = await deps.connectorAccounts.get(connectorAccountId);
  const connector = deps.connectors.get(connectorId);
  if (!account || !connector || account.connector !== connectorId) {
    throw new BawabaError('resource_not_found', `No ${connectorId} connector account ${connectorAccountId}.`);
  }
  const outcome = connector.parseNotification(account, inbound);
  const verified = outcome.kind === 'verified';
  const record: ProviderNotification = {
    id: deps.ids.next('ntf'),
    connector: connectorId,
    connectorAccountId,
    providerEventId: verified ? outcome.eventId : null,
    eventType: outcome.kind === 'unverified' ? null : outcome.eventType,
    verified: verified || (outcome.kind === 'hint' && outcome.authenticated === true),
    verificationError:
      outcome.kind === 'unverified'
        ? outcome.reason
        : outcome.kind === 'hint'
          ? outcome.authenticated
            ? 'signed, but not its outcome: taken as a hint and checked with the provider'
            : 'unsigned: taken as a hint and checked with the provider'
          : null,
    headers: keptHeaders(inbound, connector.capabilities.keptHeaders),
    body: kept(
      inbound.method === 'GET' ? queryText(inbound.query) : inbound.rawBody,
      verified || outcome.kind === 'hint',
    ),
    receivedAt: deps.clock.now(),
  };
  if (outcome.kind === 'verified') {
    const first = outcome.eventId === null ? undefined : await deps.notifications.firstOf(account.id, outcome.eventId);
    if (first !== undefined) {
      await deps.notifications.insert({ ...record, processed: processed(deps, `duplicate of ${first}`, null) });
      return { status: 'duplicate' };
    }
    // Stored once it is applied, with what it did (in the transaction of the change it made).
    return processNotification(deps, record, account, outcome, { attempt: 0, stored: false });
  }
  await deps.notifications.insert(record);
  if (outcome.kind === 'unverified') {
    deps.log.warn(
      { notificationId: record.id, connector: connectorId, reason: outcome.reason },
      'unverified notification',
    );
    return { status: 'unverified', reason: outcome.reason };
  }
  return processHint(deps, record, account, outcome.providerPaymentId);
}

function processed(deps: NotificationDeps, result: string, paymentId: string | null): NotificationProcessed {
  return { result, paymentId, at: deps.clock.now() };
}

/** Where a notification being applied stands: stored already (a retry), or not yet. */
export interface NotificationPass {
  /** 0 when it has just arrived; the retry job's attempt after. */
  readonly attempt: number;
  readonly stored: boolean;
}

/** Records what a notification did: it is stored now with it, or its stored row is updated. */
async function settle(
  deps: NotificationDeps,
  record: ProviderNotification,
  pass: NotificationPass,
  result: string,
  paymentId: string | null,
): Promise<void> {
  if (pass.stored) await deps.notifications.markProcessed(record.id, result, paymentId, deps.clock.now());
  else await deps.notifications.insert({ ...record, processed: processed(deps, result, paymentId) });
}

/**
 * What is kept of a body: all of it when it came from the provider (or is a hint to check),
 * only its start and length when nobody can say who sent it, so unverifiable requests cannot
 * fill the database.
 */
function kept(body: string, trusted: boolean): string {
  if (trusted || body.length <= UNVERIFIED_BODY_KEPT) return body;
  return `${body.slice(0, UNVERIFIED_BODY_KEPT)}\n[truncated: ${body.length} characters]`;
}

/** A GET callback is kept as its query string, the only thing it carries. */
function queryText(query: InboundNotification['query']): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) params.append(k, v);
  return params.toString();
}

/**
 * A hint (an unsigned callback, or one whose signature leaves its outcome out) changes nothing
 * by itself: Bawaba asks the provider about the payment it names,
 * with its own credentials, and applies only that answer. A forged hint can therefore cost a
 * provider lookup, never a wrong status or a settled refund; a hint naming a payment that is
 * settled, or none of this account's, costs nothing; a burst of hints for one payment shares
 * its lookups. When the provider cannot be asked now, reconciliation asks at once instead.
 */
async function processHint(
  deps: NotificationDeps,
  record: ProviderNotification,
  account: ConnectorAccount,
  providerPaymentId: string,
): Promise<NotificationResult> {
  const now = () => deps.clock.now();
  const payment = await deps.payments.findByProviderId(account.id, providerPaymentId);
  if (!payment) {
    deps.log.warn({ notificationId: record.id, providerPaymentId }, 'hint names no payment of this account');
    await deps.notifications.markProcessed(record.id, 'unmatched', null, now());
    return { status: 'unmatched' };
  }
  const connector = deps.connectors.get(payment.connector);
  if (!connector || !(stillWatched(payment.status, payment.canceledBy) || payment.amountRefundPending > 0)) {
    await deps.notifications.markProcessed(record.id, 'stale', payment.id, now());
    return { status: 'stale', paymentId: payment.id };
  }
  const status = await coalesce(`hint:${payment.id}`, () => confirmWithProvider(deps, payment.id, account));
  await deps.notifications.markProcessed(record.id, status, payment.id, now());
  return { status, paymentId: payment.id };
}

/**
 * Asks the provider where a payment and its pending refunds stand, and applies the answers:
 * `applied` when anything changed, `stale` when nothing did, `deferred` when the provider could
 * not be asked (a reconciliation job is queued).
 */
async function confirmWithProvider(
  deps: NotificationDeps,
  paymentId: string,
  account: ConnectorAccount,
): Promise<'applied' | 'stale' | 'deferred'> {
  const now = () => deps.clock.now();
  const payment = await deps.payments.getById(paymentId);
  const connector = payment ? deps.connectors.get(payment.connector) : undefined;
  if (!payment || !connector || payment.providerPaymentId === null) return 'stale';
  const found = await connector.retrievePayment(account, payment.providerPaymentId);
  if (found.kind !== 'found' || found.snapshot.providerPaymentId !== payment.providerPaymentId) {
    deps.log.warn(
      { paymentId: payment.id, outcome: found.kind },
      'could not check a hint with the provider; reconciliation will',
    );
    await deps.jobs.enqueue(checkNowJob(deps, payment, now()), now());
    return 'deferred';
  }
  const after = await applyProviderUpdate(deps, payment, found.snapshot, 'poll');
  let changed = after.version !== payment.version;
  if (after.amountRefundPending > 0) {
    const pending = (await deps.refunds.listForPayment(payment.id)).filter(
      (r) => r.status === 'pending' && r.providerRefundId !== null,
    );
    for (const refund of pending) {
      const check = await reconcileRefund(deps, refund.id, 0);
      if (check.done) changed = true;
    }
  }
  return changed ? 'applied' : 'stale';
}

function enqueueRetry(deps: NotificationDeps, record: ProviderNotification): Promise<void> {
  const now = deps.clock.now();
  return deps.jobs.enqueue(
    {
      id: deps.ids.next('job'),
      queue: 'process_notification',
      payload: { notification_id: record.id },
      runAt: now + UNMATCHED_RETRY_MS,
      maxAttempts: UNMATCHED_ATTEMPTS,
      dedupeKey: `notification:${record.id}`,
    },
    now,
  );
}

/**
 * Reads a stored notification again (for a retry). It was verified when it arrived; the static
 * Authorization header, which is not stored, is taken as the one that was checked then.
 */
export function reparseStored(
  deps: Pick<PaymentDeps, 'connectors'>,
  record: ProviderNotification,
  account: ConnectorAccount,
): NotificationOutcome | undefined {
  const connector = deps.connectors.get(record.connector);
  if (!connector || !record.verified) return undefined;
  const authorization = account.credentials.webhook_authorization;
  const headers = authorization ? { ...record.headers, authorization } : record.headers;
  return connector.parseNotification(account, { headers, rawBody: record.body });
}

/**
 * Applies a verified notification, then records what it did: one that changes a payment is
 * stored in the transaction of the change. One that names a payment Bawaba does not have yet
 * (it can arrive before the creation call returns) is retried by a `process_notification` job.
 */
export async function processNotification(
  deps: NotificationDeps,
  record: ProviderNotification,
  account: ConnectorAccount,
  outcome: NotificationOutcome | undefined,
  pass: NotificationPass,
): Promise<NotificationResult> {
  if (outcome?.kind === 'verified' && outcome.refund) {
    return processRefundNews(deps, record, account, outcome.refund, pass);
  }
  if (outcome?.kind !== 'verified' || outcome.snapshot === null) {
    await settle(deps, record, pass, 'ignored', null);
    return { status: 'ignored' };
  }
  const payment = await paymentOf(deps, account, outcome.snapshot.providerPaymentId, pass);
  if (!payment) {
    await unmatched(deps, record, pass, null);
    return { status: 'unmatched' };
  }
  const carried = pass.stored ? undefined : { record, stored: false };
  const after = await applyProviderUpdate(deps, payment, outcome.snapshot, 'notification', carried);
  const status = after.version === payment.version ? 'stale' : 'applied';
  if (!carried?.stored) await settle(deps, record, pass, status, payment.id);
  return { status, paymentId: payment.id };
}

/**
 * Sets aside news of a payment or refund Bawaba does not have yet: on its first pass, its retry
 * is queued before the notification is stored as unmatched. A crash in between leaves a retry
 * of nothing (it ends at once) and the provider unanswered, so it sends the notification again;
 * the other order could leave a stored first copy, which makes every later copy a duplicate,
 * with no retry to apply it.
 */
async function unmatched(
  deps: NotificationDeps,
  record: ProviderNotification,
  pass: NotificationPass,
  paymentId: string | null,
): Promise<void> {
  if (pass.attempt === 0) await enqueueRetry(deps, record);
  await settle(deps, record, pass, 'unmatched', paymentId);
}

/**
 * The payment a notification names. One not stored yet, on the notification's first pass, is
 * looked for again a few times over a second: its creation call is most likely still being
 * recorded, here (which wakes the wait at once) or on another node.
 */
async function paymentOf(
  deps: NotificationDeps,
  account: ConnectorAccount,
  providerPaymentId: string,
  pass: NotificationPass,
): Promise<Payment | undefined> {
  const find = () => deps.payments.findByProviderId(account.id, providerPaymentId);
  const payment = await find();
  if (payment !== undefined || pass.attempt > 0) return payment;
  for (const wait of ARRIVAL_WAITS_MS) {
    const arrival = awaitArrival(arrivalKey(account.id, providerPaymentId), wait);
    // Stored between the last look and the start of this wait: its announcement was missed.
    const stored = await find();
    if (stored !== undefined) {
      arrival.cancel();
      return stored;
    }
    await arrival.arrived;
  }
  return find();
}

/**
 * A refund's news: settles it when the provider has decided. A refund Bawaba does not know by
 * that provider id yet (its refund call has not returned) is retried like an unmatched payment.
 */
async function processRefundNews(
  deps: NotificationDeps,
  record: ProviderNotification,
  account: ConnectorAccount,
  news: ProviderRefundNews,
  pass: NotificationPass,
): Promise<NotificationResult> {
  const payment = await deps.payments.findByProviderId(account.id, news.providerPaymentId);
  const refund = !payment
    ? undefined
    : news.providerRefundId === null
      ? (await deps.refunds.listForPayment(payment.id)).find((r) => r.status === 'pending')
      : await deps.refunds.findByProviderId(payment.id, news.providerRefundId);
  if (!payment || !refund) {
    await unmatched(deps, record, pass, payment?.id ?? null);
    return { status: 'unmatched' };
  }
  if (news.status === 'pending' || refund.status !== 'pending') {
    await settle(deps, record, pass, 'stale', payment.id);
    return { status: 'stale', paymentId: payment.id };
  }
  const failure = news.failureMessage
    ? { code: 'provider_declined' as const, message: news.failureMessage }
    : undefined;
  await settleRefund(deps, refund.id, news.status, failure);
  await settle(deps, record, pass, 'applied', payment.id);
  return { status: 'applied', paymentId: payment.id };
}

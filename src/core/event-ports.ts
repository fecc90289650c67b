/**
 * Ports for durable events: the outbox written with each state change, merchant webhook
 * endpoints and their deliveries, the job queue, and provider notifications received.
 */
import type { Mode } from './payment/payment.ts';
import type { AccountPageQuery, IdempotentAnswer, Page } from './repositories.ts';

/** Something that happened to an object, as merchants see it (`evt_...`). */
export interface DomainEvent {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  /** e.g. `payment.captured`. */
  readonly type: string;
  /** The id of the object the event is about. */
  readonly objectId: string;
  /** The object's API representation at the time of the event. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

/** Names of the job queues; each has one handler. */
export type JobQueueName =
  | 'deliver_webhook'
  | 'reconcile_payment'
  | 'reconcile_refund'
  | 'process_notification'
  | 'checkout_session';

/** A job to run at or after `runAt`. */
export interface NewJob {
  readonly id: string;
  readonly queue: JobQueueName;
  readonly payload: Readonly<Record<string, string>>;
  readonly runAt: number;
  readonly maxAttempts: number;
  /** At most one pending job per key: a second enqueue moves the first one earlier instead. */
  readonly dedupeKey?: string;
  /** Jobs sharing a group (e.g. one webhook endpoint) can be kept from hogging the workers. */
  readonly groupKey?: string;
}

/** What a state change writes in the same transaction: its events and the jobs it causes. */
export interface Outbox {
  readonly events?: readonly DomainEvent[];
  readonly jobs?: readonly NewJob[];
  /** The provider notification that brought the change, stored with what it did. */
  readonly notification?: ProviderNotification;
  /**
   * Dedupe keys of jobs this change left with nothing to do (the watch of a payment that is now
   * settled): removed with it, unless a worker holds one now (that run finds nothing to do).
   */
  readonly retiredJobs?: readonly string[];
  /** The answer to the request that made the change, kept for its replays. */
  readonly answer?: IdempotentAnswer;
}

/** A claimed job. */
export interface Job extends NewJob {
  /** Attempts so far, this one included. */
  readonly attempts: number;
  readonly lockedUntil: number;
  readonly lockedBy: string | null;
  readonly lastError: string | null;
  readonly createdAt: number;
}

/** The durable job queue (the outbox's reader side). */
export interface JobQueue {
  /** Enqueues outside any state change (e.g. a manual redelivery). */
  enqueue(job: NewJob, now: number): Promise<void>;
  /**
   * Claims up to `limit` due jobs for `workerId` until `now + leaseMs`, skipping jobs locked by
   * others and jobs whose `groupKey` is in `busyGroups`. Increments their attempt count.
   */
  claim(workerId: string, now: number, leaseMs: number, limit: number, busyGroups?: readonly string[]): Promise<Job[]>;
  /** Done: the job is removed. Only the worker holding the lease can complete it. */
  complete(id: string, workerId: string): Promise<void>;
  /** Runs again at `runAt` (the attempt count stays). */
  retry(id: string, workerId: string, runAt: number, error: string | null): Promise<void>;
  /** Gives up: the job stays, marked dead, with its error. */
  kill(id: string, workerId: string, error: string): Promise<void>;
  /** Unlocks jobs this worker claimed but did not finish (graceful stop). */
  release(ids: readonly string[], workerId: string): Promise<void>;
  /**
   * Moves the leases of jobs this worker still holds to `lockedUntil` (a long run keeps its
   * job); returns the ids it still held. A job missing from the answer was taken by another
   * worker after its lease lapsed, or is no longer live.
   */
  extend(ids: readonly string[], workerId: string, lockedUntil: number): Promise<string[]>;
  /** Jobs not dead, due or not. */
  pendingCount(): Promise<number>;
  /** The earliest `runAt` of a pending job, if any. */
  nextRunAt(): Promise<number | undefined>;
}

/** Event listing filters. */
export interface EventListQuery extends AccountPageQuery {
  readonly type?: string;
  readonly objectId?: string;
}

/** Events, newest first. */
export interface EventRepo {
  get(accountId: string, mode: Mode, id: string): Promise<DomainEvent | undefined>;
  getById(id: string): Promise<DomainEvent | undefined>;
  list(query: EventListQuery): Promise<Page<DomainEvent>>;
}

/** A merchant's webhook endpoint. Secrets are decrypted here, sealed at rest. */
export interface WebhookEndpoint {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  readonly url: string;
  /** Event types, or `*` for all. */
  readonly enabledEvents: readonly string[];
  readonly status: 'enabled' | 'disabled';
  readonly disabledReason: string | null;
  readonly description: string | null;
  /** `whsec_...` */
  readonly secret: string;
  /** The secret before the last rotation, still signing until `previousSecretExpiresAt`. */
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Webhook endpoints. */
export interface WebhookEndpointRepo {
  create(endpoint: WebhookEndpoint): Promise<void>;
  get(accountId: string, mode: Mode, id: string): Promise<WebhookEndpoint | undefined>;
  getById(id: string): Promise<WebhookEndpoint | undefined>;
  list(accountId: string, mode: Mode): Promise<WebhookEndpoint[]>;
  update(endpoint: WebhookEndpoint): Promise<void>;
  /** Deletes the endpoint; its pending deliveries fail when their jobs run. */
  remove(accountId: string, mode: Mode, id: string): Promise<boolean>;
}

/** One event to one endpoint, over as many attempts as it takes. */
export interface WebhookDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly accountId: string;
  readonly mode: Mode;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
  readonly lastStatusCode: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One HTTP attempt of a delivery. */
export interface WebhookAttempt {
  readonly id: string;
  readonly deliveryId: string;
  readonly attemptedAt: number;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly latencyMs: number;
  /** The first characters of the response body. */
  readonly responseExcerpt: string | null;
}

/** Deliveries and their attempts. */
export interface WebhookDeliveryRepo {
  get(id: string): Promise<WebhookDelivery | undefined>;
  /** Newest first. */
  listForEndpoint(
    endpointId: string,
    page: { limit: number; startingAfter?: string | undefined; endingBefore?: string | undefined },
  ): Promise<Page<WebhookDelivery>>;
  attempts(deliveryId: string): Promise<WebhookAttempt[]>;
  /**
   * Records an attempt and the delivery's new state in one transaction; with `done`, the job
   * that made the attempt is completed in it too (as {@link JobQueue.complete} would).
   */
  recordAttempt(
    attempt: WebhookAttempt,
    next: Pick<WebhookDelivery, 'status' | 'attempts' | 'nextAttemptAt' | 'lastStatusCode' | 'updatedAt'>,
    done?: { readonly jobId: string; readonly workerId: string },
  ): Promise<void>;
  /** Marks a delivery pending again and enqueues its job, in one transaction. */
  redeliver(deliveryId: string, job: NewJob, now: number): Promise<void>;
}

/** A provider notification as received, whether or not it could be verified. */
export interface ProviderNotification {
  readonly id: string;
  readonly connector: string;
  readonly connectorAccountId: string;
  /** The provider's event id, when the body could be read. */
  readonly providerEventId: string | null;
  readonly eventType: string | null;
  readonly verified: boolean;
  readonly verificationError: string | null;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly receivedAt: number;
  /** What applying it did, when it is stored after it was applied. */
  readonly processed?: NotificationProcessed;
}

/** What applying a provider notification did. */
export interface NotificationProcessed {
  readonly result: string;
  readonly paymentId: string | null;
  readonly at: number;
}

/** Provider notifications, stored raw. */
export interface ProviderNotificationRepo {
  /**
   * Stores the notification. For a verified one, `duplicateOf` is the id of an earlier
   * verified notification with the same provider event id, if any.
   */
  insert(notification: ProviderNotification): Promise<{ readonly duplicateOf: string | null }>;
  /** The first verified notification stored of a provider event, if any. */
  firstOf(connectorAccountId: string, providerEventId: string): Promise<string | undefined>;
  get(id: string): Promise<ProviderNotification | undefined>;
  /** Records what applying it did. */
  markProcessed(id: string, result: string, paymentId: string | null, now: number): Promise<void>;
  /**
   * Deletes verified notifications received before `verifiedBefore` and the others received
   * before `unverifiedBefore`; answers how many went.
   */
  purgeReceivedBefore(verifiedBefore: number, unverifiedBefore: number): Promise<number>;
}

/**
 * Repositories: what the core needs stored, declared here and implemented in `storage/`; only
 * `main.ts` wires implementations to them. Events, deliveries, jobs and notifications are in
 * `event-ports.ts`.
 */

import type { ConnectorAccount } from './connector-contract.ts';
import type { Outbox } from './event-ports.ts';
import type { Mode, Payment } from './payment/payment.ts';
import type { PaymentStatus } from './payment/status.ts';
import type { Refund } from './refund/refund.ts';

/** An authenticated caller: the account and mode an API key belongs to. */
export interface Principal {
  readonly accountId: string;
  readonly mode: Mode;
  readonly apiKeyId: string;
}

/** A merchant account. */
export interface Account {
  readonly id: string;
  readonly name: string;
  readonly createdAt: number;
}

/** An API key as stored: only a hash of the secret is kept. */
export interface ApiKeyRecord {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  /** The first characters of the key, safe to show (`sk_test_4f...`). */
  readonly displayPrefix: string;
  /** What the key is for, as its creator described it. */
  readonly description: string | null;
  readonly createdAt: number;
  /** From this instant on the key is refused; null: never. */
  readonly expiresAt: number | null;
  /** When the key last authenticated a request, written at most about once a minute. */
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** Which API keys a listing shows, newest first; without `accountId` or `mode`, all of them. */
export interface ApiKeyListQuery {
  readonly accountId?: string;
  readonly mode?: Mode;
  readonly limit: number;
  readonly startingAfter?: string | undefined;
  readonly endingBefore?: string | undefined;
}

/** A request to revoke one API key. */
export interface ApiKeyRevocation {
  readonly id: string;
  readonly now: number;
  /** Only a key of this account and mode may be revoked (the API); absent: any key (operators). */
  readonly owner?: { readonly accountId: string; readonly mode: Mode };
  /** Refuse to revoke the last active (not revoked, not expired) key of its account and mode. */
  readonly keepOneActive: boolean;
}

/** What revoking an API key did. An already revoked key is answered as it is (revoking is idempotent). */
export type ApiKeyRevocationResult =
  | { readonly kind: 'revoked'; readonly key: ApiKeyRecord }
  | { readonly kind: 'not_found' }
  /** Refused: it is the last active key of its account and mode, and `keepOneActive` was set. */
  | { readonly kind: 'last_active'; readonly key: ApiKeyRecord };

/** Accounts and their API keys. */
export interface AccountRepo {
  createAccount(account: Account): Promise<void>;
  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  /** Stores a key by the SHA-256 hex digest of its secret. */
  createApiKey(key: ApiKeyRecord, secretHash: string): Promise<void>;
  /**
   * The key whose secret hashes to `secretHash`, whatever its state (revoked and expired keys
   * included, so a caller can say why it refuses one).
   */
  findApiKeyByHash(secretHash: string): Promise<(ApiKeyRecord & { readonly secretHash: string }) | undefined>;
  /** A key by id; with `owner`, only if it belongs to that account and mode. */
  getApiKey(id: string, owner?: { readonly accountId: string; readonly mode: Mode }): Promise<ApiKeyRecord | undefined>;
  /** One page of keys, newest first. */
  listApiKeys(query: ApiKeyListQuery): Promise<Page<ApiKeyRecord>>;
  /** Revokes a key in one transaction (see {@link ApiKeyRevocation}); a revoked key keeps its first `revokedAt`. */
  revokeApiKey(revocation: ApiKeyRevocation): Promise<ApiKeyRevocationResult>;
  /**
   * Sets `lastUsedAt` to `at` unless it is already later than `notBefore`: a guarded UPDATE, so
   * several nodes together write a key's use about once per interval. True when it wrote.
   */
  touchApiKey(id: string, at: number, notBefore: number): Promise<boolean>;
}

/** Connector accounts. */
export interface ConnectorAccountRepo {
  /** Creates or replaces the account's configuration of `connector` in `mode`. */
  upsert(account: ConnectorAccount): Promise<ConnectorAccount>;
  get(id: string): Promise<ConnectorAccount | undefined>;
  find(accountId: string, mode: Mode, connector: string): Promise<ConnectorAccount | undefined>;
  list(accountId: string, mode: Mode): Promise<ConnectorAccount[]>;
  remove(accountId: string, mode: Mode, connector: string): Promise<boolean>;
}

/** One page of an account's objects in one mode, newest first, by cursor. */
export interface AccountPageQuery {
  readonly accountId: string;
  readonly mode: Mode;
  readonly limit: number;
  readonly startingAfter?: string | undefined;
  readonly endingBefore?: string | undefined;
}

/** Filters and cursor of a payment listing. Times are epoch milliseconds. */
export interface PaymentListQuery extends AccountPageQuery {
  readonly status?: PaymentStatus;
  readonly createdGte?: number;
  readonly createdLt?: number;
  /** Only payments whose merchant `reference` is exactly this. */
  readonly reference?: string;
}

/** One page of a listing, newest first. */
export interface Page<T> {
  readonly data: T[];
  readonly hasMore: boolean;
}

/** Payments. */
export interface PaymentRepo {
  /**
   * Stores a new payment, its outbox and its link to the idempotency key that created it in one
   * transaction. Throws `idempotency_key_in_use` (writing nothing) when the key already names
   * another object or is no longer held.
   */
  insert(payment: Payment, outbox?: Outbox, reservation?: IdempotencyReservation): Promise<void>;
  /** A payment by id, whatever its account: for routes the customer's browser reaches. */
  getById(id: string): Promise<Payment | undefined>;
  /** A payment by id, only if it belongs to `accountId` in `mode`. */
  get(accountId: string, mode: Mode, id: string): Promise<Payment | undefined>;
  /** The payment a connector account's provider knows by `providerPaymentId`. */
  findByProviderId(connectorAccountId: string, providerPaymentId: string): Promise<Payment | undefined>;
  /**
   * Writes `next` if the stored version still equals `expectedVersion` (then stored as
   * `expectedVersion + 1`), with its outbox in the same transaction: the events (each fanned
   * out to a delivery and a `deliver_webhook` job per subscribed, enabled endpoint of the
   * payment's account and mode) and the jobs. Returns false, writing nothing, when someone else
   * updated the payment first.
   */
  update(next: Payment, expectedVersion: number, outbox?: Outbox): Promise<boolean>;
  list(query: PaymentListQuery): Promise<Page<Payment>>;
}

/** Stored outcome of a request made with an `Idempotency-Key`. */
export interface IdempotencyRecord {
  readonly accountId: string;
  readonly mode: Mode;
  readonly key: string;
  readonly requestHash: string;
  readonly state: 'in_progress' | 'done';
  /** The id of the object the request created, once known (resumes a crashed request). */
  readonly resourceId: string | null;
  readonly responseStatus: number | null;
  readonly responseBody: string | null;
  readonly lockedUntil: number;
  readonly createdAt: number;
  readonly expiresAt: number;
}

/** What happened when a request claimed an idempotency key. */
export type IdempotencyClaim =
  | { readonly kind: 'claimed'; readonly record: IdempotencyRecord }
  | { readonly kind: 'existing'; readonly record: IdempotencyRecord };

/**
 * The idempotency key a request holds while it creates an object: the object's row and the
 * key's link to it are written in one transaction, so no crash can leave one without the other.
 */
export interface IdempotencyReservation {
  readonly accountId: string;
  readonly mode: Mode;
  readonly key: string;
  /**
   * Set when the key is not claimed yet: the transaction that writes the object inserts the
   * key's record with it (one commit, not two) and, once that has committed, marks it claimed.
   * A request that fails before then holds no key, and its answer is not stored.
   */
  readonly pending?: PendingIdempotencyClaim;
}

/** A key's record to insert with the object it creates (see {@link IdempotencyReservation}). */
export interface PendingIdempotencyClaim {
  readonly record: IdempotencyRecord;
  /** Set once the record is committed: from then on the request holds the key. */
  claimed: boolean;
}

/**
 * The final answer to an idempotent request, stored for replay in the transaction of the change
 * it reports (one commit, not two).
 */
export interface IdempotentAnswer {
  readonly reservation: IdempotencyReservation;
  readonly status: number;
  readonly body: string;
}

/**
 * What asking the provider found when a customer came back from its page: the reference the
 * return carried was confirmed; it proved nothing (and the payment's own id was asked about
 * instead); the payment's own lookup moved it, found it still pending, or got no answer; or
 * nothing was asked (the payment was settled already, or had no provider id yet).
 */
export type CustomerReturnOutcome =
  | 'confirmed'
  | 'reference_unproven'
  | 'looked_up'
  | 'still_pending'
  | 'no_answer'
  | 'not_asked';

/** A customer's return from the provider's page, kept for the payment's timeline. */
export interface CustomerReturn {
  readonly id: string;
  readonly paymentId: string;
  readonly returnedAt: number;
  readonly outcome: CustomerReturnOutcome;
  /** The payment's status once the return was handled. */
  readonly status: PaymentStatus;
}

/** Customers' returns. */
export interface CustomerReturnRepo {
  record(customerReturn: CustomerReturn): Promise<void>;
  /** Oldest first. */
  listForPayment(paymentId: string): Promise<CustomerReturn[]>;
}

/** Idempotency keys. */
export interface IdempotencyRepo {
  /**
   * Atomically inserts an `in_progress` record, or, if the key exists, takes it over when it is
   * expired or its lock lapsed (`claimed`, keeping `resourceId`), or returns it (`existing`).
   */
  claim(record: IdempotencyRecord, now: number): Promise<IdempotencyClaim>;
  /** The record of a key, if there is one (a read: claims nothing). */
  find(accountId: string, mode: Mode, key: string): Promise<IdempotencyRecord | undefined>;
  /** Records the id of the object the request is creating. */
  attachResource(accountId: string, mode: Mode, key: string, resourceId: string): Promise<void>;
  /** Stores the response and marks the record done. */
  complete(accountId: string, mode: Mode, key: string, status: number, body: string): Promise<void>;
  /** Lets the key be taken again at once (after a crash-like failure). */
  release(accountId: string, mode: Mode, key: string): Promise<void>;
  /** Deletes records that expired before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** A guarded write of a refund together with its payment, in one transaction. */
export interface RefundWrite {
  /** `expectedVersion` null inserts the refund; otherwise its stored version must match. */
  readonly refund: { readonly next: Refund; readonly expectedVersion: number | null };
  /** The payment's stored version must match too (this is what keeps refunds within the amount). */
  readonly payment?: { readonly next: Payment; readonly expectedVersion: number };
  readonly outbox?: Outbox;
  /** A new refund's idempotency key, linked to it in the same transaction. */
  readonly reservation?: IdempotencyReservation;
}

/** Refunds. */
export interface RefundRepo {
  /** Writes all of it or nothing: false when either version guard failed. */
  write(change: RefundWrite): Promise<boolean>;
  /**
   * Reserves a new refund against its payment: holds the payment (a row lock on PostgreSQL;
   * SQLite has one writer at a time), hands the fresh payment to `decide`, and writes what it
   * returns in the same transaction. `decide` throws to refuse (nothing is written). Concurrent
   * reservations queue instead of racing, so each sees every refund reserved before it.
   * Undefined when there is no such payment.
   */
  reserve(paymentId: string, decide: (payment: Payment) => RefundWrite): Promise<RefundWrite | undefined>;
  /**
   * Changes an existing refund while holding its payment, as {@link reserve} does: `decide` gets
   * both as they are under the hold and returns what to write, or undefined to write nothing.
   * Answers the refund as written (or as found), or undefined when there is no such refund, or
   * `lost` when a write to the refund alone slipped in between (try again).
   */
  hold(
    refundId: string,
    decide: (refund: Refund, payment: Payment) => RefundWrite | undefined,
  ): Promise<Refund | 'lost' | undefined>;
  get(accountId: string, mode: Mode, id: string): Promise<Refund | undefined>;
  getById(id: string): Promise<Refund | undefined>;
  /** A payment's refunds, oldest first. */
  listForPayment(paymentId: string): Promise<Refund[]>;
  findByProviderId(paymentId: string, providerRefundId: string): Promise<Refund | undefined>;
}

/**
 * Ports: what the core needs from the outside world, declared here and implemented in
 * `storage/`, `connectors/` and friends; only `main.ts` wires implementations to them.
 */
import type { Outbox } from './event-ports.ts';
import type { Money } from './money.ts';
import type { Customer, Mode, Payment, PaymentMethod, PaymentPartStatus } from './payment/payment.ts';
import type { PaymentStatus } from './payment/status.ts';

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
  readonly startingAfter?: string;
  readonly endingBefore?: string;
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

/** A merchant's configuration of one connector in one mode, with decrypted credentials. */
export interface ConnectorAccount {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  readonly connector: string;
  /** Secrets (e.g. `secret_key`, `webhook_signature_key`); encrypted at rest. */
  readonly credentials: Readonly<Record<string, string>>;
  /** Non-secret settings (e.g. `base_url`, `processing_channel_id`). */
  readonly settings: Readonly<Record<string, string>>;
  /** Lower runs first when several connectors can take a payment. */
  readonly priority: number;
  readonly createdAt: number;
  readonly updatedAt: number;
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

/** Filters and cursor of a payment listing. Times are epoch milliseconds. */
export interface PaymentListQuery {
  readonly accountId: string;
  readonly mode: Mode;
  readonly limit: number;
  readonly startingAfter?: string;
  readonly endingBefore?: string;
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
}

/** Idempotency keys. */
export interface IdempotencyRepo {
  /**
   * Atomically inserts an `in_progress` record, or, if the key exists, takes it over when it is
   * expired or its lock lapsed (`claimed`, keeping `resourceId`), or returns it (`existing`).
   */
  claim(record: IdempotencyRecord, now: number): Promise<IdempotencyClaim>;
  /** Records the id of the object the request is creating. */
  attachResource(accountId: string, mode: Mode, key: string, resourceId: string): Promise<void>;
  /** Stores the response and marks the record done. */
  complete(accountId: string, mode: Mode, key: string, status: number, body: string): Promise<void>;
  /** Lets the key be taken again at once (after a crash-like failure). */
  release(accountId: string, mode: Mode, key: string): Promise<void>;
  /** Deletes records that expired before `now`; returns how many. */
  purgeExpired(now: number): Promise<number>;
}

/** What a connector can do, declared as data so requests it cannot honour fail before any call. */
export interface ConnectorCapabilities {
  /** Payment methods and, for each, the currencies the provider takes. */
  readonly methods: Readonly<Partial<Record<PaymentMethod, readonly string[]>>>;
  /** Largest amount the provider accepts, in minor units. */
  readonly maxAmountMinor: number;
  /** Minor-unit amounts must be a multiple of this for the currency (Checkout.com: 10 for 3-decimal currencies). */
  readonly amountStep?: Readonly<Record<string, number>>;
  /** How long the customer has to pay, in milliseconds, as the provider enforces it. */
  readonly paymentWindowMs: number;
  /** Refunds: whether less than the whole amount, and more than one, may be refunded; null when none. */
  readonly refunds: {
    readonly partial: boolean;
    readonly multiple: boolean;
    /** The provider's refund news names no refund: only one may be pending at a time. */
    readonly oneAtATime?: boolean;
    /**
     * A refund call may be sent again when its answer was lost, even without idempotency keys:
     * the provider refunds a payment once at most, and the connector turns its refusal of a
     * second refund into the first one's outcome (Qattah: full refunds of a paid order only).
     */
    readonly retrySafe?: boolean;
  } | null;
  /**
   * Cancellation of a payment not yet paid: in which statuses, and whether the provider is told
   * (`provider`) or, having no such call, simply left to expire it (`local`); null when none.
   */
  readonly cancel: { readonly statuses: readonly PaymentStatus[]; readonly at: 'provider' | 'local' } | null;
  /**
   * Whether the provider honours an idempotency key on create and refund calls. Without it a
   * call whose answer was lost is never sent again (it could charge or refund twice).
   */
  readonly idempotentCalls: boolean;
  /** The provider needs the customer's name and an email or phone number. */
  readonly requiresCustomerContact: boolean;
  /**
   * Voids of captured payments, if any: only on the capture's calendar day, in the provider's
   * time zone (UTC offset in minutes), before `cutoffHour` o'clock there.
   */
  readonly void: { readonly utcOffsetMinutes: number; readonly cutoffHour: number } | null;
  /**
   * The provider never reports an abandoned payment: once the window has passed and it still
   * has no payment, Bawaba marks it expired.
   */
  readonly expiresSilently: boolean;
  /**
   * Payments are split bills: several payers each pay a share within the window, so while it is
   * open the provider is asked about the shares more often than about a single payer's payment.
   */
  readonly splitBill: boolean;
  /**
   * Headers of a provider notification stored with it, besides `content-type` and `user-agent`
   * (the provider's signature header, so a stored notification can be verified again).
   */
  readonly keptHeaders: readonly string[];
}

/** Outcome of asking the provider to cancel a payment nobody has paid yet. */
export type CancelOutcome =
  /** Canceled; `snapshot` is the provider's view after it, when its answer carried one. */
  | { readonly kind: 'canceled'; readonly snapshot: ProviderPaymentSnapshot | null }
  | { readonly kind: 'rejected'; readonly failure: ProviderFailure }
  | UnknownOutcome;

/** Outcome of asking the provider to void a captured payment. */
export type VoidOutcome =
  | { readonly kind: 'voided' }
  | { readonly kind: 'rejected'; readonly failure: ProviderFailure }
  | UnknownOutcome;

/** The configuration a connector account of this connector takes. */
export interface ConnectorConfigSpec {
  /** Secret credential names, stored encrypted; `required` ones must be set. */
  readonly credentials: { readonly required: readonly string[]; readonly optional: readonly string[] };
  /** Non-secret setting names (`base_url` points the connector at a provider host). */
  readonly settings: readonly string[];
}

/** A payment as a connector sends it to its provider. */
export interface ProviderPaymentRequest {
  readonly paymentId: string;
  readonly money: Money;
  readonly paymentMethod: PaymentMethod;
  readonly description: string | null;
  readonly reference: string | null;
  readonly customer: Customer | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** Where the provider sends the customer back (Bawaba's return route for this payment). */
  readonly returnUrl: string;
  /** Derived from the payment id, so a retried create cannot make a second provider payment. */
  readonly idempotencyKey: string;
  readonly locale: 'en' | 'ar';
  /** Where the provider posts its notifications for this payment (Bawaba's hook route). */
  readonly notificationUrl: string;
}

/**
 * A provider's status mapped onto Bawaba's, plus `pending`: the provider has the payment but
 * has no outcome yet (what that means depends on whether the customer came back).
 */
export type ProviderPaymentStatus = PaymentStatus | 'pending';

/** Why a provider call's outcome is unknown. */
export type UnknownReason =
  | 'timeout'
  | 'network'
  | 'connection_refused'
  /**
   * Bawaba's own address policy refused to connect (a live account's provider host resolves to
   * a loopback, private or otherwise non-public address): nothing was sent, and the provider
   * decided nothing, so this never fails a payment or a refund by itself.
   */
  | 'address_not_allowed'
  | 'rate_limited'
  | 'server_error'
  | 'malformed_response'
  | 'unexpected_response';

/**
 * A provider call whose outcome is not known: nothing may be concluded from it (never a
 * failure), and the gateway asks the provider again later.
 */
export interface UnknownOutcome {
  readonly kind: 'unknown';
  readonly reason: UnknownReason;
  readonly detail: string;
  /**
   * How long the provider asked to be left alone before it is asked again (its `Retry-After`),
   * in milliseconds, when it said; a reconciliation waits at least this long.
   */
  readonly retryAfterMs?: number;
}

/** A provider error translated into Bawaba's terms. */
export interface ProviderFailure {
  readonly code:
    | 'provider_declined'
    | 'provider_request_rejected'
    | 'provider_authentication_failed'
    | 'provider_unavailable'
    | 'amount_invalid'
    | 'currency_not_supported'
    | 'parameter_invalid';
  readonly message: string;
  /** The merchant-facing parameter at fault, when the provider named one. */
  readonly param?: string;
  /** The provider's own error codes, for support. */
  readonly providerCodes: readonly string[];
}

/** One share of a split payment as the provider reports it. */
export interface ProviderPaymentPart {
  readonly providerPartId: string;
  readonly name: string;
  /** Integer minor units, in the payment's currency. */
  readonly amount: number;
  readonly status: PaymentPartStatus;
  /** How the share was paid (`applepay`, `mada`), once paid. */
  readonly method: string | null;
}

/** The provider's view of one payment. */
export interface ProviderPaymentSnapshot {
  readonly providerPaymentId: string;
  readonly status: ProviderPaymentStatus;
  /** The provider's own status word. */
  readonly providerStatus: string;
  readonly money: Money | null;
  /** Where the customer pays, while they still can. */
  readonly redirectUrl: string | null;
  readonly failureMessage: string | null;
  /**
   * Split-bill providers only: the shares as the provider has them now ([] before anyone
   * split the bill). Absent for providers without shares.
   */
  readonly parts?: readonly ProviderPaymentPart[];
}

/** A refund as a connector sends it to its provider. */
export interface ProviderRefundRequest {
  readonly refundId: string;
  readonly providerPaymentId: string;
  readonly money: Money;
  /** Derived from the refund id: a retried refund call cannot refund twice (where honoured). */
  readonly idempotencyKey: string;
  /** Where the provider posts its notifications about this refund. */
  readonly notificationUrl: string;
}

/** Outcome of asking the provider for a refund. */
export type RefundOutcome =
  | { readonly kind: 'accepted'; readonly providerRefundId: string }
  /** The provider refunded at once: nothing is left to wait for (Qattah). */
  | { readonly kind: 'succeeded'; readonly providerRefundId: string }
  | { readonly kind: 'rejected'; readonly failure: ProviderFailure }
  | UnknownOutcome;

/** The provider's view of one refund. */
export type RefundLookup =
  | {
      readonly kind: 'found';
      readonly status: 'pending' | 'succeeded' | 'failed';
      readonly failureMessage: string | null;
    }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'rejected'; readonly failure: ProviderFailure }
  | UnknownOutcome;

/** What a notification says about a refund. */
export interface ProviderRefundNews {
  readonly providerPaymentId: string;
  /** Null where the provider names no refund (Akurateco): the news is about the oldest pending one. */
  readonly providerRefundId: string | null;
  readonly status: 'pending' | 'succeeded' | 'failed';
  readonly failureMessage: string | null;
}

/** Outcome of asking the provider to create a payment. */
export type CreateOutcome =
  | { readonly kind: 'created'; readonly snapshot: ProviderPaymentSnapshot }
  | { readonly kind: 'rejected'; readonly failure: ProviderFailure }
  | UnknownOutcome;

/** Outcome of asking the provider about a payment. */
export type RetrieveOutcome =
  | { readonly kind: 'found'; readonly snapshot: ProviderPaymentSnapshot }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'rejected'; readonly failure: ProviderFailure }
  | UnknownOutcome;

/** A provider notification as it arrived over HTTP. */
export interface InboundNotification {
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** The raw body, exactly as received: signatures are over these bytes. */
  readonly rawBody: string;
  /** `POST` when absent; Qattah calls back with a bare `GET`. */
  readonly method?: 'GET' | 'POST';
  /** The query string's parameters (a GET callback carries everything there). */
  readonly query?: Readonly<Record<string, string | undefined>>;
}

/** What a connector made of a notification. */
export type NotificationOutcome =
  /** Not provably from the provider: answered 401, never applied. */
  | { readonly kind: 'unverified'; readonly reason: string }
  /**
   * Unsigned news that only names a payment (Qattah's success callback): anyone could have
   * sent it, so Bawaba asks the provider about that payment before changing anything.
   */
  | {
      readonly kind: 'hint';
      readonly eventType: string;
      readonly providerPaymentId: string;
      /**
       * The provider's signature proves which payment the news is about, but not its outcome
       * (Akurateco's callback hash leaves `type` and `status` out): still only a hint.
       */
      readonly authenticated?: boolean;
    }
  /** From the provider. `snapshot` is null when the event says nothing about a payment's status. */
  | {
      readonly kind: 'verified';
      readonly eventId: string;
      readonly eventType: string;
      readonly snapshot: ProviderPaymentSnapshot | null;
      /** Set when the event is about a refund. */
      readonly refund?: ProviderRefundNews;
    };

/**
 * The connector contract: one provider behind one closed set of normalised outcomes. A
 * connector never throws for a provider fault; it answers `unknown`, and never reports a
 * failure the provider did not state.
 */
export interface Connector {
  /** Connector id, e.g. `checkout_com`. */
  readonly id: string;
  readonly capabilities: ConnectorCapabilities;
  readonly configuration: ConnectorConfigSpec;
  /** Creates the payment at the provider. */
  createPayment(account: ConnectorAccount, request: ProviderPaymentRequest): Promise<CreateOutcome>;
  /** Looks a payment up by any reference the provider accepts (payment id or session id). */
  retrievePayment(account: ConnectorAccount, reference: string): Promise<RetrieveOutcome>;
  /** The provider reference carried by the customer's return to Bawaba, if any. */
  returnReference(query: Readonly<Record<string, string | undefined>>): string | undefined;
  /** Cancels an unpaid payment at the provider (only where `capabilities.cancel.at` is `provider`). */
  cancelPayment?(account: ConnectorAccount, providerPaymentId: string): Promise<CancelOutcome>;
  /** Voids a captured payment (only where `capabilities.void` is set). */
  voidPayment?(account: ConnectorAccount, providerPaymentId: string): Promise<VoidOutcome>;
  /** Asks the provider to refund (part of) a captured payment. */
  refundPayment(account: ConnectorAccount, request: ProviderRefundRequest): Promise<RefundOutcome>;
  /** Asks the provider where a refund stands. */
  retrieveRefund(
    account: ConnectorAccount,
    providerPaymentId: string,
    providerRefundId: string,
    money: Money,
  ): Promise<RefundLookup>;
  /** Verifies a notification with the account's credentials and maps it to a status, if any. */
  parseNotification(account: ConnectorAccount, notification: InboundNotification): NotificationOutcome;
}

/** Finds connectors by id. */
export interface ConnectorRegistry {
  get(id: string): Connector | undefined;
  ids(): readonly string[];
}

/** The logging the core needs (a subset of pino's API). */
export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

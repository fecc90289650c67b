/**
 * The connector contract: what a connector declares it can do (its capabilities) and the calls
 * and outcomes through which the core talks to a provider. Implemented in `connectors/`.
 *
 * Longer than 300 lines: the whole contract, mostly its documentation, read top to bottom by
 * whoever writes a connector.
 */
import type { Money } from './money.ts';
import type { Customer, Mode, PaymentMethod, PaymentPartStatus } from './payment/payment.ts';
import type { PaymentStatus } from './payment/status.ts';

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

/** What a connector can do, declared as data so requests it cannot honour fail before any call. */
export interface ConnectorCapabilities {
  /** Payment methods and, for each, the currencies the provider takes. */
  readonly methods: Readonly<Partial<Record<PaymentMethod, readonly string[]>>>;
  /** Largest amount the provider accepts, in minor units. */
  readonly maxAmountMinor: number;
  /** Minor-unit amounts must be a multiple of this for the currency (e.g. 10 for 3-decimal currencies, where a provider rounds them). */
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
     * second refund into the first one's outcome (full refunds of a paid order only, say).
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
  /**
   * Checks a setting's value before it is stored: what is wrong with it (a phrase that follows
   * `settings.<name>`), or undefined when it is good. Absent: any value is taken.
   */
  readonly checkSetting?: (name: string, value: string) => string | undefined;
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
  /** The provider refunded at once: nothing is left to wait for. */
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
  /** Null where the provider names no refund: the news is about the oldest pending one. */
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
  /** `POST` when absent; some providers call back with a bare `GET`. */
  readonly method?: 'GET' | 'POST';
  /** The query string's parameters (a GET callback carries everything there). */
  readonly query?: Readonly<Record<string, string | undefined>>;
}

/** What a connector made of a notification. */
export type NotificationOutcome =
  /** Not provably from the provider: answered 401, never applied. */
  | { readonly kind: 'unverified'; readonly reason: string }
  /**
   * Unsigned news that only names a payment (a bare success callback): anyone could have
   * sent it, so Bawaba asks the provider about that payment before changing anything.
   */
  | {
      readonly kind: 'hint';
      readonly eventType: string;
      readonly providerPaymentId: string;
      /**
       * The provider's signature proves which payment the news is about, but not its outcome
       * (a callback hash that leaves `type` and `status` out): still only a hint.
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
  /** Connector id, as the registry names it. */
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

/**
 * Hand-written types of the Bawaba API's objects and parameters (snake_case, as on the wire).
 * Amounts are integers in the currency's minor units (QAR 100 = 1.00 riyal). Times are ISO 8601
 * strings. One file for every object of the API (hence its length): it is what
 * test/contract/sdk-types.test.ts holds against docs/openapi.json, field by field.
 */

/** Every status a payment can have. */
export type PaymentStatus =
  | 'requires_action'
  | 'processing'
  | 'authorized'
  | 'captured'
  | 'partially_refunded'
  | 'refunded'
  | 'disputed'
  | 'failed'
  | 'canceled'
  | 'expired';

/** A payment method: `qpay` (QAR), `card`, `qattah` (Qattah Pay split bills, SAR only). */
export type PaymentMethod = 'qpay' | 'card' | 'qattah';

/** One share of a split-bill payment (`qattah`): one payer's invoice. */
export interface PaymentPart {
  /** The provider's id of the share. */
  id: string;
  /** The payer's label, as the person who split the bill typed it. */
  name: string;
  /** Integer minor units, in the payment's currency. */
  amount: number;
  status: 'pending' | 'paid' | 'expired' | 'refunded';
  /** `applepay` or `mada`, once paid. */
  method: string | null;
  /** When Bawaba first saw the share paid. */
  paid_at: string | null;
}

/** The customer as the API shows it (the national id is write-only). */
export interface PaymentCustomer {
  name?: string;
  email?: string;
  phone?: string;
}

/** The next step the customer has to take: open `url`. */
export interface RedirectAction {
  type: 'redirect';
  url: string;
}

/** A connector's try at creating the payment, kept when routing moved on to another. */
export interface ConnectorAttempt {
  /** The connector tried, e.g. `checkout_com`. */
  connector: string;
  /** What came of it, e.g. `unavailable`. */
  outcome: string;
  /** Why, e.g. `timeout`, `connection_refused`, `server_error`. */
  reason: string;
  /** When it was tried. */
  at: string;
}

/** A payment (`pay_...`). */
export interface Payment {
  id: string;
  object: 'payment';
  status: PaymentStatus;
  /** Integer minor units. */
  amount: number;
  /** How much of `amount` has been refunded so far, integer minor units. */
  amount_refunded: number;
  /** ISO 4217 code, e.g. `QAR`. */
  currency: string;
  payment_method: PaymentMethod;
  /** The connector that took the payment, e.g. `checkout_com`. */
  connector: string;
  livemode: boolean;
  reference: string | null;
  description: string | null;
  customer: PaymentCustomer | null;
  metadata: Record<string, string>;
  return_url: string;
  /** Set while the status is `requires_action`. */
  next_action: RedirectAction | null;
  provider_payment_id: string | null;
  /** Who canceled the payment: `merchant` when canceled through the API. */
  canceled_by: string | null;
  /** The customer paid after the merchant canceled: refund it. */
  captured_after_cancel: boolean;
  /** Split-bill payments only: one entry per share; empty otherwise. */
  parts: PaymentPart[];
  /** Every connector tried while routing the payment. */
  connector_attempts: ConnectorAttempt[];
  failure_code: string | null;
  failure_message: string | null;
  expires_at: string | null;
  /** When the gateway recorded the capture; null until captured. */
  captured_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The customer given when creating a payment. */
export interface PaymentCustomerInput {
  name?: string;
  email?: string;
  /** Digits, optionally with a leading `+`. */
  phone?: string;
  /** Sent to providers that need it; never shown back. */
  national_id?: string;
}

/** Parameters of `POST /v1/payments`. */
export interface CreatePaymentParams {
  /** Integer minor units, at least 1. */
  amount: number;
  /** ISO 4217 code, e.g. `QAR`. */
  currency: string;
  payment_method: PaymentMethod;
  /** Where the customer is sent once the payment is settled (http or https). */
  return_url: string;
  /** Force a connector instead of letting Bawaba route the payment. */
  connector?: string;
  reference?: string;
  description?: string;
  /** Language of the provider's payment page. */
  locale?: 'en' | 'ar';
  customer?: PaymentCustomerInput;
  /** Up to 50 keys of 1–40 characters, values up to 500. */
  metadata?: Record<string, string>;
}

/** Cursor pagination: pass the id of the last (or first) object you saw. */
export interface ListParams {
  /** 1 to 100. */
  limit?: number;
  /** The next page: objects after this id (older). */
  starting_after?: string;
  /** The previous page: objects before this id (newer). */
  ending_before?: string;
}

/** A time bound: an ISO 8601 string, a `Date`, or a number of Unix seconds. */
export type TimeBound = string | number | Date;

/** Parameters of `GET /v1/payments`. */
export interface ListPaymentsParams extends ListParams {
  status?: PaymentStatus;
  /** Only payments with exactly this merchant's reference. */
  reference?: string;
  created?: {
    /** At or after. */
    gte?: TimeBound;
    /** Strictly before. */
    lt?: TimeBound;
  };
}

/** One page of a list, newest first. */
export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
}

/** Event types: `payment.<status>` when a payment reaches that status, refunds' and checkout sessions' events. */
export type EventType =
  | 'payment.requires_action'
  | 'payment.processing'
  | 'payment.authorized'
  | 'payment.captured'
  | 'payment.partially_refunded'
  | 'payment.refunded'
  | 'payment.disputed'
  | 'payment.failed'
  | 'payment.canceled'
  | 'payment.expired'
  | 'payment.captured_after_cancel'
  /** One share of a split bill was paid; `data.object` is the share (`object: 'payment_part'`). */
  | 'payment.part_paid'
  | 'refund.created'
  | 'refund.succeeded'
  | 'refund.failed'
  /** A checkout session's payment was captured; `data.object` is the session. */
  | 'checkout.session.completed'
  /** A checkout session closed unpaid. */
  | 'checkout.session.expired'
  | 'payment_link.created'
  | 'payment_link.updated';

/** What a webhook endpoint subscribes to: an event type, or `*` for all. */
export type EnabledEvent = EventType | '*';

/** A share of a split bill as a `payment.part_paid` event carries it, with the whole payment. */
export interface PaymentPartObject extends PaymentPart {
  object: 'payment_part';
  /** The payment the share belongs to. */
  payment_id: string;
  currency: string;
  /** The payment as it is now that the share is paid. */
  payment: Payment;
}

/**
 * Something that happened (`evt_...`), as listed and as delivered to webhook endpoints. The type
 * stays open so that types the server adds later need no new SDK.
 */
export interface Event {
  id: string;
  object: 'event';
  type: EventType | (string & {});
  livemode: boolean;
  created_at: string;
  data: {
    /**
     * The object as it was when the event happened: a payment (`payment.*`), a refund
     * (`refund.*`), a share of a split bill (`payment.part_paid`) or a checkout session
     * (`checkout.session.*`). Tell them apart by `object`.
     */
    object: Payment | Refund | PaymentPartObject | CheckoutSession;
  };
}

/** Parameters of `GET /v1/events`. */
export interface ListEventsParams extends ListParams {
  /** Only events of this type. */
  type?: EventType;
  /** Only events about this object, e.g. a `pay_...` id. */
  object_id?: string;
}

/** A merchant endpoint that receives events (`we_...`). */
export interface WebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  url: string;
  /** Event types sent to this endpoint, or `['*']` for all. */
  enabled_events: Array<EnabledEvent | (string & {})>;
  /** A disabled endpoint receives nothing (it answered HTTP 410, or was disabled by hand). */
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  description: string | null;
  livemode: boolean;
  /** The `whsec_...` signing secret: present only when the endpoint is created or its secret rotated. */
  secret?: string;
  /** After a rotation: until when the previous secret still signs too. */
  previous_secret_expires_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Parameters of `POST /v1/webhook_endpoints`. */
export interface CreateWebhookEndpointParams {
  /** `https://` in live mode. */
  url: string;
  /** 1 to 20 event types, or `['*']` for all. */
  enabled_events: EnabledEvent[];
  description?: string;
}

/** Parameters of `POST /v1/webhook_endpoints/{id}`: only the fields given change. */
export interface UpdateWebhookEndpointParams {
  url?: string;
  enabled_events?: EnabledEvent[];
  description?: string;
  /** `disabled` stops deliveries; `enabled` resumes them. */
  status?: 'enabled' | 'disabled';
}

/** Parameters of `POST /v1/webhook_endpoints/{id}/rotate_secret`. */
export interface RotateWebhookSecretParams {
  /** How long the previous secret keeps signing too, in seconds (0 ends it now). */
  expire_previous_in_seconds?: number;
}

/** What deleting a webhook endpoint answers. */
export interface DeletedWebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  deleted: boolean;
}

/** One try at delivering an event to an endpoint. */
export interface WebhookDeliveryAttempt {
  attempted_at: string;
  /** The endpoint's HTTP status, or `null` if it did not answer. */
  status_code: number | null;
  /** Why no answer came (timeout, refused connection…). */
  error: string | null;
  latency_ms: number;
  /** The start of the endpoint's answer. */
  response_excerpt: string | null;
}

/** The delivery of one event to one endpoint (`whd_...`), with every attempt. */
export interface WebhookDelivery {
  id: string;
  object: 'webhook_delivery';
  endpoint_id: string;
  event_id: string;
  event_type: string | null;
  status: 'pending' | 'succeeded' | 'failed';
  attempt_count: number;
  next_attempt_at: string | null;
  last_status_code: number | null;
  attempts: WebhookDeliveryAttempt[];
  created_at: string;
  updated_at: string;
}

/** A refund (`re_...`): most providers settle refunds later, so it starts `pending`. */
export interface Refund {
  id: string;
  object: 'refund';
  payment_id: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string | null;
  metadata: Record<string, string>;
  livemode: boolean;
  provider_refund_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  created_at: string;
  updated_at: string;
}

/** Parameters of `POST /v1/payments/{id}/refunds`. */
export interface CreateRefundParams {
  /** Integer minor units; default: all that is left to refund. */
  amount?: number;
  reason?: string;
  metadata?: Record<string, string>;
}

/** An API key (`key_...`); its secret is shown only when created. */
export interface ApiKey {
  id: string;
  object: 'api_key';
  livemode: boolean;
  /** The first characters of the secret, to recognise it. */
  prefix: string;
  description: string | null;
  status: 'active' | 'revoked' | 'expired';
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
  /** The `sk_...` secret: present only in the answer that created the key. */
  secret?: string;
}

/** Parameters of `POST /v1/api_keys`: a new key of the same account and mode as the caller's. */
export interface CreateApiKeyParams {
  /** When the key stops working: ISO 8601 date-time or Unix seconds. */
  expires_at?: string | number;
  description?: string;
}

/** A connector's account: the provider credentials the gateway uses (secrets masked). */
export interface ConnectorAccount {
  id: string;
  object: 'connector_account';
  /** Where to point the provider's notifications. */
  webhook_url: string;
  connector: string;
  livemode: boolean;
  /** Masked: secrets never come back. */
  credentials: Record<string, string>;
  settings: Record<string, string>;
  priority: number;
  created_at: string;
  updated_at: string | null;
}

/** Parameters of `PUT /v1/connectors/{connector}`. */
export interface PutConnectorParams {
  credentials: Record<string, string>;
  settings?: Record<string, string>;
  /** Lower goes first when several connectors can take a payment. */
  priority?: number;
}

/** What removing a connector's account answers. */
export interface DeletedConnector {
  connector: string;
  deleted: boolean;
}

/** A hosted checkout page (`cs_...`) where the customer picks how to pay. */
export interface CheckoutSession {
  id: string;
  object: 'checkout_session';
  status: 'open' | 'complete' | 'expired';
  /** The hosted page to send the customer to. */
  url: string;
  /** Integer minor units. */
  amount: number;
  currency: string;
  /** The methods offered on the page. */
  payment_methods: PaymentMethod[];
  /** Where the customer goes once the session's payment is captured. */
  success_url: string;
  /** Where the customer goes on leaving the page without paying. */
  cancel_url: string;
  reference: string | null;
  description: string | null;
  /** The page's language; `null`: the customer's browser decides. */
  locale: 'en' | 'ar' | null;
  customer: PaymentCustomer | null;
  metadata: Record<string, string>;
  /** The latest payment tried; once `complete`, the captured one. */
  payment_id: string | null;
  /** Every payment tried on the session, oldest first. */
  payment_ids: string[];
  livemode: boolean;
  expires_at: string;
  completed_at: string | null;
  created_at: string;
}

/** Parameters of `POST /v1/checkout_sessions`. */
export interface CreateCheckoutSessionParams {
  /** Integer minor units, at least 1. */
  amount: number;
  currency: string;
  /** Where the customer goes once the session's payment is captured. */
  success_url: string;
  /** Where the customer goes on leaving the page without paying. */
  cancel_url: string;
  /** The methods offered; default: every method the configured connectors take for this amount. */
  payment_methods?: PaymentMethod[];
  reference?: string;
  description?: string;
  /** The page's language; without it, the customer's browser decides. */
  locale?: 'en' | 'ar';
  customer?: PaymentCustomer;
  metadata?: Record<string, string>;
  /** ISO 8601; between 5 minutes and 24 hours from now (default: 1 hour). */
  expires_at?: string;
}

/**
 * A payment link (`plink_...`): a stable `url` to share (and its QR code) where each visit opens a
 * new checkout session, for a fixed `amount` or one the customer enters within bounds.
 */
export interface PaymentLink {
  id: string;
  object: 'payment_link';
  /** An inactive link opens no session and shows the customer that the link is off. */
  active: boolean;
  /** The address to share: each visit opens a new checkout session. */
  url: string;
  /** A QR code of `url`, as SVG. */
  qr_svg_url: string;
  /** The fixed amount, integer minor units; `null`: the customer enters one. */
  amount: number | null;
  /** The least the customer may enter, integer minor units. */
  min_amount: number | null;
  /** The most the customer may enter, integer minor units. */
  max_amount: number | null;
  currency: string;
  /** What the customer pays for, shown on the pages. */
  description: string;
  /** The methods its sessions offer; `null`: every method available when a session opens. */
  payment_methods: PaymentMethod[] | null;
  /** Once this many of its sessions completed, the link opens no more. */
  max_payments: number | null;
  /** How many of its checkout sessions completed. */
  completed_sessions: number;
  reference: string | null;
  metadata: Record<string, string>;
  /** The pages' language; `null`: the customer's browser decides. */
  locale: 'en' | 'ar' | null;
  /** `null`: the gateway's own thank-you page of the link. */
  success_url: string | null;
  /** `null`: the gateway's own page of the link saying the payment was canceled. */
  cancel_url: string | null;
  livemode: boolean;
  created_at: string;
  updated_at: string;
}

/** Parameters of `POST /v1/payment_links`: either `amount`, or `min_amount` and `max_amount`. */
export interface CreatePaymentLinkParams {
  /** A fixed amount, integer minor units; without it, the customer enters one. */
  amount?: number;
  /** The least the customer may enter, integer minor units (instead of `amount`). */
  min_amount?: number;
  /** The most the customer may enter, integer minor units. */
  max_amount?: number;
  currency: string;
  /** What the customer pays for, shown on the pages (1 to 500 characters). */
  description: string;
  /** The methods its sessions offer; default: every method available when a session opens. */
  payment_methods?: PaymentMethod[];
  /** Once this many of its sessions completed, the link opens no more. */
  max_payments?: number;
  /** Default true. */
  active?: boolean;
  reference?: string;
  /** Up to 49 keys (the sessions it opens get one more, `payment_link`). */
  metadata?: Record<string, string>;
  /** The pages' language; without it, the customer's browser decides. */
  locale?: 'en' | 'ar';
  /** Default: the gateway's own thank-you page of the link. */
  success_url?: string;
  /** Default: the gateway's own page of the link saying the payment was canceled. */
  cancel_url?: string;
}

/** The account's logo, shown on the checkout and payment link pages beside the merchant name. */
export interface AccountLogo {
  object: 'account_logo';
  content_type: 'image/png' | 'image/jpeg';
  /** In bytes. */
  size: number;
  /** In pixels. */
  width: number;
  /** In pixels. */
  height: number;
  /** Where the gateway serves it (its address changes with its bytes). */
  url: string;
  updated_at: string;
}

/** Parameters of `POST /v1/account/logo`. */
export interface SetAccountLogoParams {
  /** A PNG or JPEG of at most 64 KiB and 2048 pixels on each side, base64 (RFC 4648). */
  data: string;
}

/** What removing the account logo answers. */
export interface DeletedAccountLogo {
  object: 'account_logo';
  deleted: true;
}

/** One API request this gateway node answered lately, as `GET /v1/request_log` lists it. */
export interface RequestLogEntry {
  /** The request id (`req_…`), as in its `request-id` header. */
  id: string;
  object: 'request_log_entry';
  livemode: boolean;
  /** When it was answered (ISO 8601). */
  created_at: string;
  method: string;
  /** The URL, with any secret in it redacted. */
  path: string;
  status: number;
  duration_ms: number;
  error_code: string | null;
}

/** Parameters of `GET /v1/request_log`. */
export interface RequestLogParams {
  /** Only requests answered after this request id. */
  after?: string;
  /** 1 to 100 (default 100). */
  limit?: number;
}

/** Broad classes of API error (`error.type`). */
export type BawabaErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'idempotency_error'
  | 'not_found_error'
  | 'provider_error'
  | 'api_error';

/**
 * The error codes the API answers today (`error.code`). The server may add codes, so fields
 * typed with this union also accept any other string.
 */
export type BawabaErrorCode =
  | 'body_invalid'
  | 'body_too_large'
  | 'body_unsupported_media_type'
  | 'body_not_allowed'
  | 'url_invalid'
  | 'url_too_long'
  | 'headers_too_large'
  | 'request_invalid'
  | 'request_timeout'
  | 'parameter_missing'
  | 'parameter_invalid'
  | 'parameter_unknown'
  | 'amount_invalid'
  | 'amount_too_large'
  | 'currency_invalid'
  | 'currency_not_supported'
  | 'payment_method_not_supported'
  | 'connector_not_available'
  | 'connector_unknown'
  | 'authentication_required'
  | 'api_key_invalid'
  | 'api_key_revoked'
  | 'api_key_expired'
  | 'api_key_in_query'
  | 'api_key_last_active'
  | 'rate_limited'
  | 'notification_unverified'
  | 'idempotency_key_invalid'
  | 'idempotency_key_missing'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_use'
  | 'resource_not_found'
  | 'route_not_found'
  | 'payment_not_refundable'
  | 'refund_amount_too_large'
  | 'refund_not_supported'
  | 'refund_in_progress'
  | 'checkout_session_not_open'
  | 'checkout_session_payment_in_progress'
  | 'payment_not_cancelable'
  | 'void_window_closed'
  | 'cancel_not_supported'
  | 'provider_declined'
  | 'provider_request_rejected'
  | 'provider_authentication_failed'
  | 'provider_unavailable'
  | 'internal_error';

/** The API's one error body. */
export interface ApiErrorBody {
  error: {
    type: BawabaErrorType | (string & {});
    code: BawabaErrorCode | (string & {});
    message: string;
    /** The request parameter at fault, if any. */
    param?: string;
    /** The payment a declined request created (`provider_declined`). */
    payment_id?: string;
    /** The refund the request was about, if any. */
    refund_id?: string;
    /** Where the error reference explains this code. */
    doc_url: string;
    request_id: string;
  };
}

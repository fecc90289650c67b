/**
 * Hand-written types of the Bawaba API's objects and parameters (snake_case, as on the wire).
 * Amounts are integers in the currency's minor units (QAR 100 = 1.00 riyal). Times are ISO 8601
 * strings.
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

/**
 * A payment method: `qpay` (QAR), `card`, `qattah` (Qattah Pay split bills, SAR only). The type
 * stays open so that methods the server adds later need no new SDK.
 */
export type PaymentMethod = 'qpay' | 'card' | 'qattah' | (string & {});

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

/** A payment (`pay_...`). */
export interface Payment {
  id: string;
  object: 'payment';
  status: PaymentStatus;
  /** Integer minor units. */
  amount: number;
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
  /** Split-bill payments only: one entry per share; empty otherwise. */
  parts: PaymentPart[];
  failure_code: string | null;
  failure_message: string | null;
  expires_at: string | null;
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

/**
 * Event types: `payment.<status>` when a payment reaches that status. The type stays open so that
 * types the server adds later need no new SDK.
 */
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
  | (string & {});

/** Something that happened to a payment (`evt_...`), as delivered to webhook endpoints. */
export interface Event {
  id: string;
  object: 'event';
  type: EventType;
  livemode: boolean;
  created_at: string;
  data: {
    /** The payment as it was when the event happened. */
    object: Payment;
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
  enabled_events: EventType[];
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
  enabled_events: EventType[];
  description?: string;
}

/** What deleting a webhook endpoint answers. */
export interface DeletedWebhookEndpoint {
  id: string;
  object: 'webhook_endpoint';
  deleted: true;
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
  | 'notification_unverified'
  | 'authentication_required'
  | 'api_key_invalid'
  | 'api_key_revoked'
  | 'api_key_expired'
  | 'idempotency_key_invalid'
  | 'idempotency_key_missing'
  | 'idempotency_key_reused'
  | 'idempotency_key_in_use'
  | 'resource_not_found'
  | 'route_not_found'
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
    request_id: string;
  };
}

/**
 * The one registry of Bawaba's error codes. Every error the API answers has a stable `code`
 * from this table, a `type` and an HTTP status; `docs/errors.md` lists the same codes (a test
 * keeps them equal).
 */

/** Broad classes of error, as in the `error.type` field of the API. */
export type ErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'idempotency_error'
  | 'not_found_error'
  | 'provider_error'
  | 'api_error';

interface ErrorSpec {
  readonly type: ErrorType;
  readonly status: number;
  readonly message: string;
}

/** Every error code, with its type, HTTP status and default message. */
export const ERROR_CODES = {
  body_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The request body is not valid JSON.',
  },
  body_too_large: { type: 'invalid_request_error', status: 413, message: 'The request body is too large.' },
  body_unsupported_media_type: {
    type: 'invalid_request_error',
    status: 415,
    message: 'Send the request body as application/json.',
  },
  body_not_allowed: {
    type: 'invalid_request_error',
    status: 400,
    message: 'This method takes no request body; send parameters in the URL.',
  },
  url_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The URL is not validly percent-encoded.',
  },
  url_too_long: {
    type: 'invalid_request_error',
    status: 414,
    message: 'A segment of the URL path is too long.',
  },
  headers_too_large: {
    type: 'invalid_request_error',
    status: 431,
    message: 'The request headers are too large.',
  },
  request_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The request is not valid HTTP.',
  },
  request_timeout: {
    type: 'invalid_request_error',
    status: 408,
    message: 'The request took too long to arrive.',
  },
  parameter_missing: {
    type: 'invalid_request_error',
    status: 400,
    message: 'A required parameter is missing.',
  },
  parameter_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'A parameter has an invalid value.',
  },
  parameter_unknown: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The request has an unknown parameter.',
  },
  amount_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'amount must be a positive integer in minor units.',
  },
  amount_too_large: {
    type: 'invalid_request_error',
    status: 400,
    message: 'amount is larger than the provider accepts.',
  },
  currency_invalid: {
    type: 'invalid_request_error',
    status: 400,
    message: 'currency is not a known ISO 4217 code.',
  },
  currency_not_supported: {
    type: 'invalid_request_error',
    status: 400,
    message: 'currency is not supported by this payment method or connector.',
  },
  payment_method_not_supported: {
    type: 'invalid_request_error',
    status: 400,
    message: 'payment_method is not supported.',
  },
  connector_not_available: {
    type: 'invalid_request_error',
    status: 400,
    message: 'No configured connector can take this payment.',
  },
  connector_unknown: {
    type: 'invalid_request_error',
    status: 400,
    message: 'connector is not a known connector.',
  },
  authentication_required: {
    type: 'authentication_error',
    status: 401,
    message: 'Send your API key as "Authorization: Bearer sk_...".',
  },
  api_key_invalid: {
    type: 'authentication_error',
    status: 401,
    message: 'The API key is not valid.',
  },
  api_key_revoked: {
    type: 'authentication_error',
    status: 401,
    message: 'The API key was revoked.',
  },
  api_key_expired: {
    type: 'authentication_error',
    status: 401,
    message: 'The API key has expired.',
  },
  api_key_in_query: {
    type: 'invalid_request_error',
    status: 400,
    message:
      'API keys are refused in the URL, where logs and proxies keep them: send the key as "Authorization: Bearer sk_...", and roll a key that was sent in a URL.',
  },
  api_key_last_active: {
    type: 'invalid_request_error',
    status: 409,
    message: 'This is the last active API key of its mode: create another one before revoking it.',
  },
  rate_limited: {
    type: 'invalid_request_error',
    status: 429,
    message: 'Too many requests; retry after the number of seconds in Retry-After.',
  },
  notification_unverified: {
    type: 'authentication_error',
    status: 401,
    message: 'The notification could not be verified as coming from the provider.',
  },
  idempotency_key_invalid: {
    type: 'idempotency_error',
    status: 400,
    message: 'Idempotency-Key must be 1 to 255 printable ASCII characters.',
  },
  idempotency_key_missing: {
    type: 'idempotency_error',
    status: 400,
    message: 'This request needs an Idempotency-Key header.',
  },
  idempotency_key_reused: {
    type: 'idempotency_error',
    status: 400,
    message: 'This Idempotency-Key was used with a different request.',
  },
  idempotency_key_in_use: {
    type: 'idempotency_error',
    status: 409,
    message: 'A request with this Idempotency-Key is still being processed; retry later.',
  },
  resource_not_found: {
    type: 'not_found_error',
    status: 404,
    message: 'No such resource.',
  },
  route_not_found: {
    type: 'not_found_error',
    status: 404,
    message: 'No such route.',
  },
  payment_not_refundable: {
    type: 'invalid_request_error',
    status: 409,
    message: 'Only a captured payment can be refunded.',
  },
  refund_amount_too_large: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The refund is larger than what is left to refund.',
  },
  refund_not_supported: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The connector cannot make this refund.',
  },
  refund_in_progress: {
    type: 'invalid_request_error',
    status: 409,
    message:
      'A refund of this payment is still pending, and the connector takes one at a time; try again once it is final.',
  },
  checkout_session_not_open: {
    type: 'invalid_request_error',
    status: 409,
    message: 'The checkout session is no longer open.',
  },
  checkout_session_payment_in_progress: {
    type: 'invalid_request_error',
    status: 409,
    message: 'A payment of the checkout session is in progress; try again once it is final.',
  },
  payment_not_cancelable: {
    type: 'invalid_request_error',
    status: 409,
    message: 'The payment can no longer be canceled.',
  },
  void_window_closed: {
    type: 'invalid_request_error',
    status: 409,
    message:
      'A captured payment can be voided only on its capture day, before the provider’s cut-off; refund it instead.',
  },
  cancel_not_supported: {
    type: 'invalid_request_error',
    status: 400,
    message: 'The connector cannot cancel payments.',
  },
  provider_declined: {
    type: 'provider_error',
    status: 402,
    message: 'The provider declined the request.',
  },
  provider_request_rejected: {
    type: 'provider_error',
    status: 502,
    message: 'The provider rejected the request.',
  },
  provider_authentication_failed: {
    type: 'provider_error',
    status: 502,
    message: 'The provider refused the connector credentials; check them.',
  },
  provider_unavailable: {
    type: 'provider_error',
    status: 502,
    message: 'The provider could not be reached, so no payment was made there.',
  },
  internal_error: {
    type: 'api_error',
    status: 500,
    message: 'An internal error occurred.',
  },
} as const satisfies Record<string, ErrorSpec>;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a stable code, optionally naming the offending request parameter. */
export class BawabaError extends Error {
  readonly code: ErrorCode;
  readonly type: ErrorType;
  readonly status: number;
  readonly param: string | undefined;
  /** Extra fields rendered inside the error object (e.g. `payment_id`). */
  readonly details: Readonly<Record<string, string>> | undefined;

  constructor(code: ErrorCode, message?: string, param?: string, details?: Record<string, string>) {
    const spec: ErrorSpec = ERROR_CODES[code];
    super(message ?? spec.message);
    this.name = 'BawabaError';
    this.code = code;
    this.type = spec.type;
    this.status = spec.status;
    this.param = param;
    this.details = details;
  }
}

/** True when `value` is a {@link BawabaError}. */
export function isBawabaError(value: unknown): value is BawabaError {
  return value instanceof BawabaError;
}

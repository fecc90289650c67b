/**
 * The errors the client throws: {@link BawabaError} when the API answered with an error, and
 * {@link BawabaConnectionError} when no answer came.
 */
import type { ApiErrorBody, BawabaErrorCode, BawabaErrorType } from './types.ts';

/** What {@link BawabaError} carries. */
export interface BawabaErrorFields {
  readonly type: BawabaErrorType | (string & {});
  readonly code: BawabaErrorCode | (string & {});
  readonly message: string;
  readonly param?: string | undefined;
  readonly requestId?: string | undefined;
  readonly status: number;
  readonly paymentId?: string | undefined;
  readonly refundId?: string | undefined;
  readonly docUrl?: string | undefined;
}

/**
 * The API answered with an error. `code` is stable (see the server's `docs/errors.md`); when the
 * answer was not Bawaba's error body (e.g. a proxy's HTML page) `code` is `unexpected_response`.
 */
export class BawabaError extends Error {
  /** Broad class, e.g. `invalid_request_error`. */
  readonly type: BawabaErrorType | (string & {});
  /** Stable error code, e.g. `parameter_invalid`. */
  readonly code: BawabaErrorCode | (string & {});
  /** The request parameter at fault, if any. */
  readonly param: string | undefined;
  /** The server's request id (quote it in support requests). */
  readonly requestId: string | undefined;
  /** HTTP status. */
  readonly status: number;
  /** With `provider_declined`: the payment the request created. */
  readonly paymentId: string | undefined;
  /** The refund the error is about, if any. */
  readonly refundId: string | undefined;
  /** Where the server's error reference explains `code` (absent from an unexpected answer). */
  readonly docUrl: string | undefined;

  /** Creates an error from its fields. */
  constructor(fields: BawabaErrorFields) {
    super(fields.message);
    this.name = 'BawabaError';
    this.type = fields.type;
    this.code = fields.code;
    this.param = fields.param;
    this.requestId = fields.requestId;
    this.status = fields.status;
    this.paymentId = fields.paymentId;
    this.refundId = fields.refundId;
    this.docUrl = fields.docUrl;
  }
}

/**
 * No answer came (DNS, refused connection, reset, timeout), even after the client's retries: the
 * request may or may not have taken effect. Retry a creation with the same
 * {@link BawabaConnectionError.idempotencyKey}.
 */
export class BawabaConnectionError extends Error {
  /** The Idempotency-Key the failed POST carried, to retry it safely. */
  readonly idempotencyKey: string | undefined;

  /** Creates an error; `cause` is what `fetch` threw. */
  constructor(message: string, options: { readonly cause?: unknown; readonly idempotencyKey?: string | undefined }) {
    super(message, { cause: options.cause });
    this.name = 'BawabaConnectionError';
    this.idempotencyKey = options.idempotencyKey;
  }
}

/** The error an HTTP error answer stands for. */
export function apiError(status: number, text: string, requestId: string | undefined): BawabaError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!isErrorBody(body)) return unexpected(status, requestId, `HTTP ${status} without a Bawaba error body.`);
  const e = body.error;
  return new BawabaError({
    type: e.type,
    code: e.code,
    message: e.message,
    param: e.param,
    requestId: e.request_id || requestId,
    status,
    paymentId: e.payment_id,
    refundId: e.refund_id,
    docUrl: e.doc_url,
  });
}

/** An answer that is not what the API sends. */
export function unexpected(status: number, requestId: string | undefined, message: string): BawabaError {
  return new BawabaError({ type: 'api_error', code: 'unexpected_response', message, requestId, status });
}

function isErrorBody(body: unknown): body is ApiErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const e = body.error;
  return (
    typeof e === 'object' &&
    e !== null &&
    'type' in e &&
    typeof e.type === 'string' &&
    'code' in e &&
    typeof e.code === 'string' &&
    'message' in e &&
    typeof e.message === 'string'
  );
}

/**
 * A small typed client of the Bawaba API over `fetch`: payments, events and webhook endpoints,
 * with the API's errors as {@link BawabaError} and network failures as {@link BawabaConnectionError}.
 */
import type {
  ApiErrorBody,
  BawabaErrorCode,
  BawabaErrorType,
  CreatePaymentParams,
  CreateWebhookEndpointParams,
  DeletedWebhookEndpoint,
  Event,
  List,
  ListEventsParams,
  ListParams,
  ListPaymentsParams,
  Payment,
  TimeBound,
  WebhookEndpoint,
} from './types.ts';

/** The `fetch` the client calls; the global `fetch` fits, and so does a test stub. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** Options of {@link createBawabaClient}. */
export interface BawabaClientOptions {
  /** A secret API key, `sk_test_...` or `sk_live_...`. */
  readonly apiKey: string;
  /** Where your Bawaba server answers, e.g. `https://pay.example.com` (without `/v1`). */
  readonly baseUrl: string;
  /** Default: the global `fetch`. */
  readonly fetch?: FetchFunction;
  /** Give up on a request after this many milliseconds. Default 60 000. */
  readonly timeoutMs?: number;
}

/** Per-request options of calls that create something. */
export interface RequestOptions {
  /**
   * Makes the request safe to retry: the server answers a repeated key with the first answer.
   * Default: a new random UUID, which {@link BawabaConnectionError.idempotencyKey} reports.
   */
  readonly idempotencyKey?: string;
}

/** The first page of a list, which can also walk every page with `for await`. */
export interface ListPromise<T> extends Promise<List<T>> {
  /**
   * Every object from this page on, fetching the next pages as needed. With only
   * `ending_before` set, it walks towards newer objects, nearest first.
   */
  autoPaging(): AsyncGenerator<T, void, undefined>;
}

/** `/v1/payments`. */
export interface PaymentsResource {
  /** Creates a payment; its `next_action.url` is where to send the customer. */
  create(params: CreatePaymentParams, options?: RequestOptions): Promise<Payment>;
  /** Fetches a payment by id. */
  retrieve(id: string): Promise<Payment>;
  /** Lists payments, newest first. */
  list(params?: ListPaymentsParams): ListPromise<Payment>;
}

/** `/v1/events`. */
export interface EventsResource {
  /** Fetches an event by id. */
  retrieve(id: string): Promise<Event>;
  /** Lists events, newest first. */
  list(params?: ListEventsParams): ListPromise<Event>;
}

/** `/v1/webhook_endpoints`. */
export interface WebhookEndpointsResource {
  /** Creates an endpoint; the answer carries its `secret`, shown this once. */
  create(params: CreateWebhookEndpointParams, options?: RequestOptions): Promise<WebhookEndpoint>;
  /** Fetches an endpoint by id (without its secret). */
  retrieve(id: string): Promise<WebhookEndpoint>;
  /** Lists every endpoint (one page). */
  list(): ListPromise<WebhookEndpoint>;
  /** Deletes an endpoint; deliveries still pending to it fail. */
  delete(id: string): Promise<DeletedWebhookEndpoint>;
}

/** A Bawaba API client. */
export interface BawabaClient {
  readonly payments: PaymentsResource;
  readonly events: EventsResource;
  readonly webhookEndpoints: WebhookEndpointsResource;
}

/** What {@link BawabaError} carries. */
export interface BawabaErrorFields {
  readonly type: BawabaErrorType | (string & {});
  readonly code: BawabaErrorCode | (string & {});
  readonly message: string;
  readonly param?: string | undefined;
  readonly requestId?: string | undefined;
  readonly status: number;
  readonly paymentId?: string | undefined;
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
  }
}

/**
 * No answer came (DNS, refused connection, reset, timeout): the request may or may not have
 * taken effect. Retry a creation with the same {@link BawabaConnectionError.idempotencyKey}.
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

type Query = Readonly<Record<string, string | number | undefined>>;

interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  readonly idempotencyKey?: string | undefined;
  /** An empty 2xx answer is fine (a DELETE may answer 204). */
  readonly emptyOk?: boolean;
}

type Send = <T>(spec: RequestSpec) => Promise<T>;

/** Creates a client. Nothing is sent until a method is called. */
export function createBawabaClient(options: BawabaClientOptions): BawabaClient {
  if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) {
    throw new TypeError('createBawabaClient needs an apiKey (sk_test_... or sk_live_...)');
  }
  const send = createSender(options);
  const path = (base: string, id: string) => {
    if (typeof id !== 'string' || id.length === 0) throw new TypeError('The id must be a non-empty string.');
    return `${base}/${encodeURIComponent(id)}`;
  };
  return {
    payments: {
      create: (params, opts) =>
        send({ method: 'POST', path: '/v1/payments', body: params, idempotencyKey: opts?.idempotencyKey }),
      retrieve: async (id) => send({ method: 'GET', path: path('/v1/payments', id) }),
      list: (params = {}) =>
        listable(params, (p) => send({ method: 'GET', path: '/v1/payments', query: paymentListQuery(p) })),
    },
    events: {
      retrieve: async (id) => send({ method: 'GET', path: path('/v1/events', id) }),
      list: (params = {}) => listable(params, (p) => send({ method: 'GET', path: '/v1/events', query: { ...p } })),
    },
    webhookEndpoints: {
      create: (params, opts) =>
        send({ method: 'POST', path: '/v1/webhook_endpoints', body: params, idempotencyKey: opts?.idempotencyKey }),
      retrieve: async (id) => send({ method: 'GET', path: path('/v1/webhook_endpoints', id) }),
      list: () => listable({}, () => send({ method: 'GET', path: '/v1/webhook_endpoints' })),
      delete: async (id) => {
        const answer = await send<DeletedWebhookEndpoint | undefined>({
          method: 'DELETE',
          path: path('/v1/webhook_endpoints', id),
          emptyOk: true,
        });
        return answer ?? { id, object: 'webhook_endpoint', deleted: true };
      },
    },
  };
}

function createSender(options: BawabaClientOptions): Send {
  const baseUrl = parseBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`timeoutMs must be a positive whole number of milliseconds, got ${timeoutMs}`);
  }
  const host = new URL(baseUrl).host;
  const fetchFn: FetchFunction = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  return async <T>(spec: RequestSpec): Promise<T> => {
    const url = new URL(baseUrl + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    const idempotencyKey = spec.method === 'POST' ? (spec.idempotencyKey ?? globalThis.crypto.randomUUID()) : undefined;
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    const init: RequestInit = { method: spec.method, headers, signal: AbortSignal.timeout(timeoutMs) };
    if (spec.body !== undefined) init.body = JSON.stringify(spec.body);
    let status: number;
    let text: string;
    let requestId: string | undefined;
    try {
      const response = await fetchFn(url.toString(), init);
      status = response.status;
      requestId = response.headers.get('request-id') ?? undefined;
      text = await response.text();
    } catch (cause) {
      const what = isTimeout(cause) ? `timed out after ${timeoutMs} ms` : 'failed';
      throw new BawabaConnectionError(`${spec.method} ${spec.path} ${what}: no answer from ${host}.`, {
        cause,
        idempotencyKey,
      });
    }
    if (status < 200 || status > 299) throw apiError(status, text, requestId);
    if (text === '' && spec.emptyOk) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw unexpected(status, requestId, 'The answer is not JSON.');
    }
  };
}

function parseBaseUrl(baseUrl: string): string {
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new TypeError(`baseUrl is not an absolute http(s) URL: ${JSON.stringify(baseUrl)}`);
  }
  return url.toString().replace(/\/+$/, '');
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function apiError(status: number, text: string, requestId: string | undefined): BawabaError {
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
  });
}

function unexpected(status: number, requestId: string | undefined, message: string): BawabaError {
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

function paymentListQuery(params: ListPaymentsParams): Query {
  const { created, ...rest } = params;
  return { ...rest, 'created[gte]': timeBound(created?.gte), 'created[lt]': timeBound(created?.lt) };
}

function timeBound(value: TimeBound | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

function listable<T extends { id: string }, P extends ListParams>(
  params: P,
  fetchPage: (params: P) => Promise<List<T>>,
): ListPromise<T> {
  const first = fetchPage(params);
  const autoPaging = () => {
    // The iteration re-awaits `first` and throws its error; an iterator never started must not
    // turn that error into an unhandled rejection.
    first.catch(() => undefined);
    return pages(first, params, fetchPage);
  };
  return Object.assign(first, { autoPaging });
}

async function* pages<T extends { id: string }, P extends ListParams>(
  first: Promise<List<T>>,
  params: P,
  fetchPage: (params: P) => Promise<List<T>>,
): AsyncGenerator<T, void, undefined> {
  // Pages are newest first; `ending_before` alone walks upwards, so each page is read bottom-up.
  const upwards = params.ending_before !== undefined && params.starting_after === undefined;
  let page = await first;
  for (;;) {
    yield* upwards ? [...page.data].reverse() : page.data;
    const edge = upwards ? page.data[0] : page.data[page.data.length - 1];
    if (!page.has_more || edge === undefined) return;
    page = await fetchPage(upwards ? { ...params, ending_before: edge.id } : { ...params, starting_after: edge.id });
  }
}

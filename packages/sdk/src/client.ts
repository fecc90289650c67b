/**
 * A typed client of the Bawaba API over `fetch`: one resource per part of the API, errors as
 * {@link BawabaError} and {@link BawabaConnectionError}, lists that walk every page with
 * `for await`, and automatic Idempotency-Keys reused when a request is retried.
 */
import { BawabaConnectionError, BawabaError } from './errors.ts';
import { createSender, type FetchFunction, type Send } from './http.ts';
import { type ListPromise, listable } from './list.ts';
import type {
  AccountLogo,
  ApiKey,
  CheckoutSession,
  ConnectorAccount,
  CreateApiKeyParams,
  CreateCheckoutSessionParams,
  CreatePaymentLinkParams,
  CreatePaymentParams,
  CreateRefundParams,
  CreateWebhookEndpointParams,
  DeletedAccountLogo,
  DeletedConnector,
  DeletedWebhookEndpoint,
  Event,
  List,
  ListEventsParams,
  ListParams,
  ListPaymentsParams,
  Payment,
  PaymentLink,
  PutConnectorParams,
  Refund,
  RequestLogEntry,
  RequestLogParams,
  RotateWebhookSecretParams,
  SetAccountLogoParams,
  TimeBound,
  UpdateWebhookEndpointParams,
  WebhookDelivery,
  WebhookEndpoint,
} from './types.ts';

export type { FetchFunction, ListPromise };
export { BawabaConnectionError, BawabaError };

/** Options of {@link createBawabaClient}. */
export interface BawabaClientOptions {
  /** A secret API key, `sk_test_...` or `sk_live_...`. */
  readonly apiKey: string;
  /** Where your Bawaba server answers, e.g. `https://pay.example.com` (without `/v1`). */
  readonly baseUrl: string;
  /** Default: the global `fetch`. */
  readonly fetch?: FetchFunction;
  /** Give up on one try after this many milliseconds. Default 60 000. */
  readonly timeoutMs?: number;
  /**
   * How many times to try again after no answer, HTTP 408, 429, 502, 503, 504 or
   * `idempotency_key_in_use`, with the same Idempotency-Key. Default 2; 0 turns retries off.
   */
  readonly maxRetries?: number;
  /** The first wait before a retry, doubled each time (with jitter). Default 500 ms. */
  readonly retryDelayMs?: number;
}

/** Per-request options of calls that change something (every POST). */
export interface RequestOptions {
  /**
   * Makes the request safe to retry: the server answers a repeated key with the first answer.
   * Default: a new random UUID, reused by the client's own retries and reported by
   * {@link BawabaConnectionError.idempotencyKey}.
   */
  readonly idempotencyKey?: string;
}

/** `/v1/payments`. */
export interface PaymentsResource {
  /** Creates a payment; its `next_action.url` is where to send the customer. */
  create(params: CreatePaymentParams, options?: RequestOptions): Promise<Payment>;
  /** Fetches a payment by id. */
  retrieve(id: string): Promise<Payment>;
  /** Lists payments, newest first. */
  list(params?: ListPaymentsParams): ListPromise<Payment>;
  /** Cancels a payment the customer has not paid yet (or voids an authorization). */
  cancel(id: string, options?: RequestOptions): Promise<Payment>;
}

/** Refunds: `/v1/payments/{id}/refunds` and `/v1/refunds`. */
export interface RefundsResource {
  /** Refunds all that is left of a captured payment, or `amount` of it. */
  create(paymentId: string, params?: CreateRefundParams, options?: RequestOptions): Promise<Refund>;
  /** Fetches a refund by id. */
  retrieve(id: string): Promise<Refund>;
  /** Lists a payment's refunds, newest first. */
  list(paymentId: string): ListPromise<Refund>;
}

/** `/v1/checkout_sessions`: hosted pages where the customer picks how to pay. */
export interface CheckoutSessionsResource {
  /** Creates a session; send the customer to its `url`. */
  create(params: CreateCheckoutSessionParams, options?: RequestOptions): Promise<CheckoutSession>;
  /** Fetches a session by id. */
  retrieve(id: string): Promise<CheckoutSession>;
  /** Lists sessions, newest first. */
  list(params?: ListParams): ListPromise<CheckoutSession>;
  /** Closes an open session at once: its page no longer takes payments. */
  expire(id: string, options?: RequestOptions): Promise<CheckoutSession>;
}

/** `/v1/payment_links`: stable addresses (and QR codes) that open a new checkout session at each visit. */
export interface PaymentLinksResource {
  /** Creates a link; share its `url` (or the QR code at `qr_svg_url`). */
  create(params: CreatePaymentLinkParams, options?: RequestOptions): Promise<PaymentLink>;
  /** Fetches a link by id. */
  retrieve(id: string): Promise<PaymentLink>;
  /** Lists links, newest first. */
  list(params?: ListParams): ListPromise<PaymentLink>;
  /** Turns a link off: its address opens no more sessions (those already open stay open). */
  deactivate(id: string, options?: RequestOptions): Promise<PaymentLink>;
  /** Turns a link back on. */
  activate(id: string, options?: RequestOptions): Promise<PaymentLink>;
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
  /** Lists every endpoint. */
  list(): ListPromise<WebhookEndpoint>;
  /** Changes an endpoint's URL, events, description or status. */
  update(id: string, params: UpdateWebhookEndpointParams, options?: RequestOptions): Promise<WebhookEndpoint>;
  /** Deletes an endpoint; deliveries still pending to it fail. */
  delete(id: string): Promise<DeletedWebhookEndpoint>;
  /** Gives the endpoint a new secret (in the answer, shown this once); the old one may keep signing for a while. */
  rotateSecret(id: string, params?: RotateWebhookSecretParams, options?: RequestOptions): Promise<WebhookEndpoint>;
  /** Lists the deliveries of events to an endpoint, newest first, with every attempt. */
  listDeliveries(id: string, params?: ListParams): ListPromise<WebhookDelivery>;
  /** Sends a delivery's event again, now. */
  redeliver(id: string, deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery>;
}

/** `/v1/api_keys`: the keys of the calling key's account, in its mode. */
export interface ApiKeysResource {
  /** Lists keys (never their secrets), newest first. */
  list(params?: ListParams): ListPromise<ApiKey>;
  /** Creates a key; the answer carries its `secret`, shown this once. */
  create(params?: CreateApiKeyParams, options?: RequestOptions): Promise<ApiKey>;
  /** Fetches a key by id (without its secret). */
  retrieve(id: string): Promise<ApiKey>;
  /** Revokes a key at once. The account's last active key cannot be revoked this way. */
  revoke(id: string, options?: RequestOptions): Promise<ApiKey>;
}

/** `/v1/connectors`: the provider accounts payments are routed to. */
export interface ConnectorsResource {
  /** Lists the account's connectors, secrets masked. */
  list(): ListPromise<ConnectorAccount>;
  /** Sets a connector's credentials and settings (creating its account if needed). */
  put(connector: string, params: PutConnectorParams): Promise<ConnectorAccount>;
  /** Removes a connector's account. */
  delete(connector: string): Promise<DeletedConnector>;
}

/** `/v1/account/logo`: the logo the checkout pages show beside the merchant name, for both modes. */
export interface AccountLogoResource {
  /** Sets (or replaces) the logo: a PNG or JPEG of at most 64 KiB and 2048 pixels a side, base64. */
  set(params: SetAccountLogoParams, options?: RequestOptions): Promise<AccountLogo>;
  /** Fetches the logo (`resource_not_found` when the account has none). */
  retrieve(): Promise<AccountLogo>;
  /** Removes the logo (`resource_not_found` when the account has none). */
  delete(): Promise<DeletedAccountLogo>;
}

/** `/v1/request_log`: the account's recent API requests on the node answering (`bawaba logs tail`). */
export interface RequestLogResource {
  /** The first requests after `after` in the order they were answered, or the last ones without it. */
  list(params?: RequestLogParams): Promise<List<RequestLogEntry>>;
}

/** A Bawaba API client. */
export interface BawabaClient {
  readonly payments: PaymentsResource;
  readonly refunds: RefundsResource;
  readonly checkoutSessions: CheckoutSessionsResource;
  readonly paymentLinks: PaymentLinksResource;
  readonly events: EventsResource;
  readonly webhookEndpoints: WebhookEndpointsResource;
  readonly apiKeys: ApiKeysResource;
  readonly connectors: ConnectorsResource;
  readonly accountLogo: AccountLogoResource;
  readonly requestLog: RequestLogResource;
}

/**
 * Creates a client.
 * @example
 * ```ts
 * const bawaba = createBawabaClient({ apiKey: process.env.BAWABA_API_KEY!, baseUrl: 'https://pay.example.com' });
 * const payment = await bawaba.payments.create({ amount: 1000, currency: 'QAR', payment_method: 'qpay', return_url });
 * ```
 */
export function createBawabaClient(options: BawabaClientOptions): BawabaClient {
  if (typeof options?.apiKey !== 'string' || options.apiKey.length === 0) {
    throw new TypeError('createBawabaClient needs an apiKey (sk_test_... or sk_live_...)');
  }
  const send = createSender(options);
  return {
    payments: paymentsResource(send),
    refunds: refundsResource(send),
    checkoutSessions: checkoutSessionsResource(send),
    paymentLinks: paymentLinksResource(send),
    events: {
      retrieve: async (id) => send({ method: 'GET', path: path('/v1/events', id) }),
      list: (params = {}) => listable(params, (p) => send({ method: 'GET', path: '/v1/events', query: { ...p } })),
    },
    webhookEndpoints: webhookEndpointsResource(send),
    apiKeys: apiKeysResource(send),
    connectors: {
      list: () => listable({}, () => send({ method: 'GET', path: '/v1/connectors' })),
      put: async (connector, params) => send({ method: 'PUT', path: path('/v1/connectors', connector), body: params }),
      delete: async (connector) => send({ method: 'DELETE', path: path('/v1/connectors', connector) }),
    },
    accountLogo: {
      set: (params, opts) =>
        send({ method: 'POST', path: '/v1/account/logo', body: params, idempotencyKey: opts?.idempotencyKey }),
      retrieve: () => send({ method: 'GET', path: '/v1/account/logo' }),
      delete: () => send({ method: 'DELETE', path: '/v1/account/logo' }),
    },
    requestLog: {
      list: (params = {}) => send({ method: 'GET', path: '/v1/request_log', query: { ...params } }),
    },
  };
}

/** `base/id`, with the id checked and escaped. */
function path(base: string, id: string, ...rest: string[]): string {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('The id must be a non-empty string.');
  return [`${base}/${encodeURIComponent(id)}`, ...rest].join('/');
}

function paymentsResource(send: Send): PaymentsResource {
  return {
    create: (params, opts) =>
      send({ method: 'POST', path: '/v1/payments', body: params, idempotencyKey: opts?.idempotencyKey }),
    retrieve: async (id) => send({ method: 'GET', path: path('/v1/payments', id) }),
    list: (params = {}) =>
      listable(params, (p) => send({ method: 'GET', path: '/v1/payments', query: paymentListQuery(p) })),
    cancel: async (id, opts) =>
      send({ method: 'POST', path: path('/v1/payments', id, 'cancel'), idempotencyKey: opts?.idempotencyKey }),
  };
}

function refundsResource(send: Send): RefundsResource {
  return {
    create: async (paymentId, params = {}, opts = {}) =>
      send({
        method: 'POST',
        path: path('/v1/payments', paymentId, 'refunds'),
        body: params,
        idempotencyKey: opts.idempotencyKey,
      }),
    retrieve: async (id) => send({ method: 'GET', path: path('/v1/refunds', id) }),
    list: (paymentId) => {
      const where = path('/v1/payments', paymentId, 'refunds');
      return listable({}, () => send({ method: 'GET', path: where }));
    },
  };
}

function checkoutSessionsResource(send: Send): CheckoutSessionsResource {
  const base = '/v1/checkout_sessions';
  return {
    create: (params, opts) => send({ method: 'POST', path: base, body: params, idempotencyKey: opts?.idempotencyKey }),
    retrieve: async (id) => send({ method: 'GET', path: path(base, id) }),
    list: (params = {}) => listable(params, (p) => send({ method: 'GET', path: base, query: { ...p } })),
    expire: async (id, opts) =>
      send({ method: 'POST', path: path(base, id, 'expire'), idempotencyKey: opts?.idempotencyKey }),
  };
}

function paymentLinksResource(send: Send): PaymentLinksResource {
  const base = '/v1/payment_links';
  return {
    create: (params, opts) => send({ method: 'POST', path: base, body: params, idempotencyKey: opts?.idempotencyKey }),
    retrieve: async (id) => send({ method: 'GET', path: path(base, id) }),
    list: (params = {}) => listable(params, (p) => send({ method: 'GET', path: base, query: { ...p } })),
    deactivate: async (id, opts) =>
      send({ method: 'POST', path: path(base, id, 'deactivate'), idempotencyKey: opts?.idempotencyKey }),
    activate: async (id, opts) =>
      send({ method: 'POST', path: path(base, id, 'activate'), idempotencyKey: opts?.idempotencyKey }),
  };
}

function webhookEndpointsResource(send: Send): WebhookEndpointsResource {
  const base = '/v1/webhook_endpoints';
  return {
    create: (params, opts) => send({ method: 'POST', path: base, body: params, idempotencyKey: opts?.idempotencyKey }),
    retrieve: async (id) => send({ method: 'GET', path: path(base, id) }),
    list: () => listable({}, () => send({ method: 'GET', path: base })),
    update: async (id, params, opts) =>
      send({ method: 'POST', path: path(base, id), body: params, idempotencyKey: opts?.idempotencyKey }),
    delete: async (id) => {
      const answer = await send<DeletedWebhookEndpoint | undefined>({
        method: 'DELETE',
        path: path(base, id),
        emptyOk: true,
      });
      return answer ?? { id, object: 'webhook_endpoint', deleted: true };
    },
    rotateSecret: async (id, params = {}, opts = {}) =>
      send({
        method: 'POST',
        path: path(base, id, 'rotate_secret'),
        body: params,
        idempotencyKey: opts.idempotencyKey,
      }),
    listDeliveries: (id, params = {}) => {
      const where = path(base, id, 'deliveries');
      return listable(params, (p) => send({ method: 'GET', path: where, query: { ...p } }));
    },
    redeliver: async (id, deliveryId, opts) =>
      send({
        method: 'POST',
        path: path(base, id, 'deliveries', encodeURIComponent(nonEmpty(deliveryId)), 'redeliver'),
        idempotencyKey: opts?.idempotencyKey,
      }),
  };
}

function apiKeysResource(send: Send): ApiKeysResource {
  const base = '/v1/api_keys';
  return {
    list: (params = {}) => listable(params, (p) => send({ method: 'GET', path: base, query: { ...p } })),
    create: async (params = {}, opts = {}) =>
      send({ method: 'POST', path: base, body: params, idempotencyKey: opts.idempotencyKey }),
    retrieve: async (id) => send({ method: 'GET', path: path(base, id) }),
    revoke: async (id, opts) =>
      send({ method: 'POST', path: path(base, id, 'revoke'), idempotencyKey: opts?.idempotencyKey }),
  };
}

function nonEmpty(id: string): string {
  if (typeof id !== 'string' || id.length === 0) throw new TypeError('The id must be a non-empty string.');
  return id;
}

function paymentListQuery(params: ListPaymentsParams) {
  const { created, ...rest } = params;
  return { ...rest, 'created[gte]': timeBound(created?.gte), 'created[lt]': timeBound(created?.lt) };
}

function timeBound(value: TimeBound | undefined): string | undefined {
  if (value === undefined) return undefined;
  return value instanceof Date ? value.toISOString() : String(value);
}

/**
 * `@bawaba/sdk`: a typed client of the Bawaba payment gateway's API and a verifier of the
 * webhooks it sends. No runtime dependencies; runs wherever `fetch` and Web Crypto do.
 */
export type {
  BawabaClient,
  BawabaClientOptions,
  BawabaErrorFields,
  EventsResource,
  FetchFunction,
  ListPromise,
  PaymentsResource,
  RequestOptions,
  WebhookEndpointsResource,
} from './client.ts';
export { BawabaConnectionError, BawabaError, createBawabaClient } from './client.ts';
export type {
  ApiErrorBody,
  BawabaErrorCode,
  BawabaErrorType,
  CreatePaymentParams,
  CreateWebhookEndpointParams,
  DeletedWebhookEndpoint,
  Event,
  EventType,
  List,
  ListEventsParams,
  ListParams,
  ListPaymentsParams,
  Payment,
  PaymentCustomer,
  PaymentCustomerInput,
  PaymentMethod,
  PaymentPart,
  PaymentStatus,
  RedirectAction,
  TimeBound,
  WebhookEndpoint,
} from './types.ts';
export type { VerifyWebhookOptions, WebhookHeaders, WebhookVerificationReason } from './webhooks.ts';
export { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, verifyWebhook, WebhookVerificationError } from './webhooks.ts';

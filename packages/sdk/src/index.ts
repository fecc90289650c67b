/**
 * `@bawaba/sdk`: a typed client of the Bawaba payment gateway's API and a verifier of the
 * webhooks it sends. No runtime dependencies; runs wherever `fetch` and Web Crypto do.
 */
export type {
  ApiKeysResource,
  BawabaClient,
  BawabaClientOptions,
  CheckoutSessionsResource,
  ConnectorsResource,
  EventsResource,
  PaymentsResource,
  RefundsResource,
  RequestOptions,
  WebhookEndpointsResource,
} from './client.ts';
export { createBawabaClient } from './client.ts';
export type { BawabaErrorFields } from './errors.ts';
export { BawabaConnectionError, BawabaError } from './errors.ts';
export type { FetchFunction } from './http.ts';
export type { ListPromise } from './list.ts';
export type {
  ApiErrorBody,
  ApiKey,
  BawabaErrorCode,
  BawabaErrorType,
  CheckoutSession,
  ConnectorAccount,
  ConnectorAttempt,
  CreateApiKeyParams,
  CreateCheckoutSessionParams,
  CreatePaymentParams,
  CreateRefundParams,
  CreateWebhookEndpointParams,
  DeletedConnector,
  DeletedWebhookEndpoint,
  EnabledEvent,
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
  PaymentPartObject,
  PaymentStatus,
  PutConnectorParams,
  RedirectAction,
  Refund,
  RotateWebhookSecretParams,
  TimeBound,
  UpdateWebhookEndpointParams,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookEndpoint,
} from './types.ts';
export type { VerifyWebhookOptions, WebhookHeaders, WebhookVerificationReason } from './webhooks.ts';
export { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, verifyWebhook, WebhookVerificationError } from './webhooks.ts';

/**
 * `@bawaba/sdk`: a typed client of the Bawaba payment gateway's API and a verifier of the
 * webhooks it sends. No runtime dependencies; runs wherever `fetch` and Web Crypto do.
 */
export type {
  AccountLogoResource,
  ApiKeysResource,
  BawabaClient,
  BawabaClientOptions,
  CheckoutSessionsResource,
  ConnectorsResource,
  EventsResource,
  PaymentLinksResource,
  PaymentsResource,
  RefundsResource,
  RequestLogResource,
  RequestOptions,
  WebhookEndpointsResource,
} from './client.ts';
export { createBawabaClient } from './client.ts';
export type { BawabaErrorFields } from './errors.ts';
export { BawabaConnectionError, BawabaError } from './errors.ts';
export type { FetchFunction } from './http.ts';
export type { ListPromise } from './list.ts';
export type {
  AccountLogo,
  ApiErrorBody,
  ApiKey,
  BawabaErrorCode,
  BawabaErrorType,
  CheckoutSession,
  ConnectorAccount,
  ConnectorAttempt,
  CreateApiKeyParams,
  CreateCheckoutSessionParams,
  CreatePaymentLinkParams,
  CreatePaymentParams,
  CreateRefundParams,
  CreateWebhookEndpointParams,
  DeletedAccountLogo,
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
  PaymentLink,
  PaymentMethod,
  PaymentPart,
  PaymentPartObject,
  PaymentStatus,
  PutConnectorParams,
  RedirectAction,
  Refund,
  RequestLogEntry,
  RequestLogParams,
  RotateWebhookSecretParams,
  SetAccountLogoParams,
  TimeBound,
  UpdateWebhookEndpointParams,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookEndpoint,
} from './types.ts';
export type { VerifyWebhookOptions, WebhookHeaders, WebhookVerificationReason } from './webhooks.ts';
export { DEFAULT_WEBHOOK_TOLERANCE_SECONDS, verifyWebhook, WebhookVerificationError } from './webhooks.ts';

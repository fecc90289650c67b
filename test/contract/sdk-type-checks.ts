// The compile-time half of the SDK's contract test: which SDK type stands for which schema of
// docs/openapi.json, and how they are compared. sdk-types.test.ts generates the document's types
// into a scratch folder next to this text and runs the compiler on both.

/** Every generated declaration name, mapped to the check that covers it. */
export const CHECKS: Readonly<Record<string, string>> = {
  Error: 'Same<Sdk.ApiErrorBody, Api.Error>',
  Payment: 'Same<Sdk.Payment, Api.Payment>',
  RequestLogEntry: 'Same<Sdk.RequestLogEntry, Api.RequestLogEntry>',
  get_v1_request_log_200: 'Same<Sdk.List<Sdk.RequestLogEntry>, Api.get_v1_request_log_200>',
  CheckoutSession: 'Same<Sdk.CheckoutSession, Api.CheckoutSession>',
  post_v1_checkout_sessions_body: 'Same<Sdk.CreateCheckoutSessionParams, Api.post_v1_checkout_sessions_body>',
  post_v1_checkout_sessions_201: 'Same<Sdk.CheckoutSession, Api.post_v1_checkout_sessions_201>',
  get_v1_checkout_sessions_200: 'Same<Sdk.List<Sdk.CheckoutSession>, Api.get_v1_checkout_sessions_200>',
  get_v1_checkout_sessions_id_200: 'Same<Sdk.CheckoutSession, Api.get_v1_checkout_sessions_id_200>',
  post_v1_checkout_sessions_id_expire_200: 'Same<Sdk.CheckoutSession, Api.post_v1_checkout_sessions_id_expire_200>',
  PaymentLink: 'Same<Sdk.PaymentLink, Api.PaymentLink>',
  post_v1_payment_links_body: 'Same<Sdk.CreatePaymentLinkParams, Api.post_v1_payment_links_body>',
  post_v1_payment_links_201: 'Same<Sdk.PaymentLink, Api.post_v1_payment_links_201>',
  get_v1_payment_links_200: 'Same<Sdk.List<Sdk.PaymentLink>, Api.get_v1_payment_links_200>',
  get_v1_payment_links_id_200: 'Same<Sdk.PaymentLink, Api.get_v1_payment_links_id_200>',
  post_v1_payment_links_id_deactivate_200: 'Same<Sdk.PaymentLink, Api.post_v1_payment_links_id_deactivate_200>',
  post_v1_payment_links_id_activate_200: 'Same<Sdk.PaymentLink, Api.post_v1_payment_links_id_activate_200>',
  post_v1_account_logo_body: 'Same<Sdk.SetAccountLogoParams, Api.post_v1_account_logo_body>',
  post_v1_account_logo_200: 'Same<Sdk.AccountLogo, Api.post_v1_account_logo_200>',
  get_v1_account_logo_200: 'Same<Sdk.AccountLogo, Api.get_v1_account_logo_200>',
  delete_v1_account_logo_200: 'Same<Sdk.DeletedAccountLogo, Api.delete_v1_account_logo_200>',
  get_v1_api_keys_200: 'Same<Sdk.List<Sdk.ApiKey>, Api.get_v1_api_keys_200>',
  post_v1_api_keys_body: 'Same<Sdk.CreateApiKeyParams, Api.post_v1_api_keys_body>',
  post_v1_api_keys_201: 'Same<Sdk.ApiKey, Api.post_v1_api_keys_201>',
  get_v1_api_keys_id_200: 'Same<Sdk.ApiKey, Api.get_v1_api_keys_id_200>',
  post_v1_api_keys_id_revoke_200: 'Same<Sdk.ApiKey, Api.post_v1_api_keys_id_revoke_200>',
  post_v1_payments_body: 'Same<Sdk.CreatePaymentParams, Api.post_v1_payments_body>',
  post_v1_payments_201: 'Same<Sdk.Payment, Api.post_v1_payments_201>',
  post_v1_payments_202: 'Same<Sdk.Payment, Api.post_v1_payments_202>',
  get_v1_payments_200: 'Same<Sdk.List<Sdk.Payment>, Api.get_v1_payments_200>',
  get_v1_payments_id_200: 'Same<Sdk.Payment, Api.get_v1_payments_id_200>',
  post_v1_payments_id_cancel_200: 'Same<Sdk.Payment, Api.post_v1_payments_id_cancel_200>',
  get_v1_connectors_200: 'Same<Sdk.List<Sdk.ConnectorAccount>, Api.get_v1_connectors_200>',
  put_v1_connectors_connector_body: 'Same<Sdk.PutConnectorParams, Api.put_v1_connectors_connector_body>',
  put_v1_connectors_connector_200: 'Same<Sdk.ConnectorAccount, Api.put_v1_connectors_connector_200>',
  delete_v1_connectors_connector_200: 'Same<Sdk.DeletedConnector, Api.delete_v1_connectors_connector_200>',
  post_v1_payments_id_refunds_body: 'Same<Sdk.CreateRefundParams, Api.post_v1_payments_id_refunds_body>',
  post_v1_payments_id_refunds_201: 'Same<Sdk.Refund, Api.post_v1_payments_id_refunds_201>',
  get_v1_payments_id_refunds_200: 'Same<Sdk.List<Sdk.Refund>, Api.get_v1_payments_id_refunds_200>',
  get_v1_refunds_id_200: 'Same<Sdk.Refund, Api.get_v1_refunds_id_200>',
  // The document types an event's `data.object` as any object; the SDK names the three it can be.
  get_v1_events_200: 'Same<Sdk.List<EventShape<Sdk.Event>>, EventListShape<Api.get_v1_events_200>>',
  get_v1_events_id_200: 'Same<EventShape<Sdk.Event>, EventShape<Api.get_v1_events_id_200>>',
  post_v1_webhook_endpoints_body: 'Same<Sdk.CreateWebhookEndpointParams, Api.post_v1_webhook_endpoints_body>',
  post_v1_webhook_endpoints_201: 'Same<Sdk.WebhookEndpoint, Api.post_v1_webhook_endpoints_201>',
  get_v1_webhook_endpoints_200: 'Same<Sdk.List<Sdk.WebhookEndpoint>, Api.get_v1_webhook_endpoints_200>',
  get_v1_webhook_endpoints_id_200: 'Same<Sdk.WebhookEndpoint, Api.get_v1_webhook_endpoints_id_200>',
  post_v1_webhook_endpoints_id_body: 'Same<Sdk.UpdateWebhookEndpointParams, Api.post_v1_webhook_endpoints_id_body>',
  post_v1_webhook_endpoints_id_200: 'Same<Sdk.WebhookEndpoint, Api.post_v1_webhook_endpoints_id_200>',
  delete_v1_webhook_endpoints_id_200: 'Same<Sdk.DeletedWebhookEndpoint, Api.delete_v1_webhook_endpoints_id_200>',
  post_v1_webhook_endpoints_id_rotate_secret_body:
    'Same<Sdk.RotateWebhookSecretParams, Api.post_v1_webhook_endpoints_id_rotate_secret_body>',
  post_v1_webhook_endpoints_id_rotate_secret_200:
    'Same<Sdk.WebhookEndpoint, Api.post_v1_webhook_endpoints_id_rotate_secret_200>',
  get_v1_webhook_endpoints_id_deliveries_200:
    'Same<Sdk.List<Sdk.WebhookDelivery>, Api.get_v1_webhook_endpoints_id_deliveries_200>',
  post_v1_webhook_endpoints_id_deliveries_delivery_id_redeliver_202:
    'Same<Sdk.WebhookDelivery, Api.post_v1_webhook_endpoints_id_deliveries_delivery_id_redeliver_202>',
};

/** Checks that need no document schema: the SDK's closed lists against the server's. */
const EXTRA_CHECKS = [
  'ErrorCodes: Same<Sdk.BawabaErrorCode, keyof typeof ERROR_CODES>',
  'ErrorTypes: Same<Sdk.BawabaErrorType, ErrorType>',
  // Every event type a webhook endpoint may subscribe to, and nothing else.
  "EventTypes: Same<Sdk.EnabledEvent, NonNullable<Api.post_v1_webhook_endpoints_body['enabled_events']>[number]>",
];

/** The text of the check file, given where the SDK and the server's error registry are. */
export function checkSource(sdkIndex: string, errorsModule: string): string {
  const lines = Object.entries(CHECKS).map(([name, check]) => `  ${name}: Expect<${check}>;`);
  const extra = EXTRA_CHECKS.map((line) => {
    const [name, check] = line.split(/: (.*)/s);
    return `  ${name}: Expect<${check}>;`;
  });
  return `import type * as Sdk from ${JSON.stringify(sdkIndex)};
import type { ERROR_CODES, ErrorType } from ${JSON.stringify(errorsModule)};
import type * as Api from './openapi.ts';

/** True only when A and B are the same type (not merely assignable). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
/** A union left open with \`string & {}\` ("known values, or any string"). */
type HasOpenString<T> = true extends (T extends unknown ? Equal<T, string & {}> : never) ? true : false;
/** One shape for both sides: no readonly, open unions as string, objects and arrays rebuilt. */
type Norm<T> = HasOpenString<T> extends true
  ? string
  : T extends readonly (infer U)[]
    ? Norm<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Norm<T[K]> }
      : T;
type Same<A, B> = Equal<Norm<A>, Norm<B>>;
type Expect<T extends true> = T;
/** An event with \`data\` reduced to its keys. */
type EventShape<E> = { [K in keyof E]: K extends 'data' ? keyof E[K] : E[K] };
type EventListShape<L> = { [K in keyof L]: K extends 'data' ? L[K] extends readonly (infer E)[] ? EventShape<E>[] : never : L[K] };

export interface Checks {
${[...lines, ...extra].join('\n')}
}
`;
}

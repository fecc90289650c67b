import { Type } from 'typebox';
import { ERROR_RESPONSES, IdOf, Limit, ListOf, Nullable, StringEnum } from './common.ts';
import { EVENT_TYPES } from './events.ts';

/** Webhook endpoints, their deliveries and attempts: the schemas of `/v1/webhook_endpoints`. */
const EnabledEvents = Type.Array(StringEnum(['*', ...EVENT_TYPES]), {
  minItems: 1,
  maxItems: 20,
  uniqueItems: true,
});
const Url = Type.String({ format: 'uri', pattern: '^https?://[^\\s]+$', maxLength: 2048 });

export const WebhookEndpointObject = Type.Object({
  id: Type.String(),
  object: Type.Literal('webhook_endpoint'),
  url: Type.String(),
  enabled_events: Type.Array(Type.String()),
  status: StringEnum(['enabled', 'disabled']),
  disabled_reason: Nullable(Type.String()),
  description: Nullable(Type.String()),
  livemode: Type.Boolean(),
  /** Only when created or rotated. */
  secret: Type.Optional(Type.String()),
  previous_secret_expires_at: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const CreateWebhookEndpointSchema = {
  tags: ['Webhooks'],
  summary: 'Create a webhook endpoint',
  description:
    'Answers its `whsec_` signing secret this once. Needs an Idempotency-Key. Live-mode endpoints must be public https URLs.',
  body: Type.Object(
    {
      url: Url,
      enabled_events: EnabledEvents,
      description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    },
    {
      additionalProperties: false,
      examples: [
        {
          url: 'https://shop.example/webhooks/bawaba',
          enabled_events: ['payment.captured', 'payment.failed', 'refund.succeeded'],
          description: 'Orders service',
        },
      ],
    },
  ),
  response: { 201: WebhookEndpointObject, ...ERROR_RESPONSES },
} as const;

const EndpointParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const UpdateWebhookEndpointSchema = {
  tags: ['Webhooks'],
  summary: 'Update a webhook endpoint',
  params: EndpointParams,
  body: Type.Object(
    {
      url: Type.Optional(Url),
      enabled_events: Type.Optional(EnabledEvents),
      description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      status: Type.Optional(StringEnum(['enabled', 'disabled'])),
    },
    { additionalProperties: false, examples: [{ enabled_events: ['*'], status: 'enabled' }] },
  ),
  response: { 200: WebhookEndpointObject, ...ERROR_RESPONSES },
} as const;

export const RotateSecretSchema = {
  tags: ['Webhooks'],
  summary: "Rotate an endpoint's signing secret",
  description: 'The old secret keeps signing beside the new one for the overlap asked for.',
  params: EndpointParams,
  body: Type.Object(
    { expire_previous_in_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600 })) },
    { additionalProperties: false, examples: [{ expire_previous_in_seconds: 86400 }] },
  ),
  response: { 200: WebhookEndpointObject, ...ERROR_RESPONSES },
} as const;

export const GetWebhookEndpointSchema = {
  tags: ['Webhooks'],
  summary: 'Retrieve a webhook endpoint',
  params: EndpointParams,
  response: { 200: WebhookEndpointObject, ...ERROR_RESPONSES },
} as const;

export const ListWebhookEndpointsSchema = {
  tags: ['Webhooks'],
  summary: 'List webhook endpoints',
  response: { 200: ListOf(WebhookEndpointObject), ...ERROR_RESPONSES },
} as const;

export const DeleteWebhookEndpointSchema = {
  tags: ['Webhooks'],
  summary: 'Delete a webhook endpoint',
  params: EndpointParams,
  response: {
    200: Type.Object({ id: Type.String(), object: Type.Literal('webhook_endpoint'), deleted: Type.Boolean() }),
    ...ERROR_RESPONSES,
  },
} as const;

const AttemptObject = Type.Object({
  attempted_at: Type.String(),
  status_code: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  latency_ms: Type.Integer(),
  response_excerpt: Nullable(Type.String()),
});

export const DeliveryObject = Type.Object({
  id: Type.String(),
  object: Type.Literal('webhook_delivery'),
  endpoint_id: Type.String(),
  event_id: Type.String(),
  event_type: Nullable(Type.String()),
  status: StringEnum(['pending', 'succeeded', 'failed']),
  attempt_count: Type.Integer(),
  next_attempt_at: Nullable(Type.String()),
  last_status_code: Nullable(Type.Integer()),
  attempts: Type.Array(AttemptObject),
  created_at: Type.String(),
  updated_at: Type.String(),
});

export const ListDeliveriesSchema = {
  tags: ['Webhooks'],
  summary: "List an endpoint's deliveries",
  description: 'Each delivery with its attempts (status code, latency, response excerpt).',
  params: EndpointParams,
  querystring: Type.Object(
    {
      limit: Type.Optional(Limit),
      starting_after: Type.Optional(IdOf('whd')),
      ending_before: Type.Optional(IdOf('whd')),
    },
    { additionalProperties: false },
  ),
  response: { 200: ListOf(DeliveryObject), ...ERROR_RESPONSES },
} as const;

export const RedeliverSchema = {
  tags: ['Webhooks'],
  summary: 'Redeliver a webhook',
  description: "Sends the delivery's event again now, signed afresh.",
  params: Type.Object({ id: Type.String({ maxLength: 64 }), delivery_id: Type.String({ maxLength: 64 }) }),
  response: { 202: DeliveryObject, ...ERROR_RESPONSES },
} as const;

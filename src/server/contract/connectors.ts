import { Type } from 'typebox';
import { ERROR_RESPONSES, Nullable } from './common.ts';

const StringMap = Type.Record(Type.String(), Type.String({ minLength: 1, maxLength: 2048 }), {
  maxProperties: 20,
  propertyNames: { minLength: 1, maxLength: 64 },
});

/** `PUT /v1/connectors/{connector}` body. */
export const PutConnectorBody = Type.Object(
  {
    credentials: StringMap,
    settings: Type.Optional(StringMap),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        credentials: { secret_key: 'sk_sbox_…', webhook_signature_key: '…' },
        settings: { prefix: 'abc123' },
        priority: 1,
      },
    ],
  },
);

/** A connector account; secrets are shown masked. */
export const ConnectorAccountObject = Type.Object({
  id: Type.String(),
  object: Type.Literal('connector_account'),
  /** Where the provider must send its notifications for this account. */
  webhook_url: Type.String(),
  connector: Type.String(),
  livemode: Type.Boolean(),
  credentials: Type.Record(Type.String(), Type.String()),
  settings: Type.Record(Type.String(), Type.String()),
  priority: Type.Integer(),
  created_at: Type.String(),
  updated_at: Nullable(Type.String()),
});

const Params = Type.Object({ connector: Type.String({ maxLength: 64 }) });

export const PutConnectorSchema = {
  tags: ['Connectors'],
  summary: 'Configure a connector',
  description:
    'Credentials (stored sealed, never answered), settings and routing priority of one provider for this mode.',
  params: Params,
  body: PutConnectorBody,
  response: { 200: ConnectorAccountObject, ...ERROR_RESPONSES },
} as const;

export const ListConnectorsSchema = {
  tags: ['Connectors'],
  summary: 'List connectors',
  description:
    "Every connector Bawaba has, with this account's configuration in this mode (secrets masked) and the hook URL to give the provider.",
  response: {
    200: Type.Object({
      object: Type.Literal('list'),
      data: Type.Array(ConnectorAccountObject),
      has_more: Type.Boolean(),
    }),
    ...ERROR_RESPONSES,
  },
} as const;

export const DeleteConnectorSchema = {
  tags: ['Connectors'],
  summary: "Remove a connector's configuration",
  params: Params,
  response: { 200: Type.Object({ connector: Type.String(), deleted: Type.Boolean() }), ...ERROR_RESPONSES },
} as const;

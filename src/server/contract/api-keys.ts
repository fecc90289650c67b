import { Type } from 'typebox';
import { API_KEY_STATUSES } from '../api-keys.ts';
import { ERROR_RESPONSES, IdOf, Limit, ListOf, Nullable, StringEnum } from './common.ts';

const KeyId = IdOf('key');

export const ApiKeyObject = Type.Object({
  id: Type.String(),
  object: Type.Literal('api_key'),
  livemode: Type.Boolean(),
  /** The first characters of the secret, enough to recognise it (`sk_test_AbCd…`). */
  prefix: Type.String(),
  description: Nullable(Type.String()),
  status: StringEnum(API_KEY_STATUSES),
  created_at: Type.String(),
  expires_at: Nullable(Type.String()),
  last_used_at: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
  /** Only in the answer that created the key. */
  secret: Type.Optional(Type.String()),
});

export const ListApiKeysSchema = {
  tags: ['API keys'],
  summary: 'List API keys',
  description: "The account's keys in this mode, newest first, by prefix; secrets are never shown again.",
  querystring: Type.Object(
    {
      limit: Type.Optional(Limit),
      starting_after: Type.Optional(KeyId),
      ending_before: Type.Optional(KeyId),
    },
    { additionalProperties: false },
  ),
  response: { 200: ListOf(ApiKeyObject), ...ERROR_RESPONSES },
} as const;

export const CreateApiKeySchema = {
  tags: ['API keys'],
  summary: 'Create an API key',
  description: 'Answers the secret this once; only its hash is stored. Needs an Idempotency-Key.',
  body: Type.Object(
    {
      /** When the key stops working: an ISO 8601 date-time or Unix seconds, in the future. */
      expires_at: Type.Optional(
        Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Integer({ minimum: 0 })]),
      ),
      description: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    },
    { additionalProperties: false, examples: [{ description: 'CI deploys', expires_at: '2027-01-31T00:00:00Z' }] },
  ),
  headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
  response: { 201: ApiKeyObject, ...ERROR_RESPONSES },
} as const;

const ApiKeyParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const GetApiKeySchema = {
  tags: ['API keys'],
  summary: 'Retrieve an API key',
  params: ApiKeyParams,
  response: { 200: ApiKeyObject, ...ERROR_RESPONSES },
} as const;

export const RevokeApiKeySchema = {
  tags: ['API keys'],
  summary: 'Revoke an API key',
  description:
    'Refused on every node within a second. The last active key of a mode cannot be revoked through the API.',
  params: ApiKeyParams,
  headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
  response: { 200: ApiKeyObject, ...ERROR_RESPONSES },
} as const;

import { Type } from 'typebox';
import { ERROR_RESPONSES, IdOf, Limit, ListOf, Nullable } from './common.ts';

export const RequestLogEntryObject = Type.Object(
  {
    id: Type.String({ description: 'The request id (`req_…`), as in its `request-id` header.' }),
    object: Type.Literal('request_log_entry'),
    livemode: Type.Boolean(),
    created_at: Type.String({ description: 'When it was answered (ISO 8601).' }),
    method: Type.String(),
    path: Type.String({ description: 'The URL, with any secret in it redacted.' }),
    status: Type.Integer(),
    duration_ms: Type.Number(),
    error_code: Nullable(Type.String()),
  },
  { $id: 'RequestLogEntry' },
);

export const ListRequestLogSchema = {
  tags: ['Request log'],
  summary: "List the API's recent requests",
  description:
    "The key's account and mode's requests this gateway node answered lately (the last few thousand of all accounts, kept in memory), in the order answered: the first `limit` (1 to 100, default 100) after the request `after`, or the last ones without it. What `bawaba logs tail` polls; each node answers for its own requests.",
  querystring: Type.Object(
    {
      after: Type.Optional(IdOf('req')),
      limit: Type.Optional(Limit),
    },
    { additionalProperties: false },
  ),
  response: { 200: ListOf(RequestLogEntryObject), ...ERROR_RESPONSES },
} as const;

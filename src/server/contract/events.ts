import { Type } from 'typebox';
import { ERROR_RESPONSES, IdOf, Limit, ListOf, StringEnum } from './common.ts';

/** Event types merchants can subscribe to. */
export const EVENT_TYPES = [
  'payment.requires_action',
  'payment.processing',
  'payment.authorized',
  'payment.captured',
  'payment.partially_refunded',
  'payment.refunded',
  'payment.disputed',
  'payment.failed',
  'payment.canceled',
  'payment.expired',
  'payment.captured_after_cancel',
  /** One payer of a split bill paid their share (before `payment.captured` for the whole). */
  'payment.part_paid',
  'refund.created',
  'refund.succeeded',
  'refund.failed',
  'checkout.session.completed',
  'checkout.session.expired',
  'payment_link.created',
  /** Turned on or off. */
  'payment_link.updated',
] as const;

export const EventObject = Type.Object({
  id: Type.String(),
  object: Type.Literal('event'),
  type: Type.String(),
  livemode: Type.Boolean(),
  created_at: Type.String(),
  data: Type.Object({ object: Type.Record(Type.String(), Type.Unknown()) }),
});

export const ListEventsSchema = {
  tags: ['Events'],
  summary: 'List events',
  description: 'Newest first; filter by type or object.',
  querystring: Type.Object(
    {
      limit: Type.Optional(Limit),
      starting_after: Type.Optional(IdOf('evt')),
      ending_before: Type.Optional(IdOf('evt')),
      type: Type.Optional(StringEnum(EVENT_TYPES)),
      object_id: Type.Optional(Type.String({ maxLength: 64 })),
    },
    { additionalProperties: false },
  ),
  response: { 200: ListOf(EventObject), ...ERROR_RESPONSES },
} as const;

export const GetEventSchema = {
  tags: ['Events'],
  summary: 'Retrieve an event',
  params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
  response: { 200: EventObject, ...ERROR_RESPONSES },
} as const;

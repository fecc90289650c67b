import { Type } from 'typebox';
import { REFUND_STATUSES } from '../../core/refund/refund.ts';
import { ERROR_RESPONSES, ErrorRef, ListOf, Nullable, StringEnum } from './common.ts';
import { Metadata, PaymentIdParams, PaymentObject } from './payments.ts';

/** The refund object of the API. */
export const RefundObject = Type.Object({
  id: Type.String(),
  object: Type.Literal('refund'),
  payment_id: Type.String(),
  amount: Type.Integer(),
  currency: Type.String(),
  status: StringEnum(REFUND_STATUSES),
  reason: Nullable(Type.String()),
  metadata: Type.Record(Type.String(), Type.String()),
  livemode: Type.Boolean(),
  provider_refund_id: Nullable(Type.String()),
  failure_code: Nullable(Type.String()),
  failure_message: Nullable(Type.String()),
  created_at: Type.String(),
  updated_at: Type.String(),
});

/** `POST /v1/payments/{id}/refunds` body: all optional; no amount refunds what is left. */
export const CreateRefundBody = Type.Object(
  {
    amount: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false, examples: [{ amount: 500, reason: 'One item returned' }] },
);

export const CreateRefundSchema = {
  tags: ['Refunds'],
  summary: 'Refund a payment',
  description:
    'The whole amount left, or part of it where the connector allows; never more than is left after pending refunds. Needs an Idempotency-Key.',
  params: PaymentIdParams,
  body: CreateRefundBody,
  response: { 201: RefundObject, 402: ErrorRef, ...ERROR_RESPONSES },
} as const;

export const GetRefundSchema = {
  tags: ['Refunds'],
  summary: 'Retrieve a refund',
  params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
  response: { 200: RefundObject, ...ERROR_RESPONSES },
} as const;

export const ListPaymentRefundsSchema = {
  tags: ['Refunds'],
  summary: "List a payment's refunds",
  params: PaymentIdParams,
  response: { 200: ListOf(RefundObject), ...ERROR_RESPONSES },
} as const;

export const CancelPaymentSchema = {
  tags: ['Refunds'],
  summary: 'Cancel a payment',
  description:
    'Only while it waits for the customer (`requires_action`), or void a captured one where the connector can.',
  params: PaymentIdParams,
  response: { 200: PaymentObject, ...ERROR_RESPONSES },
} as const;

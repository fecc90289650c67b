import { Type } from 'typebox';
import { PAYMENT_METHODS, PAYMENT_PART_STATUSES } from '../../core/payment/payment.ts';
import { PAYMENT_STATUSES } from '../../core/payment/status.ts';
import { ERROR_RESPONSES, ErrorRef, ListOf, Nullable, StringEnum } from './common.ts';

/** Metadata: string → string, at most 50 keys of 1–40 characters, values up to 500. */
export const Metadata = Type.Record(Type.String(), Type.String({ maxLength: 500 }), {
  maxProperties: 50,
  propertyNames: { minLength: 1, maxLength: 40 },
});

/** One of the payment methods (`qpay`, `qattah`, `card`), from the core's one list of them. */
const PaymentMethodSchema = StringEnum(PAYMENT_METHODS);

const CustomerIn = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{6,15}$' })),
    national_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,32}$' })),
  },
  { additionalProperties: false },
);

/** `POST /v1/payments` body. Strict: no coercion, no unknown fields. */
export const CreatePaymentBody = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    payment_method: PaymentMethodSchema,
    return_url: Type.String({ format: 'uri', pattern: '^https?://[^\\s]+$', maxLength: 2048 }),
    connector: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,40}$' })),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    locale: Type.Optional(StringEnum(['en', 'ar'])),
    customer: Type.Optional(CustomerIn),
    metadata: Type.Optional(Metadata),
  },
  {
    additionalProperties: false,
    examples: [
      {
        amount: 1500,
        currency: 'QAR',
        payment_method: 'qpay',
        return_url: 'https://shop.example/thanks',
        reference: 'ORDER-1001',
        description: 'Order 1001',
        customer: { name: 'Mariam Al-Kuwari', email: 'mariam@example.qa' },
        metadata: { order_id: '1001' },
      },
    ],
  },
);

const CustomerOut = Type.Object({
  name: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  phone: Type.Optional(Type.String()),
});

/** The payment object of the API. */
export const PaymentObject = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('payment'),
    status: StringEnum(PAYMENT_STATUSES),
    amount: Type.Integer(),
    /** Refunds that succeeded, in minor units. */
    amount_refunded: Type.Integer(),
    currency: Type.String(),
    payment_method: PaymentMethodSchema,
    connector: Type.String(),
    livemode: Type.Boolean(),
    reference: Nullable(Type.String()),
    description: Nullable(Type.String()),
    customer: Nullable(CustomerOut),
    metadata: Type.Record(Type.String(), Type.String()),
    return_url: Type.String(),
    next_action: Nullable(Type.Object({ type: Type.Literal('redirect'), url: Type.String() })),
    provider_payment_id: Nullable(Type.String()),
    /** `merchant` when canceled through the API. */
    canceled_by: Nullable(Type.String()),
    /** The customer paid after the merchant canceled: refund it. */
    captured_after_cancel: Type.Boolean(),
    /** Split-bill payments (`qattah`): one share per payer, as the provider reports them. */
    parts: Type.Array(
      Type.Object({
        /** The provider's id of the share (Qattah's invoice id). */
        id: Type.String(),
        /** The payer's label, as the person who split the bill typed it. */
        name: Type.String(),
        /** Minor units, in the payment's currency. */
        amount: Type.Integer(),
        status: StringEnum(PAYMENT_PART_STATUSES),
        /** How the share was paid (`applepay`, `mada`), once paid. */
        method: Nullable(Type.String()),
        /** When Bawaba first saw the share paid. */
        paid_at: Nullable(Type.String()),
      }),
    ),
    /** Connectors tried before `connector`, and why each was left (routing failover). */
    connector_attempts: Type.Array(
      Type.Object({ connector: Type.String(), outcome: Type.String(), reason: Type.String(), at: Type.String() }),
    ),
    failure_code: Nullable(Type.String()),
    failure_message: Nullable(Type.String()),
    expires_at: Nullable(Type.String()),
    /** When the gateway recorded the capture; null until captured. */
    captured_at: Nullable(Type.String()),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'Payment' },
);

/** `GET /v1/payments` query. Query values arrive as text, so numbers are parsed by hand. */
export const ListPaymentsQuery = Type.Object(
  {
    limit: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$' })),
    starting_after: Type.Optional(Type.String({ pattern: '^pay_[0-9a-z]{26}$' })),
    ending_before: Type.Optional(Type.String({ pattern: '^pay_[0-9a-z]{26}$' })),
    status: Type.Optional(StringEnum(PAYMENT_STATUSES)),
    'created[gte]': Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    'created[lt]': Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    reference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description: "Only payments with exactly this merchant's reference.",
      }),
    ),
  },
  { additionalProperties: false },
);

export const PaymentIdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const CreatePaymentSchema = {
  tags: ['Payments'],
  summary: 'Create a payment',
  description:
    "Routes it to a connector that takes the method, currency and amount (failing over while no link was handed out), and answers 201 with `next_action.url` for the customer, or 202 when the provider's answer is not known yet. Needs an Idempotency-Key: a retry answers the same.",
  body: CreatePaymentBody,
  headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
  response: { 201: PaymentObject, 202: PaymentObject, 402: ErrorRef, ...ERROR_RESPONSES },
} as const;

export const GetPaymentSchema = {
  tags: ['Payments'],
  summary: 'Retrieve a payment',
  params: PaymentIdParams,
  response: { 200: PaymentObject, ...ERROR_RESPONSES },
} as const;

export const ListPaymentsSchema = {
  tags: ['Payments'],
  summary: 'List payments',
  description: 'Newest first, with cursor paging; filter by status, creation time or `reference`.',
  querystring: ListPaymentsQuery,
  response: { 200: ListOf(PaymentObject), ...ERROR_RESPONSES },
} as const;

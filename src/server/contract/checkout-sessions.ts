import { Type } from 'typebox';
import { CHECKOUT_SESSION_STATUSES } from '../../core/checkout/session.ts';
import { PAYMENT_METHODS } from '../../core/payment/payment.ts';
import { ERROR_RESPONSES, IdOf, Limit, ListOf, Nullable, StringEnum } from './common.ts';
import { Metadata } from './payments.ts';

const Url = Type.String({ format: 'uri', pattern: '^https?://[^\\s]+$', maxLength: 2048 });

const CustomerIn = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{6,15}$' })),
  },
  { additionalProperties: false },
);

/** `POST /v1/checkout_sessions` body. Strict: no coercion, no unknown fields. */
export const CreateCheckoutSessionBody = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    /** Where the customer goes once the session's payment is captured. */
    success_url: Url,
    /** Where the customer goes on leaving the page without paying. */
    cancel_url: Url,
    /** The methods offered; default: every method the configured connectors take for this amount. */
    payment_methods: Type.Optional(
      Type.Array(StringEnum(PAYMENT_METHODS), { minItems: 1, maxItems: PAYMENT_METHODS.length, uniqueItems: true }),
    ),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    /** The page's language; without it, the customer's browser decides. */
    locale: Type.Optional(StringEnum(['en', 'ar'])),
    customer: Type.Optional(CustomerIn),
    metadata: Type.Optional(Metadata),
    /** ISO 8601; between 5 minutes and 24 hours from now (default: 1 hour). */
    expires_at: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        amount: 4750,
        currency: 'QAR',
        success_url: 'https://shop.example/paid',
        cancel_url: 'https://shop.example/cart',
        reference: 'ORDER-2041',
        description: 'Order 2041',
        locale: 'ar',
      },
    ],
  },
);

/** The checkout session object of the API. */
export const CheckoutSessionObject = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('checkout_session'),
    status: StringEnum(CHECKOUT_SESSION_STATUSES),
    /** The hosted page to send the customer to. */
    url: Type.String(),
    amount: Type.Integer(),
    currency: Type.String(),
    payment_methods: Type.Array(StringEnum(PAYMENT_METHODS)),
    success_url: Type.String(),
    cancel_url: Type.String(),
    reference: Nullable(Type.String()),
    description: Nullable(Type.String()),
    locale: Nullable(StringEnum(['en', 'ar'])),
    customer: Nullable(
      Type.Object({
        name: Type.Optional(Type.String()),
        email: Type.Optional(Type.String()),
        phone: Type.Optional(Type.String()),
      }),
    ),
    metadata: Type.Record(Type.String(), Type.String()),
    /** The latest payment tried; once `complete`, the captured one. */
    payment_id: Nullable(Type.String()),
    /** Every payment tried on the session, oldest first. */
    payment_ids: Type.Array(Type.String()),
    livemode: Type.Boolean(),
    expires_at: Type.String(),
    completed_at: Nullable(Type.String()),
    created_at: Type.String(),
  },
  { $id: 'CheckoutSession' },
);

const SessionIdParams = Type.Object({ id: IdOf('cs') });

export const CreateCheckoutSessionSchema = {
  tags: ['Checkout sessions'],
  summary: 'Create a checkout session',
  description:
    'A hosted page at `url` where the customer picks how to pay (QPay, card, split the bill). Needs an Idempotency-Key.',
  body: CreateCheckoutSessionBody,
  headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
  response: { 201: CheckoutSessionObject, ...ERROR_RESPONSES },
} as const;

export const GetCheckoutSessionSchema = {
  tags: ['Checkout sessions'],
  summary: 'Retrieve a checkout session',
  params: SessionIdParams,
  response: { 200: CheckoutSessionObject, ...ERROR_RESPONSES },
} as const;

export const ExpireCheckoutSessionSchema = {
  tags: ['Checkout sessions'],
  summary: 'Expire a checkout session',
  description: 'Refused while one of its payments may still be paid.',
  params: SessionIdParams,
  response: { 200: CheckoutSessionObject, ...ERROR_RESPONSES },
} as const;

export const ListCheckoutSessionsSchema = {
  tags: ['Checkout sessions'],
  summary: 'List checkout sessions',
  description: 'Newest first, with cursor paging.',
  querystring: Type.Object(
    {
      limit: Type.Optional(Limit),
      starting_after: Type.Optional(IdOf('cs')),
      ending_before: Type.Optional(IdOf('cs')),
    },
    { additionalProperties: false },
  ),
  response: { 200: ListOf(CheckoutSessionObject), ...ERROR_RESPONSES },
} as const;

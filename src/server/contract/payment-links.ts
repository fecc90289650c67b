import { Type } from 'typebox';
import { PAYMENT_METHODS } from '../../core/payment/payment.ts';
import { ERROR_RESPONSES, IdOf, Limit, ListOf, Nullable, StringEnum } from './common.ts';

const Url = Type.String({ format: 'uri', pattern: '^https?://[^\\s]+$', maxLength: 2048 });
const Minor = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

/** Like a payment's metadata, with one key left for `payment_link` on the sessions it opens. */
const LinkMetadata = Type.Record(Type.String(), Type.String({ maxLength: 500 }), {
  maxProperties: 49,
  propertyNames: { minLength: 1, maxLength: 40 },
});

/** `POST /v1/payment_links` body. Strict: no coercion, no unknown fields. */
export const CreatePaymentLinkBody = Type.Object(
  {
    /** A fixed amount in minor units; without it, the customer enters one within min_amount and max_amount. */
    amount: Type.Optional(Minor),
    /** The least the customer may enter, in minor units (with max_amount, instead of amount). */
    min_amount: Type.Optional(Minor),
    /** The most the customer may enter, in minor units. */
    max_amount: Type.Optional(Minor),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    /** What the customer pays for, shown on the pages. */
    description: Type.String({ minLength: 1, maxLength: 500 }),
    /** The methods its sessions offer; default: every method available when a session opens. */
    payment_methods: Type.Optional(
      Type.Array(StringEnum(PAYMENT_METHODS), { minItems: 1, maxItems: PAYMENT_METHODS.length, uniqueItems: true }),
    ),
    /** Once this many of its sessions completed, the link opens no more. */
    max_payments: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000 })),
    /** Default true. */
    active: Type.Optional(Type.Boolean()),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    metadata: Type.Optional(LinkMetadata),
    /** The pages' language; without it, the customer's browser decides. */
    locale: Type.Optional(StringEnum(['en', 'ar'])),
    /** Default: the gateway's own thank-you page of the link. */
    success_url: Type.Optional(Url),
    /** Default: the gateway's own page of the link saying the payment was canceled. */
    cancel_url: Type.Optional(Url),
  },
  {
    additionalProperties: false,
    examples: [{ amount: 2500, currency: 'QAR', description: 'Dates, 1 kg', max_payments: 100 }],
  },
);

/** The payment link object of the API. */
export const PaymentLinkObject = Type.Object(
  {
    id: Type.String(),
    object: Type.Literal('payment_link'),
    active: Type.Boolean(),
    /** The address to share: each visit opens a new checkout session. */
    url: Type.String(),
    /** A QR code of `url`, as SVG. */
    qr_svg_url: Type.String(),
    amount: Nullable(Type.Integer()),
    min_amount: Nullable(Type.Integer()),
    max_amount: Nullable(Type.Integer()),
    currency: Type.String(),
    description: Type.String(),
    payment_methods: Nullable(Type.Array(StringEnum(PAYMENT_METHODS))),
    max_payments: Nullable(Type.Integer()),
    /** How many of its checkout sessions completed. */
    completed_sessions: Type.Integer(),
    reference: Nullable(Type.String()),
    metadata: Type.Record(Type.String(), Type.String()),
    locale: Nullable(StringEnum(['en', 'ar'])),
    success_url: Nullable(Type.String()),
    cancel_url: Nullable(Type.String()),
    livemode: Type.Boolean(),
    created_at: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'PaymentLink' },
);

const LinkIdParams = Type.Object({ id: IdOf('plink') });

export const CreatePaymentLinkSchema = {
  tags: ['Payment links'],
  summary: 'Create a payment link',
  description:
    'A stable `url` (and its QR code at `qr_svg_url`) that opens a new checkout session at each visit: a fixed `amount`, or one the customer enters between `min_amount` and `max_amount`. Needs an Idempotency-Key.',
  body: CreatePaymentLinkBody,
  headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
  response: { 201: PaymentLinkObject, ...ERROR_RESPONSES },
} as const;

export const GetPaymentLinkSchema = {
  tags: ['Payment links'],
  summary: 'Retrieve a payment link',
  params: LinkIdParams,
  response: { 200: PaymentLinkObject, ...ERROR_RESPONSES },
} as const;

export const DeactivatePaymentLinkSchema = {
  tags: ['Payment links'],
  summary: 'Deactivate a payment link',
  description:
    'Its address then opens no session and shows the customer that the link is off. Sessions already open stay open.',
  params: LinkIdParams,
  response: { 200: PaymentLinkObject, ...ERROR_RESPONSES },
} as const;

export const ActivatePaymentLinkSchema = {
  tags: ['Payment links'],
  summary: 'Activate a payment link',
  params: LinkIdParams,
  response: { 200: PaymentLinkObject, ...ERROR_RESPONSES },
} as const;

export const ListPaymentLinksSchema = {
  tags: ['Payment links'],
  summary: 'List payment links',
  description: 'Newest first, with cursor paging.',
  querystring: Type.Object(
    {
      limit: Type.Optional(Limit),
      starting_after: Type.Optional(IdOf('plink')),
      ending_before: Type.Optional(IdOf('plink')),
    },
    { additionalProperties: false },
  ),
  response: { 200: ListOf(PaymentLinkObject), ...ERROR_RESPONSES },
} as const;

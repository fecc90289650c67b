import { Type } from 'typebox';
import { MAX_LOGO_BYTES } from '../../core/account-logo.ts';
import { ERROR_RESPONSES, StringEnum } from './common.ts';

/** `POST /v1/account/logo` body: the image's bytes in base64. */
export const SetAccountLogoBody = Type.Object(
  {
    /** A PNG or JPEG of at most 64 KiB and 2048 pixels on each side, base64 (RFC 4648). */
    data: Type.String({
      minLength: 4,
      maxLength: Math.ceil(MAX_LOGO_BYTES / 3) * 4,
      pattern: '^[A-Za-z0-9+/]+={0,2}$',
    }),
  },
  {
    additionalProperties: false,
    examples: [
      { data: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==' },
    ],
  },
);

/** The account's logo, as the checkout pages show it. */
export const AccountLogoObject = Type.Object(
  {
    object: Type.Literal('account_logo'),
    content_type: StringEnum(['image/png', 'image/jpeg']),
    size: Type.Integer(),
    width: Type.Integer(),
    height: Type.Integer(),
    /** Where the gateway serves it (its address changes with its bytes). */
    url: Type.String(),
    updated_at: Type.String(),
  },
  { $id: 'AccountLogo' },
);

export const SetAccountLogoSchema = {
  tags: ['Account'],
  summary: 'Set the account logo',
  description:
    'The logo the checkout and payment link pages show beside the merchant name, for both modes. PNG or JPEG only (checked by its bytes), at most 64 KiB and 2048 pixels a side. Needs an Idempotency-Key.',
  body: SetAccountLogoBody,
  headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String()) }),
  response: { 200: AccountLogoObject, ...ERROR_RESPONSES },
} as const;

export const GetAccountLogoSchema = {
  tags: ['Account'],
  summary: 'Retrieve the account logo',
  response: { 200: AccountLogoObject, ...ERROR_RESPONSES },
} as const;

export const DeleteAccountLogoSchema = {
  tags: ['Account'],
  summary: 'Remove the account logo',
  response: {
    200: Type.Object({ object: Type.Literal('account_logo'), deleted: Type.Literal(true) }),
    ...ERROR_RESPONSES,
  },
} as const;

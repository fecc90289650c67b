import { type TSchema, Type } from 'typebox';

/** The one error shape of the API. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      type: Type.String(),
      code: Type.String(),
      message: Type.String(),
      param: Type.Optional(Type.String()),
      payment_id: Type.Optional(Type.String()),
      refund_id: Type.Optional(Type.String()),
      request_id: Type.String(),
    }),
  },
  { $id: 'Error' },
);

/** `T | null`. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/** A cursor-paginated list of `item`. */
export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    object: Type.Literal('list'),
    data: Type.Array(item),
    has_more: Type.Boolean(),
  });
}

/** A reference to {@link ErrorBody}, which `buildApp()` registers as a shared schema. */
export const ErrorRef = Type.Ref('Error');

/** Error responses every authenticated route may give. */
export const ERROR_RESPONSES = {
  400: ErrorRef,
  401: ErrorRef,
  404: ErrorRef,
  409: ErrorRef,
  413: ErrorRef,
  415: ErrorRef,
  500: ErrorRef,
  502: ErrorRef,
} as const;

import { type Static, type TSchema, Type } from 'typebox';

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
      doc_url: Type.String({ description: 'Where the error reference explains this code.' }),
      request_id: Type.String(),
    }),
  },
  { $id: 'Error' },
);

/** `T | null`. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/**
 * A string that is one of `values`: `{"type": "string", "enum": [...]}` in the schema (as
 * validated and documented), the union of the literals in the types.
 */
export function StringEnum<const T extends readonly string[]>(values: T) {
  return Type.Unsafe<T[number]>(Type.String({ enum: [...values] }));
}

/** A list's `limit` query parameter: 1 to 100, as text (query values arrive as text). */
export const Limit = Type.String({ pattern: '^(100|[1-9][0-9]?)$' });

/** An id of one kind (`pay`, `evt`, …) as a cursor or path parameter. */
export const IdOf = (prefix: string) => Type.String({ pattern: `^${prefix}_[0-9a-z]{26}$` });

/** A cursor-paginated list of `item`. */
export function ListOf<T extends TSchema>(item: T) {
  return Type.Object({
    object: Type.Literal('list'),
    data: Type.Array(item),
    has_more: Type.Boolean(),
  });
}

/** A reference to {@link ErrorBody}, which `buildApp()` registers as a shared schema. */
export const ErrorRef = Type.Unsafe<Static<typeof ErrorBody>>(Type.Ref('Error'));

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

type Present<T> = Exclude<T, null | undefined>;

/**
 * The fields of a view `V` that `S`, the type of its response schema, does not list, as dotted
 * paths (`never` when there are none). The response serializer drops such fields without a word.
 */
export type UnlistedFields<V, S, Path extends string = ''> = unknown extends S
  ? never
  : V extends readonly (infer Item)[]
    ? Present<S> extends readonly (infer Listed)[]
      ? UnlistedFields<Item, Listed, Path>
      : never
    : V extends object
      ? {
          [K in keyof V & string]-?: string extends keyof Present<S>
            ? UnlistedFields<V[K], Present<S>[string], `${Path}${K}.`>
            : K extends keyof Present<S>
              ? UnlistedFields<V[K], Present<S>[K], `${Path}${K}.`>
              : `${Path}${K}`;
        }[keyof V & string]
      : never;

/**
 * `F`, a function making the view a route answers, when that view is the type of `Schema` and
 * has no field `Schema` does not list; otherwise a type naming what is wrong, which `F` is not
 * assignable to. For `const view: ViewOf<typeof Schema, typeof makeView> = makeView`: a compile
 * error instead of a field silently dropped from the answer.
 */
export type ViewOf<Schema extends TSchema, F extends (...args: never[]) => unknown> = [
  UnlistedFields<Awaited<ReturnType<F>>, Static<Schema>>,
] extends [never]
  ? Awaited<ReturnType<F>> extends Static<Schema>
    ? F
    : { readonly 'the view is not the type of its response schema': Static<Schema> }
  : { readonly 'fields the response schema does not list': UnlistedFields<Awaited<ReturnType<F>>, Static<Schema>> };

/**
 * fast-check arbitraries from the JSON schemas of an OpenAPI 3.0 document: values the schema
 * accepts (so requests get past validation into the handlers), and hostile values that no schema
 * should let through (wrong types, deep nesting, huge strings, prototype keys).
 */
import fc from 'fast-check';

/** The part of JSON Schema the gateway's OpenAPI document uses. */
export interface JsonSchema {
  readonly type?: string;
  readonly $ref?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly pattern?: string;
  readonly format?: string;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly maxProperties?: number;
  readonly propertyNames?: JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly nullable?: boolean;
}

/** Resolves `#/components/schemas/...` references. */
export type RefResolver = (ref: string) => JsonSchema | undefined;

/**
 * Values of fields whose pattern alone rarely yields something the gateway takes (a currency it
 * knows, a connector it has): mixed into what the pattern generates, so handlers run past the
 * first check. Every URL points at loopback, so nothing generated could ever send traffic away.
 */
const HINTS: Readonly<Record<string, readonly unknown[]>> = {
  currency: ['QAR', 'QAR', 'QAR', 'SAR', 'SAR', 'KWD'],
  connector: ['checkout_com', 'qattah', 'akurateco', 'tap'],
  payment_method: ['qpay', 'card', 'qattah'],
  amount: [1, 100, 1500, 999_999_999, 1_000_000_000, 2 ** 53 - 1],
  'created[gte]': ['1700000000', '2026-01-01', '2026-01-01T00:00:00Z', '2026-13-45', 'yesterday'],
  'created[lt]': ['1900000000', '2030-01-01T00:00:00+03:00', '0', '999999999999'],
};

/** A URL on a loopback port where nothing listens. */
export const loopbackUrl: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('http', 'https'),
    fc.constantFrom('127.0.0.1:9', 'localhost:9', '[::1]:9'),
    fc.string({ unit: fc.constantFrom(...'abcxyz019-._~/?=&'.split(''), '%20', '%C3%A9'), maxLength: 20 }),
  )
  .map(([scheme, host, path]) => `${scheme}://${host}/${path}`);

function stringOf(schema: JsonSchema, name: string | undefined): fc.Arbitrary<string> {
  const max = schema.maxLength ?? 200;
  const min = schema.minLength ?? 0;
  const fits = (s: string) => s.length >= min && s.length <= max;
  if (schema.format === 'uri' || (name !== undefined && /url$/.test(name))) return loopbackUrl.filter(fits);
  if (schema.format === 'email') {
    return fc.oneof(fc.emailAddress(), fc.constantFrom('mariam@example.qa', 'a@b.co')).filter(fits);
  }
  if (schema.pattern) {
    return fc.stringMatching(new RegExp(schema.pattern)).filter(fits);
  }
  return fc.string({ minLength: min, maxLength: Math.min(max, 60) });
}

/** Values `schema` accepts (the fuzzer's starting point before any mutation). */
export function validValue(schema: JsonSchema, resolve: RefResolver, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const target = resolve(schema.$ref);
    return target ? validValue(target, resolve, name, depth) : fc.constant(null);
  }
  const hinted = name !== undefined ? HINTS[name] : undefined;
  const base = plainValid(schema, resolve, name, depth);
  const withNull = schema.nullable ? fc.option(base, { nil: null }) : base;
  return hinted
    ? fc.oneof({ arbitrary: fc.constantFrom(...hinted), weight: 4 }, { arbitrary: withNull, weight: 1 })
    : withNull;
}

function plainValid(schema: JsonSchema, resolve: RefResolver, name: string | undefined, depth: number) {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0) return fc.oneof(...variants.map((v) => validValue(v, resolve, name, depth)));
  switch (schema.type) {
    case 'string':
      return stringOf(schema, name);
    case 'integer': {
      const min = schema.minimum ?? -1_000_000;
      const max = Math.min(schema.maximum ?? 1_000_000, Number.MAX_SAFE_INTEGER);
      return fc.oneof(fc.integer({ min, max: Math.min(max, min + 100_000) }), fc.integer({ min, max }));
    }
    case 'number':
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        ...(schema.minimum === undefined ? {} : { min: schema.minimum }),
        ...(schema.maximum === undefined ? {} : { max: schema.maximum }),
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items ? validValue(schema.items, resolve, undefined, depth + 1) : fc.string();
      const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) };
      return schema.uniqueItems
        ? fc.uniqueArray(items, { ...constraints, selector: (v) => JSON.stringify(v) })
        : fc.array(items, constraints);
    }
    default:
      return objectOf(schema, resolve, depth);
  }
}

function objectOf(schema: JsonSchema, resolve: RefResolver, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant({});
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(props).map(([key, sub]) => {
    const value = validValue(sub, resolve, key, depth + 1);
    return required.has(key)
      ? value.map((v) => [[key, v]] as [string, unknown][])
      : fc.option(value, { nil: undefined }).map((v) => (v === undefined ? [] : ([[key, v]] as [string, unknown][])));
  });
  const extra =
    typeof schema.additionalProperties === 'object'
      ? fc.dictionary(
          stringOf({ minLength: 1, maxLength: 40, ...schema.propertyNames, type: 'string' }, undefined).filter(
            (k) => k !== '__proto__',
          ),
          validValue(schema.additionalProperties, resolve, undefined, depth + 1),
          { maxKeys: Math.min(schema.maxProperties ?? 5, 5) },
        )
      : fc.constant({});
  return fc
    .tuple(fc.tuple(...fields), extra)
    .map(([parts, more]) => Object.assign(Object.create(null), more, Object.fromEntries(parts.flat())));
}

/** JSON nested `depth` levels deep: arrays, objects, or both. */
export function nested(depth: number, kind: 'array' | 'object' | 'mixed'): string {
  let out = '1';
  for (let i = 0; i < depth; i++) {
    const object = kind === 'object' || (kind === 'mixed' && i % 2 === 0);
    out = object ? `{"a":${out}}` : `[${out}]`;
  }
  return out;
}

/** A JSON value spelt out as text, with a `__proto__` or `constructor` key somewhere. */
const prototypeKeyed: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('"__proto__"', '"constructor"', '"\\u005f_proto__"', '"prototype"'),
    fc.constantFrom('{"polluted":true}', '{"prototype":{"polluted":true}}', '1', 'null', '"x"'),
    fc.nat({ max: 4 }),
  )
  .map(([key, value, depth]) => {
    let out = `{${key}:${value}}`;
    for (let i = 0; i < depth; i++) out = `{"metadata":${out}}`;
    return out;
  });

/**
 * A JSON value, as text, that the schema behind it should refuse or that is built to hurt:
 * wrong types, huge strings, numbers out of range, deep nesting, prototype keys.
 */
export const hostileJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'null',
    'true',
    '0',
    '-1',
    '1.5',
    '1e309',
    '9007199254740993',
    '"1500"',
    '""',
    '[]',
    '{}',
    '[1,2,3]',
    '"\\u0000"',
    '"\\ud800"',
    '{"a":1,"a":2}',
    // A NUL escaped (JSON for U+0000), and a raw NUL byte (not JSON, but text a hook route stores).
    '{"a":"\\u0000","\\u0000":1}',
    '{"a":"\u0000"}',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JSON.stringify(s)),
  // Not JSON at all: any characters, NUL and lone surrogates included.
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1_000, max: 70_000 }).map((n) => JSON.stringify('x'.repeat(n))),
  fc.integer({ min: 20, max: 40 }).map((d) => nested(d, 'mixed')),
  fc
    .integer({ min: 33, max: 30_000 })
    .chain((d) => fc.constantFrom('array', 'object', 'mixed').map((k) => nested(d, k as 'array'))),
  prototypeKeyed,
);

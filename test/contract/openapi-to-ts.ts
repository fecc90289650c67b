// Turns the JSON schemas of docs/openapi.json into TypeScript declarations, so that a compiler run
// can compare them with the SDK's hand-written types (test/contract/sdk-types.test.ts).

/** The part of JSON Schema (OpenAPI 3.0 dialect) the document uses. */
export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly nullable?: boolean;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
}

interface Operation {
  readonly requestBody?: { readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema }>> };
  readonly responses?: Readonly<
    Record<string, { readonly content?: Readonly<Record<string, { readonly schema?: JsonSchema }>> }>
  >;
}

/** The OpenAPI document, as far as the generator reads it. */
export interface OpenApiDocument {
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation>>>>;
  readonly components?: { readonly schemas?: Readonly<Record<string, JsonSchema>> };
}

const KNOWN_KEYWORDS = new Set([
  '$ref',
  'type',
  'enum',
  'nullable',
  'anyOf',
  'oneOf',
  'allOf',
  'properties',
  'required',
  'additionalProperties',
  'items',
  // Validation keywords carry no type information.
  'description',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'format',
  'minItems',
  'maxItems',
  'uniqueItems',
  'maxProperties',
  'propertyNames',
  'default',
  'examples',
  'example',
  'title',
]);

/** The TypeScript type of one schema. Throws on a keyword it does not know, so nothing is skipped silently. */
export function typeOf(schema: JsonSchema, where: string): string {
  for (const key of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(key)) throw new Error(`${where}: unknown schema keyword "${key}"`);
  }
  // `{}` is any value.
  if (Object.keys(schema).length === 0) return 'unknown';
  const base = baseTypeOf(schema, where);
  return schema.nullable ? `(${base}) | null` : base;
}

function baseTypeOf(schema: JsonSchema, where: string): string {
  if (schema.$ref) return refName(schema.$ref);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((s, i) => `(${typeOf(s, `${where}|${i}`)})`).join(' | ');
  if (schema.allOf) return schema.allOf.map((s, i) => `(${typeOf(s, `${where}&${i}`)})`).join(' & ');
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  switch (schema.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      if (!schema.items) throw new Error(`${where}: array without items`);
      return `Array<${typeOf(schema.items, `${where}[]`)}>`;
    case 'object':
    case undefined:
      return objectTypeOf(schema, where);
    default:
      throw new Error(`${where}: unknown type "${schema.type}"`);
  }
}

function objectTypeOf(schema: JsonSchema, where: string): string {
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(
    ([name, s]) => `${JSON.stringify(name)}${required.has(name) ? '' : '?'}: ${typeOf(s, `${where}.${name}`)};`,
  );
  const extra = schema.additionalProperties;
  if (fields.length === 0) {
    if (extra === undefined || extra === true) return 'Record<string, unknown>';
    if (extra === false) return 'Record<string, never>';
    return `Record<string, ${typeOf(extra, `${where}{}`)}>`;
  }
  return `{ ${fields.join(' ')} }`;
}

function refName(ref: string): string {
  const match = /^#\/components\/schemas\/([A-Za-z0-9_]+)$/.exec(ref);
  if (!match?.[1]) throw new Error(`unsupported $ref ${ref}`);
  return match[1];
}

/** A name for an operation's schema: `POST /v1/payments/{id}/refunds` → `post_v1_payments_id_refunds`. */
export function operationName(method: string, path: string): string {
  return `${method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_')}`.replace(/_+$/, '');
}

/**
 * One declaration per component schema, and per `/v1` operation: its JSON request body
 * (`<op>_body`) and each JSON 2xx answer (`<op>_<status>`).
 */
export function openApiToTypeScript(doc: OpenApiDocument): { source: string; names: string[] } {
  const out: string[] = [];
  const names: string[] = [];
  const declare = (name: string, schema: JsonSchema) => {
    names.push(name);
    out.push(`export type ${name} = ${typeOf(schema, name)};`);
  };
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) declare(name, schema);
  for (const [path, operations] of Object.entries(doc.paths)) {
    if (!path.startsWith('/v1/')) continue;
    for (const [method, op] of Object.entries(operations)) {
      const name = operationName(method, path);
      const body = op.requestBody?.content?.['application/json']?.schema;
      if (body) declare(`${name}_body`, body);
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        const schema = response.content?.['application/json']?.schema;
        if (/^2\d\d$/.test(status) && schema) declare(`${name}_${status}`, schema);
      }
    }
  }
  return { source: `${out.join('\n')}\n`, names };
}

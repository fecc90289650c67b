/**
 * Requests for the fuzzer: for each operation of the OpenAPI document the gateway serves, an
 * arbitrary of requests built from its path parameters, query parameters and body schema, mixed
 * with hostile shapes. Requests whose bytes an HTTP client would refuse to send (a broken URL,
 * oversized headers, a lying Content-Length) are written as raw text for a socket.
 */
import fc from 'fast-check';
import {
  hostileJsonText,
  type JsonSchema,
  loopbackUrl,
  nested,
  type RefResolver,
  validValue,
} from './schema-arbitrary.ts';

/** One operation of the OpenAPI document. */
export interface Operation {
  readonly method: string;
  /** As in the document: `/v1/payments/{id}`. */
  readonly template: string;
  readonly pathParams: readonly { readonly name: string; readonly schema: JsonSchema }[];
  readonly queryParams: readonly { readonly name: string; readonly schema: JsonSchema }[];
  readonly body: JsonSchema | undefined;
  /** Whether the operation is documented as needing an API key. */
  readonly secured: boolean;
}

interface OpenApiParameter {
  readonly in: string;
  readonly name: string;
  readonly schema?: JsonSchema;
}

interface OpenApiOperation {
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: JsonSchema }> };
  readonly security?: readonly unknown[];
}

/** The document as far as the fuzzer reads it. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { readonly schemas?: Record<string, JsonSchema> };
  readonly security?: readonly unknown[];
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Every operation of `doc`, and how to resolve its references. */
export function operationsOf(doc: OpenApiDocument): { operations: Operation[]; resolve: RefResolver } {
  const schemas = doc.components?.schemas ?? {};
  const resolve: RefResolver = (ref) => schemas[ref.replace(/^#\/components\/schemas\//, '')];
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const params = op.parameters ?? [];
      const pick = (where: string) =>
        params.filter((p) => p.in === where).map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' } }));
      operations.push({
        method: method.toUpperCase(),
        template,
        pathParams: pick('path'),
        queryParams: pick('query'),
        body: op.requestBody?.content?.['application/json']?.schema,
        secured: (op.security ?? doc.security ?? []).length > 0,
      });
    }
  }
  return { operations, resolve };
}

/** A request to send: through an HTTP client, or (`raw`) as exact bytes on a socket. */
export interface FuzzRequest {
  readonly method: string;
  /** Request target: path and query, already encoded. */
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The whole request as written on the wire, for what a client would refuse to send. */
  readonly raw?: string;
  /** A label of the hostile shape, for the report. */
  readonly shape: string;
}

/** Objects that exist in the gateway under test, so that some requests reach real ones. */
export interface KnownIds {
  /** By the path segment naming the collection (`payments`, `events`, …) or parameter name. */
  readonly byCollection: Readonly<Record<string, readonly string[]>>;
  /** Whole paths of existing objects, by template, where parameters must match each other. */
  readonly paths: Readonly<Record<string, readonly string[]>>;
}

/** API keys and idempotency keys the requests may carry. */
export interface Credentials {
  readonly validKeys: readonly string[];
  /** A key used with many bodies, so the gateway must tell a reuse from a replay. */
  readonly reusedIdempotencyKey: string;
}

const HOSTILE_SEGMENTS = [
  '',
  '..',
  '%2e%2e',
  '%2F',
  '%00',
  '%20',
  '%C3%A9',
  '%F0%9F%92%B3',
  '__proto__',
  'constructor',
  'null',
  'undefined',
  '0',
  '-1',
  '%25',
  "'%3B--",
  '%3Cscript%3E',
];

function pathSegment(name: string, collection: string | undefined, known: KnownIds): fc.Arbitrary<string> {
  const pool = [...(known.byCollection[name] ?? []), ...(collection ? (known.byCollection[collection] ?? []) : [])];
  const prefixed = fc
    .tuple(fc.constantFrom('pay', 're', 'evt', 'we', 'whd', 'ca', 'acct'), fc.stringMatching(/^[0-9a-z]{26}$/))
    .map(([p, s]) => `${p}_${s}`);
  return fc.oneof(
    ...(pool.length > 0 ? [{ arbitrary: fc.constantFrom(...pool), weight: 6 }] : []),
    { arbitrary: prefixed, weight: 2 },
    { arbitrary: fc.string({ maxLength: 30 }).map((s) => encodeURIComponent(s) || 'x'), weight: 2 },
    { arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS), weight: 1 },
    { arbitrary: fc.integer({ min: 60, max: 300 }).map((n) => 'a'.repeat(n)), weight: 1 },
  );
}

/** The collection a path parameter belongs to: the segment before it (`payments` in `/v1/payments/{id}`). */
function collectionOf(template: string, param: string): string | undefined {
  const segments = template.split('/');
  const at = segments.indexOf(`{${param}}`);
  return at > 0 ? segments[at - 1] : undefined;
}

type Pair = readonly [string, string];

function queryPairs(op: Operation, resolve: RefResolver): fc.Arbitrary<Pair[]> {
  const valid = op.queryParams.map((p) =>
    fc.option(
      validValue(p.schema, resolve, p.name).map((v): Pair => [p.name, String(v)]),
      { nil: undefined },
    ),
  );
  const hostilePair: fc.Arbitrary<Pair> = fc.oneof(
    fc.constantFrom<Pair>(
      ['', '1'],
      ['__proto__', '1'],
      ['constructor', 'x'],
      ['__proto__[polluted]', '1'],
      ['limit', '-1'],
      ['limit', '1e3'],
      ['limit', '%'],
      ['created[gte]', 'yesterday'],
      ['created[lt]', '99999999999999'],
      ['payment_id', '%E0%A4%A'],
      ['status', '%ZZ'],
      ['object_id', '\u0000'],
      ['order_id', 'x\u0000'],
    ),
    fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 })).map(([k, v]): Pair => [k, v]),
    fc.integer({ min: 100, max: 9_000 }).map((n): Pair => ['starting_after', 'x'.repeat(n)]),
  );
  const repeated = (pairs: Pair[]) =>
    pairs.length === 0 ? fc.constant(pairs) : fc.constantFrom(...pairs).map((p) => [...pairs, p]);
  return fc
    .tuple(fc.tuple(...valid), fc.array(hostilePair, { maxLength: 3 }), fc.nat({ max: 9 }))
    .chain(([chosen, hostile, roll]) => {
      const pairs = chosen.filter((p): p is Pair => p !== undefined);
      if (roll < 4) return fc.constant(pairs);
      if (roll < 6) return repeated(pairs.length > 0 ? pairs : op.queryParams.map((p): Pair => [p.name, 'a']));
      return fc.constant([...pairs, ...hostile]);
    });
}

function encodeQuery(pairs: readonly Pair[], raw: boolean): string {
  if (pairs.length === 0) return '';
  const enc = (s: string) => (raw ? s : encodeURIComponent(s));
  return `?${pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')}`;
}

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/jsonx',
  'application/*',
  ';;',
  'application/json; charset=utf-8; charset=utf-8',
  'APPLICATION/JSON',
  '',
];

function authHeader(creds: Credentials): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...creds.validKeys).map((k) => `Bearer ${k}`), weight: 8 },
    {
      arbitrary: fc.constantFrom(
        undefined,
        'Bearer',
        'Bearer ',
        'Basic c2tfdGVzdF94Og==',
        'bearer sk_test_00000000000000000000000000000000',
        'Bearer sk_live_00000000000000000000000000000000',
        `Bearer ${creds.validKeys[0]} extra`,
        `Bearer ${'k'.repeat(8_000)}`,
      ),
      weight: 2,
    },
  );
}

function idempotencyHeader(creds: Credentials): fc.Arbitrary<string | undefined> {
  return fc.oneof(
    { arbitrary: fc.uuid(), weight: 6 },
    { arbitrary: fc.constant(creds.reusedIdempotencyKey), weight: 2 },
    {
      arbitrary: fc.constantFrom(undefined, '', ' ', 'x'.repeat(256), 'clé-é', 'a b', '\t'),
      weight: 2,
    },
  );
}

/** Bodies for an operation: from its schema mostly, otherwise hostile or absent. */
function bodyText(op: Operation, resolve: RefResolver): fc.Arbitrary<{ text: string | undefined; shape: string }> {
  const fromSchema = op.body
    ? validValue(op.body, resolve).map((v) => ({ text: JSON.stringify(v), shape: 'schema body' }))
    : fc.constant({ text: undefined as string | undefined, shape: 'no body' });
  const mutated = op.body
    ? fc
        .tuple(validValue(op.body, resolve), hostileJsonText, fc.nat({ max: 20 }), fc.boolean())
        .map(([v, hostile, pick, drop]) => {
          const obj = (v && typeof v === 'object' ? { ...(v as object) } : {}) as Record<string, unknown>;
          const keys = Object.keys(obj);
          const key = keys.length > 0 ? keys[pick % keys.length]! : 'unknown_field';
          if (drop) {
            delete obj[key];
            return { text: JSON.stringify(obj), shape: 'field dropped' };
          }
          // Splice hostile JSON text in place of one field's value.
          const marker = '"__fuzz_marker__"';
          obj[key] = '__fuzz_marker__';
          return { text: JSON.stringify(obj).replace(marker, hostile), shape: 'field replaced' };
        })
    : fc.constant({ text: undefined as string | undefined, shape: 'no body' });
  const broken = fc.oneof(
    hostileJsonText.map((text) => ({ text, shape: 'hostile json' })),
    fc
      .constantFrom('{', '{"amount":', "{'a':1}", '{"a":NaN}', '\ufeff{}', '{}garbage', '[', '{"a":1,}', ' ')
      .map((text) => ({ text, shape: 'broken json' })),
    fc.constant({ text: '', shape: 'empty body' }),
    fc.integer({ min: 20, max: 200 }).map((d) => ({ text: nested(d, 'mixed'), shape: 'deep nesting' })),
  );
  return fc.oneof(
    { arbitrary: fromSchema, weight: 5 },
    { arbitrary: mutated, weight: 3 },
    { arbitrary: broken, weight: 2 },
  );
}

/** A request to `op` as a client would send it. */
function clientRequest(op: Operation, resolve: RefResolver, known: KnownIds, creds: Credentials) {
  const segments = op.pathParams.map((p) => pathSegment(p.name, collectionOf(op.template, p.name), known));
  const matching = known.paths[op.template] ?? [];
  return fc
    .record({
      segments: fc.tuple(...segments),
      knownPath:
        matching.length > 0 ? fc.option(fc.constantFrom(...matching), { nil: undefined }) : fc.constant(undefined),
      query: queryPairs(op, resolve),
      body: bodyText(op, resolve),
      auth: authHeader(creds),
      idem: idempotencyHeader(creds),
      contentType: fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 8 },
        { arbitrary: fc.constantFrom(undefined, ...CONTENT_TYPES), weight: 2 },
      ),
      accept: fc.constantFrom(undefined, 'application/json', '*/*', 'text/html,*/*;q=0.8'),
      // Another method on the same path (not DELETE: it would remove the seeded objects early).
      method: fc.oneof(
        { arbitrary: fc.constant(op.method), weight: 12 },
        { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'OPTIONS', 'HEAD', 'FOO'), weight: 1 },
      ),
      bodyOnBodyless: fc.nat({ max: 9 }),
    })
    .map((r): FuzzRequest => {
      let path = op.template;
      op.pathParams.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, r.segments[i] ?? '');
      });
      path = r.knownPath ?? path;
      const headers: Record<string, string> = {};
      if (r.auth !== undefined) headers.authorization = r.auth;
      if (r.accept !== undefined) headers.accept = r.accept;
      let body = r.body.text;
      let shape = r.body.shape;
      const bodyless = r.method === 'GET' || r.method === 'DELETE' || r.method === 'HEAD';
      if (bodyless) {
        // Mostly none; sometimes a body where the method takes none.
        if (r.bodyOnBodyless < 8 || body === undefined) body = undefined;
        else shape = `body on ${r.method}`;
      }
      if (r.method === 'POST' && r.idem !== undefined) headers['idempotency-key'] = r.idem;
      if (body !== undefined && r.contentType !== undefined) headers['content-type'] = r.contentType;
      return {
        method: r.method,
        target: path + encodeQuery(r.query, false),
        headers,
        ...(body !== undefined ? { body } : {}),
        shape: r.method === op.method ? shape : `method ${r.method}`,
      };
    });
}

const BAD_ENCODINGS = ['%E0%A4%A', '%', '%G1', '%C0%80', '%ED%A0%80', '%FF', '%%', 'a%2', '%u0041'];

/** Requests only a socket can send: broken URLs, oversized headers, a lying Content-Length. */
function rawRequest(op: Operation, creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const auth = `authorization: Bearer ${creds.validKeys[0]}\r\n`;
  const withBody = (head: string, body: string, extra = '') =>
    `${head}${auth}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`;
  const path = (bad: string) => op.template.replace(/\{[^}]+\}/g, bad).replace(/\/$/, `/${bad}`);
  return fc
    .tuple(
      fc.constantFrom(
        'bad encoding in path',
        'bad encoding in query',
        'raw bytes in path',
        'space in path',
        'oversized header',
        'many headers',
        'lying content-length',
        'two content-lengths',
        'bad chunked body',
        'absolute-form target',
        'http/1.0',
        'header without colon',
        'bad method token',
      ),
      fc.constantFrom(...BAD_ENCODINGS),
      fc.integer({ min: 17_000, max: 70_000 }),
    )
    .map(([shape, bad, size]): FuzzRequest => {
      const m = op.method;
      const base = op.template.replace(/\{[^}]+\}/g, 'x');
      const head = (target: string, method = m, version = 'HTTP/1.1') =>
        `${method} ${target} ${version}\r\nhost: 127.0.0.1\r\n`;
      const end = `${auth}connection: close\r\n\r\n`;
      let raw: string;
      switch (shape) {
        case 'bad encoding in path':
          raw = head(op.pathParams.length > 0 ? path(bad) : `${base}/${bad}`) + end;
          break;
        case 'bad encoding in query':
          raw = head(`${base}?limit=${bad}&${bad}=1`) + end;
          break;
        case 'raw bytes in path':
          raw = head(`${base}/\u00e9\u00ff`) + end;
          break;
        case 'space in path':
          raw = head(`${base}/a b`) + end;
          break;
        case 'oversized header':
          raw = `${head(base)}x-filler: ${'a'.repeat(size)}\r\n${end}`;
          break;
        case 'many headers':
          raw = head(base) + Array.from({ length: 2_100 }, (_, i) => `x-h${i}: 1\r\n`).join('') + end;
          break;
        case 'lying content-length':
          raw = `${head(base, 'POST')}${auth}content-type: application/json\r\ncontent-length: abc\r\nconnection: close\r\n\r\n{}`;
          break;
        case 'two content-lengths':
          raw = withBody(head(base, 'POST'), '{}', 'content-length: 5\r\n');
          break;
        case 'bad chunked body':
          raw = `${head(base, 'POST')}${auth}content-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`;
          break;
        case 'absolute-form target':
          raw = head(`http://127.0.0.1${base}`) + end;
          break;
        case 'http/1.0':
          raw = `${m} ${base} HTTP/1.0\r\n${auth}\r\n`;
          break;
        case 'header without colon':
          raw = `${head(base)}this is not a header\r\n${end}`;
          break;
        default:
          raw = `${head(base, 'G(E)T')}${end}`;
      }
      return { method: m, target: base, headers: {}, raw, shape };
    });
}

/**
 * A request as a careful client sends it: valid key, fresh Idempotency-Key, JSON, a body and
 * query values from the schema, ids of existing objects. These reach the handlers and their
 * success paths, which hostile requests mostly never get past validation to see.
 */
function wellFormedRequest(op: Operation, resolve: RefResolver, known: KnownIds, creds: Credentials) {
  const ids = op.pathParams.map((p) => {
    const pool = [
      ...(known.byCollection[p.name] ?? []),
      ...(known.byCollection[collectionOf(op.template, p.name) ?? ''] ?? []),
    ];
    return pool.length > 0 ? fc.constantFrom(...pool) : fc.constant('x');
  });
  const matching = known.paths[op.template] ?? [];
  const valid = op.queryParams.map((p) =>
    fc.option(
      validValue(p.schema, resolve, p.name).map((v): Pair => [p.name, String(v)]),
      { nil: undefined },
    ),
  );
  return fc
    .record({
      ids: fc.tuple(...ids),
      knownPath: matching.length > 0 ? fc.constantFrom(...matching) : fc.constant(undefined),
      query: fc.tuple(...valid),
      body: op.body ? validValue(op.body, resolve) : fc.constant(undefined),
      key: fc.constantFrom(...creds.validKeys),
      idem: fc.uuid(),
    })
    .map((r): FuzzRequest => {
      let path = op.template;
      op.pathParams.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, encodeURIComponent(r.ids[i] ?? ''));
      });
      const headers: Record<string, string> = { authorization: `Bearer ${r.key}` };
      if (op.method === 'POST') headers['idempotency-key'] = r.idem;
      if (r.body !== undefined) headers['content-type'] = 'application/json';
      return {
        method: op.method,
        target:
          (r.knownPath ?? path) +
          encodeQuery(
            r.query.filter((q): q is Pair => q !== undefined),
            false,
          ),
        headers,
        ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
        shape: 'well-formed',
      };
    });
}

/** Requests to `op`: a third well-formed, most of the rest hostile through a client, one in ten raw. */
export function requestsFor(
  op: Operation,
  resolve: RefResolver,
  known: KnownIds,
  creds: Credentials,
): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { arbitrary: wellFormedRequest(op, resolve, known, creds), weight: 3 },
    { arbitrary: clientRequest(op, resolve, known, creds), weight: 6 },
    { arbitrary: rawRequest(op, creds), weight: 1 },
  );
}

/** Requests to routes that do not exist, with any method. */
export function unknownRouteRequests(creds: Credentials): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'FOO', 'M-SEARCH'),
      fc.oneof(
        fc.constantFrom(
          '/',
          '/v1',
          '/v1/',
          '/v2/payments',
          '/v1/payments/',
          '//v1/payments',
          '/v1/payments/x/y/z',
          '/v1/payments/%2e%2e/%2e%2e/etc/passwd',
          '/v1/__proto__',
          '/hooks',
          '/return/',
          '/sandbox',
          '/openapi.json/x',
          '/.env',
          '/favicon.ico',
        ),
        fc
          .array(fc.string({ maxLength: 12 }).map(encodeURIComponent), { minLength: 1, maxLength: 6 })
          .map((parts) => `/${parts.join('/')}`),
      ),
      authHeader(creds),
      fc.option(hostileJsonText, { nil: undefined }),
      loopbackUrl,
    )
    .map(([method, target, auth, body, url]) => ({
      method,
      target:
        method === 'TRACE' ? target : `${target}${target.includes('?') ? '&' : '?'}next=${encodeURIComponent(url)}`,
      headers: {
        ...(auth !== undefined ? { authorization: auth } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined && method !== 'TRACE' ? { body } : {}),
      shape: 'unknown route',
    }));
}

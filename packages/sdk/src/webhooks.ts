/**
 * Verification of the webhooks Bawaba sends, per Standard Webhooks (standardwebhooks.com):
 * `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256>` over
 * `{id}.{timestamp}.{body}`. Web Crypto only, so it runs in Node ≥ 20, Deno, Bun, browsers and
 * workers.
 */

/** How far `webhook-timestamp` may be from the current time by default: 5 minutes. */
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

/** Why a webhook was refused. */
export type WebhookVerificationReason =
  | 'missing_headers'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'invalid_timestamp'
  | 'no_matching_signature'
  | 'invalid_secret'
  | 'invalid_payload';

/** A webhook that must not be trusted; `reason` says why. */
export class WebhookVerificationError extends Error {
  /** Why verification failed. */
  readonly reason: WebhookVerificationReason;

  /** Creates an error for `reason`. */
  constructor(reason: WebhookVerificationReason, message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/** Request headers: a `Headers` object, or a plain object such as Node's `req.headers`. */
export type WebhookHeaders = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** Largest allowed distance, in seconds and in either direction, between the timestamp and now. Default 300. */
  readonly toleranceSeconds?: number;
  /** The current time in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

const SECRET_PREFIX = 'whsec_';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Verifies a webhook request and returns its parsed JSON body.
 *
 * Pass the raw body exactly as received (not re-serialised JSON), the request's headers, and the
 * endpoint's secret (`whsec_...`; the prefix may be left off). During a secret rotation pass both
 * secrets: a signature made with either is accepted.
 *
 * @throws {@link WebhookVerificationError} when a header is missing, the timestamp is not a
 * number or further than `toleranceSeconds` from now, no `v1` signature matches, a secret is
 * malformed, or the verified body is not JSON.
 * @example
 * ```ts
 * const event = await verifyWebhook(await request.text(), request.headers, process.env.BAWABA_WEBHOOK_SECRET!);
 * ```
 */
export async function verifyWebhook(
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  secret: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<unknown> {
  const tolerance = options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`toleranceSeconds must be a non-negative number, got ${tolerance}`);
  }
  // Untyped callers often pass an unset environment variable: refuse it as invalid_secret.
  const secrets: readonly unknown[] = typeof secret === 'string' ? [secret] : Array.isArray(secret) ? secret : [];
  const keys = secrets.map(decodeSecret);
  if (keys.length === 0) throw new WebhookVerificationError('invalid_secret', 'No webhook secret was given.');

  const id = readHeader(headers, 'webhook-id');
  const timestampHeader = readHeader(headers, 'webhook-timestamp');
  const signatureHeader = readHeader(headers, 'webhook-signature');
  if (!id || !timestampHeader || !signatureHeader) {
    throw new WebhookVerificationError(
      'missing_headers',
      'The webhook-id, webhook-timestamp and webhook-signature headers are all required.',
    );
  }
  const timestamp = checkTimestamp(timestampHeader, tolerance, (options.now ?? Date.now)());

  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const content = concat(new TextEncoder().encode(`${id}.${timestamp}.`), body);
  const expected = await Promise.all(keys.map((key) => hmacSha256Base64(key, content)));
  const offered = signatureHeader
    .split(/\s+/)
    .map((token) => token.replace(/,$/, '').split(','))
    .filter((parts) => parts.length === 2 && parts[0] === 'v1')
    .map((parts) => parts[1] ?? '');
  let matched = false;
  for (const candidate of offered) {
    for (const signature of expected) matched = constantTimeEqual(candidate, signature) || matched;
  }
  if (!matched) {
    throw new WebhookVerificationError('no_matching_signature', 'No v1 signature matches the webhook secret.');
  }
  return parseJson(body);
}

function decodeSecret(secret: unknown): Uint8Array {
  const encoded =
    typeof secret === 'string' && secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  let key: Uint8Array | undefined;
  if (typeof encoded === 'string' && BASE64.test(encoded)) {
    try {
      key = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
    } catch {
      key = undefined;
    }
  }
  if (!key || key.length === 0) {
    throw new WebhookVerificationError(
      'invalid_secret',
      'The webhook secret must be "whsec_" followed by base64, as shown when the endpoint was created.',
    );
  }
  return key;
}

function readHeader(headers: WebhookHeaders, name: string): string | undefined {
  if (isHeaders(headers)) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name || value === undefined) continue;
    // A header sent several times: join the lines as HTTP does.
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

function isHeaders(headers: WebhookHeaders): headers is Headers {
  // Duck-typed, so that another realm's or a polyfill's Headers also works.
  return typeof (headers as { get?: unknown }).get === 'function';
}

function checkTimestamp(header: string, toleranceSeconds: number, nowMs: number): number {
  const timestamp = /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : Number.NaN;
  if (Number.isNaN(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp is not a number of Unix seconds.');
  }
  const now = Math.floor(nowMs / 1000);
  if (now - timestamp > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      'webhook-timestamp is too old: the message may be replayed.',
    );
  }
  if (timestamp - now > toleranceSeconds) {
    throw new WebhookVerificationError('timestamp_too_new', 'webhook-timestamp is in the future: check your clock.');
  }
  return timestamp;
}

async function hmacSha256Base64(key: Uint8Array, content: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('Web Crypto (globalThis.crypto.subtle) is not available in this runtime.');
  // Copies typed as backed by an ArrayBuffer, as the DOM typings of Web Crypto require.
  const cryptoKey = await subtle.importKey('raw', new Uint8Array(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = new Uint8Array(await subtle.sign('HMAC', cryptoKey, new Uint8Array(content)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Compares two ASCII strings in time that depends only on their lengths. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new WebhookVerificationError('invalid_payload', 'The webhook body is not valid UTF-8 JSON.');
  }
}

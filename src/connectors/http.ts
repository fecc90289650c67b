import { type Dispatcher, getGlobalDispatcher, request } from 'undici';
import type { UnknownOutcome, UnknownReason } from '../core/connector-contract.ts';
import { isAddressNotAllowed } from '../net/guarded-agent.ts';

/** A provider HTTP exchange that produced an answer (any status). */
export interface HttpAnswer {
  readonly kind: 'answer';
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  readonly durationMs: number;
}

/** A provider HTTP exchange that produced no answer. */
export interface HttpFailure {
  readonly kind: 'failure';
  readonly reason: UnknownReason;
  readonly detail: string;
  readonly durationMs: number;
}

/** One outbound call. */
export interface HttpCall {
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | undefined;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher | undefined;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * One JSON call authenticated by a bearer token: `Accept: application/json`, and a JSON body
 * with its content type when there is one. `bare` sends the token without `Bearer ` (a
 * provider whose documents show it so).
 */
export function sendBearerJson(
  call: Omit<HttpCall, 'headers' | 'body'> & {
    readonly token: string;
    readonly body?: unknown;
    readonly bare?: boolean;
  },
): Promise<HttpAnswer | HttpFailure> {
  const { token, body, bare, ...rest } = call;
  return sendHttp({
    ...rest,
    headers: {
      authorization: bare ? token : `Bearer ${token}`,
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/**
 * Sends one request and classifies everything that is not an answer. Never throws: a provider
 * fault must surface as data so no caller can mistake it for a definitive failure.
 */
export async function sendHttp(call: HttpCall): Promise<HttpAnswer | HttpFailure> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body ?? null,
      dispatcher: call.dispatcher ?? getGlobalDispatcher(),
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
      signal: AbortSignal.timeout(call.timeoutMs),
    });
    const text = await readLimited(res.body);
    return { kind: 'answer', status: res.statusCode, headers: res.headers, text, durationMs: elapsed() };
  } catch (err) {
    return { kind: 'failure', ...classify(err), durationMs: elapsed() };
  }
}

async function readLimited(body: AsyncIterable<Buffer | Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw Object.assign(new Error('provider answer too large'), { code: 'BODY_TOO_LARGE' });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

function classify(err: unknown): { reason: UnknownReason; detail: string } {
  // Refused by our own address policy before anything was sent: not the provider's doing.
  if (isAddressNotAllowed(err)) return { reason: 'address_not_allowed', detail: err.message };
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  // An aborted signal is a DOMException whose `code` is a number: go by its name.
  const code =
    e.name === 'TimeoutError' || e.name === 'AbortError'
      ? e.name
      : String(e.code ?? e.cause?.code ?? e.name ?? 'unknown');
  const detail = `${code}: ${e.message ?? String(err)}`;
  if (code === 'ECONNREFUSED') return { reason: 'connection_refused', detail };
  if (code === 'BODY_TOO_LARGE') return { reason: 'malformed_response', detail };
  if (
    code === 'UND_ERR_HEADERS_TIMEOUT' ||
    code === 'UND_ERR_BODY_TIMEOUT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'TimeoutError' ||
    code === 'AbortError'
  ) {
    return { reason: 'timeout', detail };
  }
  return { reason: 'network', detail };
}

/** The longest a provider's `Retry-After` holds a call back; past it the gateway's own back-off decides. */
export const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * The one rule for what a provider's HTTP exchange means before an operation reads its body.
 * A payment or refund fails only when the provider said so, so everything that is not the
 * provider's word on the call is *unknown*, never a failure, and the gateway asks again:
 *
 * - no answer at all: a timeout, a refused or reset connection, our own address policy;
 * - a 1xx as the final answer, or a 3xx: no redirect is followed, so neither is an answer
 *   about the call (a wrong `base_url`, a proxy's or a maintenance page's doing);
 * - 408: the provider gave up waiting for the request;
 * - 409: the call conflicts with something in flight that we cannot see (Checkout.com: a
 *   request with the same idempotency key still running; elsewhere an earlier attempt whose
 *   answer was lost), so only asking the provider again tells what happened;
 * - 429: rate limited, nothing was done; a `Retry-After` (seconds or an HTTP date) is carried
 *   in `retryAfterMs`, as it is on any other unknown answer (a 503's);
 * - 5xx, whatever its body says.
 *
 * Any other answer is returned for the operation to read: a 2xx (a body it cannot read is
 * {@link malformed}, a 2xx it does not expect {@link unexpected}), and the remaining 4xx, the
 * provider's refusal (or, for a lookup, its 404: not found).
 */
export function providerAnswer(res: HttpAnswer | HttpFailure): HttpAnswer | UnknownOutcome {
  if (res.kind === 'failure') return { kind: 'unknown', reason: res.reason, detail: res.detail };
  const reason = unknownReasonOf(res.status);
  if (reason === undefined) return res;
  const detail = `HTTP ${res.status}${res.text ? `: ${res.text.slice(0, 200)}` : ''}`;
  const wait = retryAfterMs(res.headers);
  return wait === undefined
    ? { kind: 'unknown', reason, detail }
    : { kind: 'unknown', reason, detail, retryAfterMs: wait };
}

function unknownReasonOf(status: number): UnknownReason | undefined {
  if (status >= 500) return 'server_error';
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status < 200 || (status >= 300 && status < 400) || status === 409) return 'unexpected_response';
  return undefined;
}

/** A 2xx answer whose body is not what the operation expects. */
export function malformed(text: string): UnknownOutcome {
  return { kind: 'unknown', reason: 'malformed_response', detail: text.slice(0, 200) };
}

/** A 2xx answer the operation does not expect (`201` where only `202` means accepted). */
export function unexpected(answer: HttpAnswer): UnknownOutcome {
  return { kind: 'unknown', reason: 'unexpected_response', detail: `HTTP ${answer.status}` };
}

/**
 * Milliseconds the answer's `Retry-After` asks to wait, capped at {@link MAX_RETRY_AFTER_MS}:
 * delay-seconds, or an HTTP date counted from the answer's own `Date` (our clock when it has
 * none, so a skewed provider clock does not matter); undefined without a readable one.
 */
export function retryAfterMs(headers: HttpAnswer['headers'], now = Date.now()): number | undefined {
  const text = firstHeader(headers, 'retry-after')?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  const at = httpDate(text);
  if (at === undefined) return undefined;
  const sent = httpDate(firstHeader(headers, 'date')?.trim() ?? '') ?? now;
  return Math.min(Math.max(0, at - sent), MAX_RETRY_AFTER_MS);
}

/** An HTTP date (it names a weekday or month: `Date.parse` alone takes "1.5" for a date). */
function httpDate(text: string): number | undefined {
  if (!/[A-Za-z]/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

function firstHeader(headers: HttpAnswer['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Parses a JSON answer body; `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** True when `value` is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

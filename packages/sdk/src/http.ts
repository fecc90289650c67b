/**
 * The client's one way to call the API: authentication, JSON, timeouts, errors, and retries that
 * reuse the same Idempotency-Key so a retried creation never happens twice.
 */
import { apiError, BawabaConnectionError, type BawabaError, unexpected } from './errors.ts';

/** The `fetch` the client calls; the global `fetch` fits, and so does a test stub. */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** How requests are sent: see `BawabaClientOptions`. */
export interface TransportOptions {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly fetch?: FetchFunction | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxRetries?: number | undefined;
  readonly retryDelayMs?: number | undefined;
}

type Query = Readonly<Record<string, string | number | undefined>>;

/** One API call. */
export interface RequestSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly query?: Query;
  readonly body?: unknown;
  readonly idempotencyKey?: string | undefined;
  /** An empty 2xx answer is fine (a DELETE may answer 204). */
  readonly emptyOk?: boolean;
}

/** Sends a request and parses its JSON answer. */
export type Send = <T>(spec: RequestSpec) => Promise<T>;

/** Answers worth another try: the server was busy, overloaded, or still working on the same key. */
const RETRIABLE_STATUS = new Set([408, 429, 502, 503, 504]);
/** The longest wait between tries, whatever `Retry-After` asks. */
const MAX_DELAY_MS = 20_000;

/** Builds the sender for a client's options. */
export function createSender(options: TransportOptions): Send {
  const baseUrl = parseBaseUrl(options.baseUrl);
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`timeoutMs must be a positive whole number of milliseconds, got ${timeoutMs}`);
  }
  const maxRetries = options.maxRetries ?? 2;
  if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
    throw new TypeError(`maxRetries must be a whole number, 0 or more, got ${maxRetries}`);
  }
  const retryDelayMs = options.retryDelayMs ?? 500;
  if (!Number.isFinite(retryDelayMs) || retryDelayMs < 0) {
    throw new TypeError(`retryDelayMs must be a number of milliseconds, 0 or more, got ${retryDelayMs}`);
  }
  const host = new URL(baseUrl).host;
  const fetchFn: FetchFunction = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  return async <T>(spec: RequestSpec): Promise<T> => {
    const url = new URL(baseUrl + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json' };
    if (spec.body !== undefined) headers['Content-Type'] = 'application/json';
    // One key for every try: the server answers a retried POST with the first one's answer.
    const idempotencyKey = spec.method === 'POST' ? (spec.idempotencyKey ?? globalThis.crypto.randomUUID()) : undefined;
    if (idempotencyKey !== undefined) headers['Idempotency-Key'] = idempotencyKey;
    for (let attempt = 0; ; attempt++) {
      const init: RequestInit = { method: spec.method, headers, signal: AbortSignal.timeout(timeoutMs) };
      if (spec.body !== undefined) init.body = JSON.stringify(spec.body);
      const outcome = await exchange(fetchFn, url.toString(), init);
      if ('cause' in outcome) {
        if (attempt < maxRetries) {
          await sleep(backoff(retryDelayMs, attempt, undefined));
          continue;
        }
        const what = isTimeout(outcome.cause) ? `timed out after ${timeoutMs} ms` : 'failed';
        const tries = attempt > 0 ? ` (${attempt + 1} tries)` : '';
        throw new BawabaConnectionError(`${spec.method} ${spec.path} ${what}${tries}: no answer from ${host}.`, {
          cause: outcome.cause,
          idempotencyKey,
        });
      }
      const { status, text, requestId, retryAfter } = outcome;
      if (status < 200 || status > 299) {
        const error = apiError(status, text, requestId);
        if (attempt < maxRetries && retriable(error)) {
          await sleep(backoff(retryDelayMs, attempt, retryAfter));
          continue;
        }
        throw error;
      }
      if (text === '' && spec.emptyOk) return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        throw unexpected(status, requestId, 'The answer is not JSON.');
      }
    }
  };
}

type Outcome =
  | { status: number; text: string; requestId: string | undefined; retryAfter: string | undefined }
  | { cause: unknown };

async function exchange(fetchFn: FetchFunction, url: string, init: RequestInit): Promise<Outcome> {
  try {
    const response = await fetchFn(url, init);
    return {
      status: response.status,
      requestId: response.headers.get('request-id') ?? undefined,
      retryAfter: response.headers.get('retry-after') ?? undefined,
      text: await response.text(),
    };
  } catch (cause) {
    return { cause };
  }
}

function retriable(error: BawabaError): boolean {
  return RETRIABLE_STATUS.has(error.status) || error.code === 'idempotency_key_in_use';
}

/** Exponential backoff with jitter, or the server's `Retry-After` (seconds) when it gives one. */
function backoff(baseMs: number, attempt: number, retryAfter: string | undefined): number {
  const asked = retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : undefined;
  const computed = baseMs * 2 ** attempt * (0.5 + Math.random() / 2);
  return Math.min(asked ?? computed, MAX_DELAY_MS);
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}

function parseBaseUrl(baseUrl: string): string {
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    throw new TypeError(`baseUrl is not an absolute http(s) URL: ${JSON.stringify(baseUrl)}`);
  }
  return url.toString().replace(/\/+$/, '');
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

import { type Dispatcher, request } from 'undici';
import type { UnknownReason } from '../core/ports.ts';
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
  readonly body?: string;
  readonly timeoutMs: number;
  readonly dispatcher?: Dispatcher;
}

const MAX_BODY_BYTES = 1024 * 1024;

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
      body: call.body,
      dispatcher: call.dispatcher,
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

import { type Logger, pino } from 'pino';
import { redactUrl } from './redact-url.ts';
import { scrub } from './scrub.ts';

/** What a request looks like in the logs: Fastify's fields, with secrets in its URL redacted. */
interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Record<string, string | string[] | undefined>;
  readonly host?: string;
  readonly ip?: string;
  readonly socket?: { readonly remoteAddress?: string; readonly remotePort?: number } | null;
}

/**
 * Serializers for what a log line carries beside plain data: Fastify's request (`req`: its
 * URL redacted, none of its headers), any `url` (a key sent in a query string never reaches
 * the log), and errors (`err`: message, stack and fields scrubbed like any other value).
 */
export const SERIALIZERS = {
  req: (req: LoggedRequest) => ({
    method: req.method,
    url: typeof req.url === 'string' ? redactUrl(req.url) : req.url,
    version: req.headers?.['accept-version'],
    host: req.host ?? req.headers?.host,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  }),
  url: (url: unknown) => (typeof url === 'string' ? redactUrl(url) : url),
  err: (err: unknown) => scrub(plain(err)),
};

/** A serialized error (and its causes) as plain objects, so that `scrub` reads every field. */
function plain(err: unknown, depth = 0): unknown {
  const e: unknown = err instanceof Error ? pino.stdSerializers.err(err) : err;
  if (e === null || typeof e !== 'object' || Array.isArray(e) || depth > 3) return e;
  const out: Record<string, unknown> = { ...e };
  if (out.cause !== undefined) out.cause = plain(out.cause, depth + 1);
  return out;
}

/**
 * Creates the process logger. `level` "silent" turns it off (tests). Every line's fields pass
 * through `scrub` (secret names at any depth, secret shapes in any text), so nothing logged,
 * at any level, carries a key, a secret, card data or a national id.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      formatters: { log: (fields) => scrub(fields) as Record<string, unknown> },
      serializers: SERIALIZERS,
      base: { service: 'bawaba' },
    },
    destination as pino.DestinationStream | undefined,
  );
}

export type { Logger };

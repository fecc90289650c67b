import { type Logger, pino } from 'pino';
import { redactUrl } from './redact-url.ts';

/** Paths whose values never reach a log line: keys, secrets, card data, national ids. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["idempotency-key"]',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'secret_key',
  '*.secret_key',
  '*.secretKey',
  'webhook_signature_key',
  '*.webhook_signature_key',
  '*.credentials',
  'credentials',
  '*.national_id',
  '*.nationalId',
  'national_id',
  'nationalId',
  '*.card_number',
  'card_number',
  '*.pin',
  '*.otp',
  'apiKey',
  '*.apiKey',
];

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
 * Serializers for every URL a log line carries (`req` is Fastify's request, `url` any field so
 * named): a key sent in a query string never reaches the log.
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
};

/** Creates the process logger. `level` "silent" turns it off (tests). */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: SERIALIZERS,
      base: { service: 'bawaba' },
    },
    destination as pino.DestinationStream | undefined,
  );
}

export type { Logger };

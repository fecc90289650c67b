import { type Logger, pino } from 'pino';

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

/** Creates the process logger. `level` "silent" turns it off (tests). */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { service: 'bawaba' },
    },
    destination as pino.DestinationStream | undefined,
  );
}

export type { Logger };

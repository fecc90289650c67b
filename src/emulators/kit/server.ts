/**
 * What every emulator's server is built on: the Fastify instance with its body parsers and fault
 * hooks, the emulator clock kept in the store, the base URL of the links it hands out, the
 * real-time sweep, and a close that never waits for notifications. The routes, the classifier of
 * API calls and the answer to an unknown path are each provider's own.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createEmulatorClock, type EmulatorClock } from './clock.ts';
import { createFaultQueue, type FaultQueue, installFaults } from './faults.ts';
import type { NotifierTuning } from './notifier.ts';
import { type EmulatorBook, keepClockOffset, MEMORY_BOOK } from './store.ts';

/** A fixed base URL, or one read when needed (it is known only once the server listens). */
export type BaseUrlOption = string | (() => string | undefined);

/** The configured base URL without trailing slashes, if any. */
function configuredBase(option: BaseUrlOption | undefined): string | undefined {
  const configured = typeof option === 'function' ? option() : option;
  return configured?.replace(/\/+$/, '');
}

/** In a request: the configured base, else the Host the request came in on. */
function requestBase(option: BaseUrlOption | undefined): (request: FastifyRequest) => string {
  return (request) => configuredBase(option) ?? `${request.protocol}://${request.host}`;
}

/** Outside a request (control views, notifications): the configured base, else the listening address. */
function listeningBase(app: FastifyInstance, option: BaseUrlOption | undefined): () => string {
  return () => {
    const configured = configuredBase(option);
    if (configured !== undefined) return configured;
    const address = app.server.address();
    if (address === null || typeof address === 'string') return 'http://localhost';
    const wildcard = address.address === '0.0.0.0' || address.address === '::';
    const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  };
}

/** A JSON body: nothing at all is `undefined`, text that is not JSON is the provider's `malformed` marker. */
export function parseJsonBody(text: string, malformed: unknown): unknown {
  // No body at all, as a refund without amount is often sent.
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return malformed;
  }
}

/** The options every emulator takes alike about which clock it reads and where it keeps its state. */
export type StateOptions = {
  /** Default: real time, moved forward by the control API. */
  clock?: EmulatorClock;
  /** Where the state is kept across restarts (default: memory only). */
  book?: EmulatorBook;
};

/** The book (memory unless given) and the clock (real time unless given), its offset kept in the book. */
function emulatorState(options: StateOptions): { book: EmulatorBook; clock: EmulatorClock } {
  const book = options.book ?? MEMORY_BOOK;
  const clock = options.clock ?? createEmulatorClock();
  keepClockOffset(clock, book);
  return { book, clock };
}

export type BodyParsing = {
  /** What a form body (`application/x-www-form-urlencoded`) becomes. */
  form(text: string): unknown;
  /** What a body that is not JSON becomes (the API answers it with the provider's own error). */
  malformed: unknown;
  /** Operation name of a request faults may hit, or null to leave it alone. */
  classify(request: FastifyRequest): string | null;
};

/**
 * The emulator's Fastify instance: forms read by `form`, any other content type read as JSON (so
 * a bad body gets the provider's error rather than a 415), and the fault queue the control API
 * scripts applied to the requests `classify` names.
 */
function createEmulatorApp(options: BodyParsing): { app: FastifyInstance; faults: FaultQueue } {
  const faults = createFaultQueue();
  const app = Fastify({ logger: false, genReqId: () => randomUUID(), forceCloseConnections: true });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, options.form(body as string));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseJsonBody(body as string, options.malformed));
  });
  installFaults(app, { queue: faults, classify: options.classify });
  return { app, faults };
}

/** A flat form, one value per field (the last one sent). */
export const flatForm = (text: string): Record<string, string> => Object.fromEntries(new URLSearchParams(text));

/** How an emulator's notifications are sent, as its options name it. */
export type NotificationOptions = {
  /** Waits before each retry of a notification that failed; its length is the number of retries. */
  notificationRetryDelaysMs?: readonly number[];
  /** Limit on one delivery attempt (default 10 s). */
  notificationTimeoutMs?: number;
  /** Copies in flight to one URL at most (default 32); one payment's go one at a time. */
  notificationMaxInFlight?: number;
};

/** The notifier's tuning in the notifier's words, those of `options` that are set. */
function notifierTuning(options: NotificationOptions): NotifierTuning {
  return {
    ...(options.notificationRetryDelaysMs !== undefined && { retryDelaysMs: options.notificationRetryDelaysMs }),
    ...(options.notificationTimeoutMs !== undefined && { timeoutMs: options.notificationTimeoutMs }),
    ...(options.notificationMaxInFlight !== undefined && { maxInFlightPerUrl: options.notificationMaxInFlight }),
  };
}

type RunOptions = {
  /** Makes what real time made due happen (expiries, refunds, retries), so its notifications go out unread. */
  sweep(): void;
  /** Retry timers and sends in flight must not keep `close()` (or the process) waiting. */
  notifier: { close(): Promise<void> };
};

/** Starts the real-time sweep (every `intervalMs`; 0: never) and ties it and the notifier to the server's close. */
function run(app: FastifyInstance, intervalMs: number, options: RunOptions): void {
  if (intervalMs > 0) {
    const timer = setInterval(options.sweep, intervalMs);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  app.addHook('preClose', async () => options.notifier.close());
}

/** The options every emulator's server takes alike. */
export type EmulatorServerOptions = NotificationOptions &
  StateOptions & {
    /** Base of the links the emulator hands out; default: the Host a request came in on. */
    baseUrl?: BaseUrlOption;
    /** How often what real time made due (expiries, refunds, retries) is done; 0 turns it off (default 1 s). */
    sweepIntervalMs?: number;
  };

/**
 * The parts of an emulator's server that are the same for every provider: its state's book and
 * clock, the Fastify instance (body parsers, fault hooks), the notifier's tuning and the base URL
 * in and outside a request. `run` starts it once the routes are registered.
 */
export function createEmulatorServer(options: EmulatorServerOptions, parsing: BodyParsing) {
  const { book, clock } = emulatorState(options);
  const { app, faults } = createEmulatorApp(parsing);
  return {
    app,
    faults,
    book,
    clock,
    tuning: notifierTuning(options),
    /** Outside a request (control views, notifications): the configured base, else the listening address. */
    baseUrl: listeningBase(app, options.baseUrl),
    /** In a request: the configured base, else the Host the request came in on. */
    requestBase: requestBase(options.baseUrl),
    run: (parts: RunOptions): void => run(app, options.sweepIntervalMs ?? 1000, parts),
  };
}

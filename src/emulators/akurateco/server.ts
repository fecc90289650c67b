import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createEmulatorClock, type EmulatorClock } from '../kit/clock.ts';
import { createFaultQueue, type FaultQueue, installFaults } from '../kit/faults.ts';
import { type EmulatorBook, keepClockOffset, MEMORY_BOOK } from '../kit/store.ts';
import { apiRoutes, MALFORMED_BODY } from './api.ts';
import { type AkuratecoControl, createControl } from './control.ts';
import { controlRoutes } from './control-routes.ts';
import { ERROR_CODES, errorBody } from './errors.ts';
import { hostedPageRoutes } from './hosted-page.ts';
import { createMerchantRegistry, type MerchantRegistry, type VoidAnswer } from './merchants.ts';
import { type AkuratecoNotifier, createAkuratecoNotifier } from './notify.ts';
import { type AkuratecoState, createState } from './state.ts';

/** The first merchant: its key (UUID) and password; the password also signs the callbacks. */
export type AkuratecoCredentials = { merchantKey: string; password: string };

export type AkuratecoEmulatorOptions = {
  /** The first merchant; generated (UUID key, 32-character password) when absent. */
  merchantKey?: string;
  password?: string;
  /** Where the first merchant's callbacks go (configured in the admin panel for real). */
  notificationUrl?: string;
  /** Waits between callback tries on the emulator clock (default 15, 15, 15 minutes). */
  notificationRetryDelaysMs?: readonly number[];
  /** How the first merchant's platform answers a successful void (default `VOID`). */
  voidAnswer?: VoidAnswer;
  /** Whether the first merchant's platform answers status lookups by `order_id` (default true). */
  statusByOrderId?: boolean;
  /** Limit on one callback delivery attempt (default 10 s). */
  notificationTimeoutMs?: number;
  /** Notification copies in flight to one URL at most (default 32); one payment's go one at a time. */
  notificationMaxInFlight?: number;
  /** Base of `redirect_url`; defaults to the Host the request came in on. */
  baseUrl?: string | (() => string | undefined);
  clock?: EmulatorClock;
  /** Emulator time after which a waiting refund succeeds by itself; null or absent: never. */
  refundApprovalDelayMs?: number | null;
  /** How often due expiries, refunds and callback retries are checked in real time; 0 turns it off. */
  sweepIntervalMs?: number;
  /** Where the state is kept across restarts (default: memory only). */
  book?: EmulatorBook;
};

export type AkuratecoEmulator = {
  app: FastifyInstance;
  state: AkuratecoState;
  control: AkuratecoControl;
  clock: EmulatorClock;
  faults: FaultQueue;
  merchants: MerchantRegistry;
  notifier: AkuratecoNotifier;
  credentials: AkuratecoCredentials;
};

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED_BODY;
  }
}

/** A flat form; `order[number]=...` style keys become the nested `order` object. */
function formObject(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const nested = /^([a-z_]+)\[([a-z_]+)\]$/.exec(key);
    if (nested) {
      const [, outer, inner] = nested as unknown as [string, string, string];
      const existing = out[outer];
      const group = typeof existing === 'object' && existing !== null ? (existing as Record<string, unknown>) : {};
      group[inner] = value;
      out[outer] = group;
    } else {
      out[key] = value;
    }
  }
  return out;
}

function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  // The documents' own curl examples send a JSON text with curl's default form Content-Type
  // (`--data-raw '{...}'`), and other integrations send true `key=value` forms: both are read.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    const text = body as string;
    if (text.trimStart().startsWith('{')) return done(null, parseJson(text));
    done(null, formObject(text));
  });
  // Anything else is read as JSON, so a bad body gets the JSON error rather than a 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseJson(body as string));
  });
}

const OPERATION_ROUTES: Record<string, string> = {
  '/api/v1/session': 'session',
  '/api/v1/payment/status': 'status',
  '/api/v1/payment/refund': 'refund',
  '/api/v1/payment/void': 'void',
};

function classifyApiCall(request: FastifyRequest): string | null {
  if (request.method !== 'POST') return null;
  return OPERATION_ROUTES[request.routeOptions.url ?? ''] ?? null;
}

function configuredBase(option: AkuratecoEmulatorOptions['baseUrl']): string | undefined {
  const configured = typeof option === 'function' ? option() : option;
  return configured?.replace(/\/+$/, '');
}

function listeningBase(app: FastifyInstance, option: AkuratecoEmulatorOptions['baseUrl']): () => string {
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

function startSweeper(app: FastifyInstance, control: AkuratecoControl, intervalMs: number): void {
  if (intervalMs <= 0) return;
  const timer = setInterval(() => control.sweep(), intervalMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

/** A stateful Akurateco Checkout (TESS Payments) emulator; call `app.listen()` or `app.inject()`. */
export function createAkuratecoEmulator(options: AkuratecoEmulatorOptions = {}): AkuratecoEmulator {
  const book = options.book ?? MEMORY_BOOK;
  const merchants = createMerchantRegistry(
    {
      ...(options.merchantKey !== undefined && { merchantKey: options.merchantKey }),
      ...(options.password !== undefined && { password: options.password }),
      ...(options.notificationUrl !== undefined && { notificationUrl: options.notificationUrl }),
      ...(options.voidAnswer !== undefined && { voidAnswer: options.voidAnswer }),
      ...(options.statusByOrderId !== undefined && { statusByOrderId: options.statusByOrderId }),
    },
    book,
  );
  const { merchantKey, password } = merchants.defaultMerchant();
  const clock = options.clock ?? createEmulatorClock();
  keepClockOffset(clock, book);
  const state = createState(
    clock,
    options.refundApprovalDelayMs === undefined ? {} : { refundApprovalDelayMs: options.refundApprovalDelayMs },
    book,
  );
  const faults = createFaultQueue();
  const app = Fastify({ logger: false, genReqId: () => randomUUID(), forceCloseConnections: true });
  const notifier = createAkuratecoNotifier({
    merchants,
    clock,
    ...(options.notificationRetryDelaysMs !== undefined && { retryDelaysMs: options.notificationRetryDelaysMs }),
    ...(options.notificationTimeoutMs !== undefined && { timeoutMs: options.notificationTimeoutMs }),
    ...(options.notificationMaxInFlight !== undefined && { maxInFlightPerUrl: options.notificationMaxInFlight }),
  });
  state.onEvent(notifier.handle);
  const control = createControl({
    state,
    clock,
    faults,
    merchants,
    notifier,
    baseUrl: listeningBase(app, options.baseUrl),
  });

  registerBodyParsers(app);
  installFaults(app, { queue: faults, classify: classifyApiCall });
  app.register(apiRoutes, {
    state,
    merchants,
    baseUrl: (request) => configuredBase(options.baseUrl) ?? `${request.protocol}://${request.host}`,
  });
  app.register(hostedPageRoutes, { state });
  app.register(controlRoutes, { control });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(errorBody(ERROR_CODES.invalidParams, 'Resource not found')),
  );
  startSweeper(app, control, options.sweepIntervalMs ?? 1000);
  app.addHook('preClose', async () => notifier.close());

  return { app, state, control, clock, faults, merchants, notifier, credentials: { merchantKey, password } };
}

import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createEmulatorClock, type EmulatorClock } from '../kit/clock.ts';
import { createFaultQueue, type FaultQueue, installFaults } from '../kit/faults.ts';
import { type EmulatorBook, keepClockOffset, MEMORY_BOOK } from '../kit/store.ts';
import { apiRoutes, MALFORMED_BODY } from './api.ts';
import { createControl, type TapControl } from './control.ts';
import { controlRoutes } from './control-routes.ts';
import { sendErrors, tapError } from './errors.ts';
import { hostedPageRoutes } from './hosted-page.ts';
import { createMerchantRegistry, type MerchantRegistry } from './merchants.ts';
import { createTapNotifier, type TapNotifier } from './notify.ts';
import { createTapState, type Settings, type TapState } from './state.ts';

/** For Tap the `hashstring` key is the secret key itself, so `webhookSignatureKey === secretKey`. */
export type TapCredentials = { secretKey: string; publicKey: string; webhookSignatureKey: string };

export type TapEmulatorOptions = {
  /** Keys of the merchant created at start; generated (`sk_test_` + 24 alphanumerics) when absent. */
  secretKey?: string;
  publicKey?: string;
  /** Waits before each retry of a notification that failed; its length is the number of retries. */
  notificationRetryDelaysMs?: readonly number[];
  /** Limit on one notification delivery attempt (default 10 s). */
  notificationTimeoutMs?: number;
  /** Notification copies in flight to one URL at most (default 32); one payment's go one at a time. */
  notificationMaxInFlight?: number;
  /** Base of `transaction.url`; defaults to the Host the request came in on. */
  baseUrl?: string | (() => string | undefined);
  clock?: EmulatorClock;
  /** Time a charge waits in INITIATED before it is ABANDONED (default 30 min). */
  paymentWindowMs?: number;
  /** Emulator time after which a PENDING refund is REFUNDED by itself; null or absent: never. */
  refundApprovalDelayMs?: number | null;
  /** How often charges and refunds are checked for due changes in real time; 0 turns it off. */
  sweepIntervalMs?: number;
  /** Where the state is kept across restarts (default: memory only). */
  book?: EmulatorBook;
};

export type TapEmulator = {
  app: FastifyInstance;
  state: TapState;
  control: TapControl;
  clock: EmulatorClock;
  faults: FaultQueue;
  merchants: MerchantRegistry;
  notifier: TapNotifier;
  credentials: TapCredentials;
};

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED_BODY;
  }
}

function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  // The hosted page's form.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // Any other content type is read as JSON, so a bad body gets Tap's 2100 rather than a 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseJson(body as string));
  });
}

function classifyApiCall(request: FastifyRequest): string | null {
  const route = request.routeOptions.url ?? '';
  if (request.method === 'POST' && /^\/v2\/charges\/?$/.test(route)) return 'create';
  if (request.method === 'POST' && /^\/v2\/refunds\/?$/.test(route)) return 'refund';
  if (request.method === 'GET' && /^\/v2\/(charges|refunds)\/:id$/.test(route)) return 'retrieve';
  return null;
}

function configuredBase(option: TapEmulatorOptions['baseUrl']): string | undefined {
  const configured = typeof option === 'function' ? option() : option;
  return configured?.replace(/\/+$/, '');
}

/** Outside a request (control views): the configured base, else the listening address. */
function listeningBase(app: FastifyInstance, option: TapEmulatorOptions['baseUrl']): () => string {
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

function startSweeper(app: FastifyInstance, control: TapControl, intervalMs: number): void {
  if (intervalMs <= 0) return;
  // Real time passing abandons charges (and refunds pending refunds) too; the sweep makes their
  // notifications go out without anyone reading the charge.
  const timer = setInterval(() => {
    control.expireDue();
    control.approveDueRefunds();
  }, intervalMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

/** A stateful Tap Payments emulator for NAPS/QPay charges; call `app.listen()` or `app.inject()`. */
export function createTapEmulator(options: TapEmulatorOptions = {}): TapEmulator {
  const book = options.book ?? MEMORY_BOOK;
  const merchants = createMerchantRegistry(
    {
      ...(options.secretKey !== undefined && { secretKey: options.secretKey }),
      ...(options.publicKey !== undefined && { publicKey: options.publicKey }),
    },
    book,
  );
  const { secretKey, publicKey } = merchants.defaultMerchant();
  const credentials: TapCredentials = { secretKey, publicKey, webhookSignatureKey: secretKey };
  const clock = options.clock ?? createEmulatorClock();
  keepClockOffset(clock, book);
  const settings: Partial<Settings> = {};
  if (options.paymentWindowMs !== undefined) settings.paymentWindowMs = options.paymentWindowMs;
  if (options.refundApprovalDelayMs !== undefined) settings.refundApprovalDelayMs = options.refundApprovalDelayMs;
  const state = createTapState(clock, settings, book);
  const faults = createFaultQueue();
  const app = Fastify({ logger: false, genReqId: () => randomUUID(), forceCloseConnections: true });
  const notifier = createTapNotifier({
    merchants,
    clock,
    ...(options.notificationRetryDelaysMs !== undefined && { retryDelaysMs: options.notificationRetryDelaysMs }),
    ...(options.notificationTimeoutMs !== undefined && { timeoutMs: options.notificationTimeoutMs }),
    ...(options.notificationMaxInFlight !== undefined && { maxInFlightPerUrl: options.notificationMaxInFlight }),
    onSettled(subjectId, delivered) {
      const charge = subjectId.startsWith('chg_') ? state.getCharge(subjectId) : undefined;
      if (charge) state.setPostStatus(charge, delivered ? 'SUCCESS' : 'ERROR');
    },
  });
  state.onEvent(notifier.handle);
  const baseUrl = listeningBase(app, options.baseUrl);
  const control = createControl({ state, clock, faults, merchants, notifier, baseUrl });

  registerBodyParsers(app);
  installFaults(app, { queue: faults, classify: classifyApiCall });
  app.register(apiRoutes, {
    state,
    merchants,
    baseUrl: (request) => configuredBase(options.baseUrl) ?? `${request.protocol}://${request.host}`,
  });
  app.register(hostedPageRoutes, { state });
  app.register(controlRoutes, { control });
  app.setNotFoundHandler((_request, reply) => sendErrors(reply, 404, [tapError('1103', 'Resource not found')]));
  startSweeper(app, control, options.sweepIntervalMs ?? 1000);
  // Retry timers and sends in flight must not keep close() (or the process) waiting.
  app.addHook('preClose', async () => notifier.close());

  return { app, state, control, clock, faults, merchants, notifier, credentials };
}

export { generatePublicKey, generateSecretKey } from './merchants.ts';

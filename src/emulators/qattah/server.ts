import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createEmulatorClock, type EmulatorClock } from '../kit/clock.ts';
import { createFaultQueue, type FaultQueue, installFaults } from '../kit/faults.ts';
import { type EmulatorBook, keepClockOffset, MEMORY_BOOK } from '../kit/store.ts';
import { API_PREFIX, apiRoutes, CANCEL_PATH, fail, MALFORMED_BODY } from './api.ts';
import { createControl, type QattahControl } from './control.ts';
import { controlRoutes } from './control-routes.ts';
import type { FormBody } from './hosted-page.ts';
import { hostedPageRoutes } from './hosted-page.ts';
import { createMerchantRegistry, type MerchantRegistry } from './merchants.ts';
import { createQattahNotifier, type QattahNotifier } from './notify.ts';
import { createRequestLog } from './request-log.ts';
import { createQattahState, type QattahState, type WindowStart } from './state.ts';

export type QattahEmulatorOptions = {
  /** The first merchant's api_token; generated (48 alphanumerics) when absent. */
  apiToken?: string;
  merchantName?: string;
  /** Waits before each retry of a callback answered with a non-2xx (default 2 s, 10 s, 1 min). */
  notificationRetryDelaysMs?: readonly number[];
  /** Limit on one callback attempt (default 10 s). */
  notificationTimeoutMs?: number;
  /** Notification copies in flight to one URL at most (default 32); one payment's go one at a time. */
  notificationMaxInFlight?: number;
  /** Base of `links.redirect_to`; defaults to the Host the request came in on. */
  baseUrl?: string | (() => string | undefined);
  clock?: EmulatorClock;
  /** When orders' 15-minute windows start: `creation` (default) or `first_payer` (`started_at`). */
  windowStarts?: WindowStart;
  /** How often orders are checked for timeout in real time; 0 turns it off. */
  sweepIntervalMs?: number;
  /** Where the state is kept across restarts (default: memory only). */
  book?: EmulatorBook;
};

export type QattahEmulator = {
  app: FastifyInstance;
  state: QattahState;
  control: QattahControl;
  clock: EmulatorClock;
  faults: FaultQueue;
  merchants: MerchantRegistry;
  notifier: QattahNotifier;
  /** Qattah has one secret, the api_token; it signs nothing (callbacks are unsigned GETs). */
  credentials: { apiToken: string };
};

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED_BODY;
  }
}

/** Repeated fields (the custom split's share_name / share_amount) become arrays. */
export function parseForm(text: string): FormBody {
  const out: FormBody = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return out;
}

function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseForm(body as string));
  });
  // Anything else is read as JSON, so a bad body gets a JSON error rather than a 415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseJson(body as string));
  });
}

function classifyApiCall(request: FastifyRequest): string | null {
  const route = request.routeOptions.url ?? '';
  if (request.method === 'POST' && route === `${API_PREFIX}/orders`) return 'create';
  if (request.method === 'GET' && route === `${API_PREFIX}/orders/:id`) return 'retrieve';
  if (request.method === 'POST' && route === `${API_PREFIX}/orders/:id/refund`) return 'refund';
  if (request.method === 'POST' && route === CANCEL_PATH) return 'cancel';
  return null;
}

function configuredBase(option: QattahEmulatorOptions['baseUrl']): string | undefined {
  const configured = typeof option === 'function' ? option() : option;
  return configured?.replace(/\/+$/, '');
}

function listeningBase(app: FastifyInstance, option: QattahEmulatorOptions['baseUrl']): () => string {
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

/** A stateful Qattah Pay split-bill emulator; call `app.listen()` or `app.inject()`. */
export function createQattahEmulator(options: QattahEmulatorOptions = {}): QattahEmulator {
  const book = options.book ?? MEMORY_BOOK;
  const merchants = createMerchantRegistry(
    {
      ...(options.apiToken !== undefined && { apiToken: options.apiToken }),
      ...(options.merchantName !== undefined && { name: options.merchantName }),
    },
    book,
  );
  const clock = options.clock ?? createEmulatorClock();
  keepClockOffset(clock, book);
  const state = createQattahState(clock, options.windowStarts, book);
  const requests = createRequestLog(clock);
  const faults = createFaultQueue();
  const app = Fastify({ logger: false, genReqId: () => randomUUID(), forceCloseConnections: true });
  const notifier = createQattahNotifier({
    clock,
    ...(options.notificationRetryDelaysMs !== undefined && { retryDelaysMs: options.notificationRetryDelaysMs }),
    ...(options.notificationTimeoutMs !== undefined && { timeoutMs: options.notificationTimeoutMs }),
    ...(options.notificationMaxInFlight !== undefined && { maxInFlightPerUrl: options.notificationMaxInFlight }),
  });
  state.onPaid(notifier.orderPaid);
  const baseUrl = listeningBase(app, options.baseUrl);
  const control = createControl({ state, clock, faults, merchants, notifier, requests, baseUrl });

  registerBodyParsers(app);
  installFaults(app, { queue: faults, classify: classifyApiCall });
  app.register(apiRoutes, {
    state,
    merchants,
    clock,
    requests,
    baseUrl: (request) => configuredBase(options.baseUrl) ?? `${request.protocol}://${request.host}`,
  });
  app.register(hostedPageRoutes, { state, now: clock.now });
  app.register(controlRoutes, { control });
  app.setNotFoundHandler((_request, reply) => fail(reply, 404, 'Not found.'));
  const interval = options.sweepIntervalMs ?? 1000;
  if (interval > 0) {
    const timer = setInterval(() => state.sweep(), interval);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  }
  app.addHook('preClose', async () => notifier.close());

  const { apiToken } = merchants.defaultMerchant();
  return { app, state, control, clock, faults, merchants, notifier, credentials: { apiToken } };
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorClock } from '../kit/clock.ts';
import type { FaultQueue } from '../kit/faults.ts';
import { createEmulatorServer, type EmulatorServerOptions } from '../kit/server.ts';
import { API_PREFIX, apiRoutes, CANCEL_PATH, fail, MALFORMED_BODY } from './api.ts';
import { createControl, type QattahControl } from './control.ts';
import { controlRoutes } from './control-routes.ts';
import type { FormBody } from './hosted-page.ts';
import { hostedPageRoutes } from './hosted-page.ts';
import { createMerchantRegistry, type MerchantRegistry } from './merchants.ts';
import { createQattahNotifier, type QattahNotifier } from './notify.ts';
import { createRequestLog } from './request-log.ts';
import { createQattahState, type QattahState, type WindowStart } from './state.ts';

export type QattahEmulatorOptions = EmulatorServerOptions & {
  /** The first merchant's api_token; generated (48 alphanumerics) when absent. */
  apiToken?: string;
  merchantName?: string;
  /** Waits before each retry of a callback answered with a non-2xx (default 2 s, 10 s, 1 min). */
  notificationRetryDelaysMs?: readonly number[];
  /** When orders' 15-minute windows start: `creation` (default) or `first_payer` (`started_at`). */
  windowStarts?: WindowStart;
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

/** Repeated fields (the custom split's share_name / share_amount) become arrays. */
export function parseForm(text: string): FormBody {
  const out: FormBody = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return out;
}

function classifyApiCall(request: FastifyRequest): string | null {
  const route = request.routeOptions.url ?? '';
  if (request.method === 'POST' && route === `${API_PREFIX}/orders`) return 'create';
  if (request.method === 'GET' && route === `${API_PREFIX}/orders/:id`) return 'retrieve';
  if (request.method === 'POST' && route === `${API_PREFIX}/orders/:id/refund`) return 'refund';
  if (request.method === 'POST' && route === CANCEL_PATH) return 'cancel';
  return null;
}

/** A stateful Qattah Pay split-bill emulator; call `app.listen()` or `app.inject()`. */
export function createQattahEmulator(options: QattahEmulatorOptions = {}): QattahEmulator {
  // Anything but a form is read as JSON, so a bad body gets a JSON error rather than a 415.
  const server = createEmulatorServer(options, {
    form: parseForm,
    malformed: MALFORMED_BODY,
    classify: classifyApiCall,
  });
  const { app, faults, book, clock } = server;
  const merchants = createMerchantRegistry(
    {
      ...(options.apiToken !== undefined && { apiToken: options.apiToken }),
      ...(options.merchantName !== undefined && { name: options.merchantName }),
    },
    book,
  );
  const state = createQattahState(clock, options.windowStarts, book);
  const requests = createRequestLog(clock);
  const notifier = createQattahNotifier({ clock, tuning: server.tuning });
  state.onPaid(notifier.orderPaid);
  const control = createControl({ state, clock, faults, merchants, notifier, requests, baseUrl: server.baseUrl });

  app.register(apiRoutes, { state, merchants, clock, requests, baseUrl: server.requestBase });
  app.register(hostedPageRoutes, { state, now: clock.now });
  app.register(controlRoutes, { control });
  app.setNotFoundHandler((_request, reply) => fail(reply, 404, 'Not found.'));
  server.run({ sweep: () => state.sweep(), notifier });

  const { apiToken } = merchants.defaultMerchant();
  return { app, state, control, clock, faults, merchants, notifier, credentials: { apiToken } };
}

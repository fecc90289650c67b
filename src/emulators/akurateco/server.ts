import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorClock } from '../kit/clock.ts';
import type { FaultQueue } from '../kit/faults.ts';
import { createEmulatorServer, type EmulatorServerOptions, parseJsonBody } from '../kit/server.ts';
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

export type AkuratecoEmulatorOptions = EmulatorServerOptions & {
  /** The first merchant; generated (UUID key, 32-character password) when absent. */
  merchantKey?: string;
  password?: string;
  /** The name the first merchant's hosted page shows (default `Emulator Merchant 1`). */
  merchantName?: string;
  /** Where the first merchant's callbacks go (configured in the admin panel for real). */
  notificationUrl?: string;
  /** Waits between callback tries on the emulator clock (default 15, 15, 15 minutes). */
  notificationRetryDelaysMs?: readonly number[];
  /** How the first merchant's platform answers a successful void (default `VOID`). */
  voidAnswer?: VoidAnswer;
  /** Whether the first merchant's platform answers status lookups by `order_id` (default true). */
  statusByOrderId?: boolean;
  /** Emulator time after which a waiting refund succeeds by itself; null or absent: never. */
  refundApprovalDelayMs?: number | null;
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

/**
 * The documents' own curl examples send a JSON text with curl's default form Content-Type
 * (`--data-raw '{...}'`), and other integrations send true `key=value` forms: both are read.
 */
const readForm = (text: string): unknown =>
  text.trimStart().startsWith('{') ? parseJsonBody(text, MALFORMED_BODY) : formObject(text);

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

/** A stateful Akurateco Checkout (TESS Payments) emulator; call `app.listen()` or `app.inject()`. */
export function createAkuratecoEmulator(options: AkuratecoEmulatorOptions = {}): AkuratecoEmulator {
  // Anything but a form is read as JSON, so a bad body gets the JSON error rather than a 415.
  const server = createEmulatorServer(options, {
    form: readForm,
    malformed: MALFORMED_BODY,
    classify: classifyApiCall,
  });
  const { app, faults, book, clock } = server;
  const merchants = createMerchantRegistry(
    {
      ...(options.merchantKey !== undefined && { merchantKey: options.merchantKey }),
      ...(options.password !== undefined && { password: options.password }),
      ...(options.merchantName !== undefined && { name: options.merchantName }),
      ...(options.notificationUrl !== undefined && { notificationUrl: options.notificationUrl }),
      ...(options.voidAnswer !== undefined && { voidAnswer: options.voidAnswer }),
      ...(options.statusByOrderId !== undefined && { statusByOrderId: options.statusByOrderId }),
    },
    book,
  );
  const { merchantKey, password } = merchants.defaultMerchant();
  const state = createState(
    clock,
    options.refundApprovalDelayMs === undefined ? {} : { refundApprovalDelayMs: options.refundApprovalDelayMs },
    book,
  );
  const notifier = createAkuratecoNotifier({ merchants, clock, tuning: server.tuning });
  state.onEvent(notifier.handle);
  const control = createControl({
    state,
    clock,
    faults,
    merchants,
    notifier,
    baseUrl: server.baseUrl,
  });

  app.register(apiRoutes, { state, merchants, baseUrl: server.requestBase });
  app.register(hostedPageRoutes, { state, merchants });
  app.register(controlRoutes, { control });
  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(errorBody(ERROR_CODES.invalidParams, 'Resource not found')),
  );
  server.run({ sweep: () => control.sweep(), notifier });

  return { app, state, control, clock, faults, merchants, notifier, credentials: { merchantKey, password } };
}

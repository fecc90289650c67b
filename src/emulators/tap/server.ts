import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorClock } from '../kit/clock.ts';
import type { FaultQueue } from '../kit/faults.ts';
import { createEmulatorServer, type EmulatorServerOptions, flatForm } from '../kit/server.ts';
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

export type TapEmulatorOptions = EmulatorServerOptions & {
  /** Keys of the merchant created at start; generated (`sk_test_` + 24 alphanumerics) when absent. */
  secretKey?: string;
  publicKey?: string;
  /** The name of the merchant created at start, which heads its QPay page (default `Emulator Merchant 1`). */
  merchantName?: string;
  /** Time a charge waits in INITIATED before it is ABANDONED (default 30 min). */
  paymentWindowMs?: number;
  /** Emulator time after which a PENDING refund is REFUNDED by itself; null or absent: never. */
  refundApprovalDelayMs?: number | null;
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

function classifyApiCall(request: FastifyRequest): string | null {
  const route = request.routeOptions.url ?? '';
  if (request.method === 'POST' && /^\/v2\/charges\/?$/.test(route)) return 'create';
  if (request.method === 'POST' && /^\/v2\/refunds\/?$/.test(route)) return 'refund';
  if (request.method === 'GET' && /^\/v2\/(charges|refunds)\/:id$/.test(route)) return 'retrieve';
  return null;
}

/** A stateful Tap Payments emulator for NAPS/QPay charges; call `app.listen()` or `app.inject()`. */
export function createTapEmulator(options: TapEmulatorOptions = {}): TapEmulator {
  // The hosted page's form is a flat form; any other content type is read as JSON, so a bad body
  // gets Tap's 2100 rather than a 415.
  const server = createEmulatorServer(options, {
    form: flatForm,
    malformed: MALFORMED_BODY,
    classify: classifyApiCall,
  });
  const { app, faults, book, clock } = server;
  const merchants = createMerchantRegistry(
    {
      ...(options.secretKey !== undefined && { secretKey: options.secretKey }),
      ...(options.publicKey !== undefined && { publicKey: options.publicKey }),
      ...(options.merchantName !== undefined && { name: options.merchantName }),
    },
    book,
  );
  const { secretKey, publicKey } = merchants.defaultMerchant();
  const credentials: TapCredentials = { secretKey, publicKey, webhookSignatureKey: secretKey };
  const settings: Partial<Settings> = {};
  if (options.paymentWindowMs !== undefined) settings.paymentWindowMs = options.paymentWindowMs;
  if (options.refundApprovalDelayMs !== undefined) settings.refundApprovalDelayMs = options.refundApprovalDelayMs;
  const state = createTapState(clock, settings, book);
  const notifier = createTapNotifier({
    merchants,
    clock,
    tuning: server.tuning,
    onSettled(subjectId, delivered) {
      const charge = subjectId.startsWith('chg_') ? state.getCharge(subjectId) : undefined;
      if (charge) state.setPostStatus(charge, delivered ? 'SUCCESS' : 'ERROR');
    },
  });
  state.onEvent(notifier.handle);
  const control = createControl({ state, clock, faults, merchants, notifier, baseUrl: server.baseUrl });

  app.register(apiRoutes, { state, merchants, baseUrl: server.requestBase });
  app.register(hostedPageRoutes, { state, merchants });
  app.register(controlRoutes, { control });
  app.setNotFoundHandler((_request, reply) => sendErrors(reply, 404, [tapError('1103', 'Resource not found')]));
  server.run({
    // Real time passing abandons charges (and refunds pending refunds) too; the sweep makes their
    // notifications go out without anyone reading the charge.
    sweep() {
      control.expireDue();
      control.approveDueRefunds();
    },
    notifier,
  });

  return { app, state, control, clock, faults, merchants, notifier, credentials };
}

export { generatePublicKey, generateSecretKey } from './merchants.ts';

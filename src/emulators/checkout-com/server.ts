import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createEmulatorClock, type EmulatorClock } from '../kit/clock.ts';
import { createFaultQueue, type FaultQueue, installFaults } from '../kit/faults.ts';
import { prefixedId } from '../kit/ids.ts';
import { apiRoutes, MALFORMED_BODY } from './api.ts';
import { type CheckoutComControl, controlRoutes, createControl } from './control.ts';
import { hostedPageRoutes } from './hosted-page.ts';
import { type CheckoutComState, createCheckoutComState, type Settings } from './state.ts';

export type CheckoutComCredentials = { secretKey: string; publicKey: string; webhookSignatureKey: string };

export type CheckoutComEmulatorOptions = {
  secretKey?: string;
  publicKey?: string;
  /** Kept for signing notifications once they are delivered as webhooks. */
  webhookSignatureKey?: string;
  /** Base of the links in API answers; defaults to the Host the request came in on. */
  baseUrl?: string | (() => string | undefined);
  clock?: EmulatorClock;
  paymentWindowMs?: number;
  requireProcessingChannelId?: boolean;
  /** How often pending payments are checked for expiry in real time; 0 turns it off. */
  sweepIntervalMs?: number;
};

export type CheckoutComEmulator = {
  app: FastifyInstance;
  state: CheckoutComState;
  control: CheckoutComControl;
  clock: EmulatorClock;
  faults: FaultQueue;
  credentials: CheckoutComCredentials;
};

export const generateSecretKey = (): string => prefixedId('sk_sbox_', 27);
export const generatePublicKey = (): string => prefixedId('pk_sbox_', 27);

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return MALFORMED_BODY;
  }
}

function registerBodyParsers(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  // Any other content type is read as JSON, so a bad body is a 422 like the real API, not a 400/415.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseJson(body as string));
  });
}

function classifyApiCall(request: FastifyRequest): string | null {
  const route = request.routeOptions.url;
  if (route === '/payments' && request.method === 'POST') return 'create';
  if (route?.startsWith('/payments/') && request.method === 'GET') return 'retrieve';
  return null;
}

function baseUrlResolver(option: CheckoutComEmulatorOptions['baseUrl']): (request: FastifyRequest) => string {
  return (request) => {
    const configured = typeof option === 'function' ? option() : option;
    return (configured ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '');
  };
}

function startSweeper(app: FastifyInstance, control: CheckoutComControl, intervalMs: number): void {
  if (intervalMs <= 0) return;
  // Real time passing expires payments too; the sweep makes their notifications appear without a read.
  const timer = setInterval(() => control.expireDue(), intervalMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

/** A stateful Checkout.com QPay ("API only") emulator; call `app.listen()` or `app.inject()`. */
export function createCheckoutComEmulator(options: CheckoutComEmulatorOptions = {}): CheckoutComEmulator {
  const credentials: CheckoutComCredentials = {
    secretKey: options.secretKey ?? generateSecretKey(),
    publicKey: options.publicKey ?? generatePublicKey(),
    webhookSignatureKey: options.webhookSignatureKey ?? randomUUID(),
  };
  const clock = options.clock ?? createEmulatorClock();
  const settings: Partial<Settings> = {};
  if (options.paymentWindowMs !== undefined) settings.paymentWindowMs = options.paymentWindowMs;
  if (options.requireProcessingChannelId !== undefined)
    settings.requireProcessingChannelId = options.requireProcessingChannelId;
  const state = createCheckoutComState(clock, settings);
  const faults = createFaultQueue();
  const control = createControl(state, clock, faults);

  const app = Fastify({ logger: false, genReqId: () => randomUUID(), forceCloseConnections: true });
  registerBodyParsers(app);
  installFaults(app, { queue: faults, classify: classifyApiCall });
  app.register(apiRoutes, { state, secretKey: credentials.secretKey, baseUrl: baseUrlResolver(options.baseUrl) });
  app.register(hostedPageRoutes, { state });
  app.register(controlRoutes, { control });
  // Unknown paths (including /payments/{id}/refunds, not emulated yet) answer like an unknown id.
  app.setNotFoundHandler((request, reply) => reply.code(404).header('cko-request-id', request.id).send());
  startSweeper(app, control, options.sweepIntervalMs ?? 1000);

  return { app, state, control, clock, faults, credentials };
}

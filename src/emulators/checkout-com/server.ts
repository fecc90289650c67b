import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { createEmulatorClock, type EmulatorClock } from '../kit/clock.ts';
import { createFaultQueue, type FaultQueue, installFaults } from '../kit/faults.ts';
import { type EmulatorBook, keepClockOffset, MEMORY_BOOK } from '../kit/store.ts';
import { apiRoutes } from './api.ts';
import { MALFORMED_BODY } from './api-common.ts';
import { type CheckoutComControl, controlRoutes, createControl } from './control.ts';
import { checkWebhooks, createEntityRegistry, type EntityRegistry, type WebhookEndpoint } from './entities.ts';
import { hostedPageRoutes } from './hosted-page.ts';
import { createNotifier, type Notifier } from './notifier.ts';
import { refundControlRoutes } from './refund-control.ts';
import {
  type CanceledFailureStatus,
  type CheckoutComState,
  createCheckoutComState,
  type ExpiryStatus,
  type Settings,
} from './state.ts';
import { webhookControlRoutes } from './webhook-control.ts';

export type CheckoutComCredentials = { secretKey: string; publicKey: string; webhookSignatureKey: string };

export type CheckoutComEmulatorOptions = {
  /** Keys of the entity created at start (the default merchant account). */
  secretKey?: string;
  publicKey?: string;
  webhookSignatureKey?: string;
  /** Webhook endpoints of the default entity. */
  webhooks?: WebhookEndpoint[];
  /** Waits before each retry of a webhook that failed; its length is the number of retries. */
  notificationRetryDelaysMs?: readonly number[];
  /** Limit on one webhook delivery attempt (default 10 s). */
  notificationTimeoutMs?: number;
  /** Webhook copies in flight to one endpoint URL at most (default 32); one payment's go one at a time. */
  notificationMaxInFlight?: number;
  /** Base of the links in API answers; defaults to the Host the request came in on. */
  baseUrl?: string | (() => string | undefined);
  clock?: EmulatorClock;
  paymentWindowMs?: number;
  requireProcessingChannelId?: boolean;
  /** Emulator time after which a pending refund approves by itself; null or absent: never (the default). */
  refundApprovalDelayMs?: number | null;
  /** What an unpaid payment becomes when its window passes: `Expired` (default) or `Voided`. */
  expiryStatus?: ExpiryStatus;
  /** What a GET shows for a failure reported as `payment_canceled`: `Canceled` (default) or `Declined`. */
  canceledFailureStatus?: CanceledFailureStatus;
  /** How often pending payments are checked for expiry in real time; 0 turns it off. */
  sweepIntervalMs?: number;
  /** Where the state is kept across restarts (default: memory only). */
  book?: EmulatorBook;
};

export type CheckoutComEmulator = {
  app: FastifyInstance;
  state: CheckoutComState;
  control: CheckoutComControl;
  clock: EmulatorClock;
  faults: FaultQueue;
  entities: EntityRegistry;
  notifier: Notifier;
  /** Of the default entity, as it was at start. */
  credentials: CheckoutComCredentials;
};

export { generatePublicKey, generateSecretKey } from './entities.ts';

function parseJson(text: string): unknown {
  // No body at all, as a refund without amount is often sent.
  if (text.trim() === '') return undefined;
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
  if (route === '/payments/:id/refunds' && request.method === 'POST') return 'refund';
  return null;
}

function configuredBase(option: CheckoutComEmulatorOptions['baseUrl']): string | undefined {
  const configured = typeof option === 'function' ? option() : option;
  return configured?.replace(/\/+$/, '');
}

function baseUrlResolver(option: CheckoutComEmulatorOptions['baseUrl']): (request: FastifyRequest) => string {
  return (request) => configuredBase(option) ?? `${request.protocol}://${request.host}`;
}

/** Webhooks have no request to take a Host from: the configured base, else the listening address. */
function webhookBase(app: FastifyInstance, option: CheckoutComEmulatorOptions['baseUrl']): () => string {
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

function startSweeper(app: FastifyInstance, control: CheckoutComControl, intervalMs: number): void {
  if (intervalMs <= 0) return;
  // Real time passing expires payments (and approves refunds) too; the sweep makes their
  // notifications appear without a read.
  const timer = setInterval(() => {
    control.expireDue();
    control.approveDueRefunds();
  }, intervalMs);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

/** A stateful Checkout.com QPay ("API only") emulator; call `app.listen()` or `app.inject()`. */
export function createCheckoutComEmulator(options: CheckoutComEmulatorOptions = {}): CheckoutComEmulator {
  const webhooks = options.webhooks === undefined ? undefined : checkWebhooks(options.webhooks);
  if (webhooks && !webhooks.ok) throw new TypeError(webhooks.error);
  const book = options.book ?? MEMORY_BOOK;
  const entities = createEntityRegistry(
    {
      ...(options.secretKey !== undefined && { secretKey: options.secretKey }),
      ...(options.publicKey !== undefined && { publicKey: options.publicKey }),
      ...(options.webhookSignatureKey !== undefined && { webhookSignatureKey: options.webhookSignatureKey }),
      ...(webhooks?.ok && { webhooks: webhooks.value }),
    },
    book,
  );
  const { secretKey, publicKey, webhookSignatureKey } = entities.defaultEntity();
  const credentials: CheckoutComCredentials = { secretKey, publicKey, webhookSignatureKey };
  const clock = options.clock ?? createEmulatorClock();
  keepClockOffset(clock, book);
  const settings: Partial<Settings> = {};
  if (options.paymentWindowMs !== undefined) settings.paymentWindowMs = options.paymentWindowMs;
  if (options.requireProcessingChannelId !== undefined)
    settings.requireProcessingChannelId = options.requireProcessingChannelId;
  if (options.refundApprovalDelayMs !== undefined) settings.refundApprovalDelayMs = options.refundApprovalDelayMs;
  if (options.expiryStatus !== undefined) settings.expiryStatus = options.expiryStatus;
  if (options.canceledFailureStatus !== undefined) settings.canceledFailureStatus = options.canceledFailureStatus;
  const state = createCheckoutComState(clock, settings, book);
  const faults = createFaultQueue();
  const app = Fastify({ logger: false, genReqId: () => randomUUID(), forceCloseConnections: true });
  const notifier = createNotifier({
    entities,
    clock,
    baseUrl: webhookBase(app, options.baseUrl),
    ...(options.notificationRetryDelaysMs !== undefined && { retryDelaysMs: options.notificationRetryDelaysMs }),
    ...(options.notificationTimeoutMs !== undefined && { timeoutMs: options.notificationTimeoutMs }),
    ...(options.notificationMaxInFlight !== undefined && { maxInFlightPerUrl: options.notificationMaxInFlight }),
  });
  state.onEvent(notifier.handle);
  const control = createControl(state, clock, faults, { entities, notifier });

  registerBodyParsers(app);
  installFaults(app, { queue: faults, classify: classifyApiCall });
  app.register(apiRoutes, {
    state,
    entities: entities.all,
    event: notifier.event,
    baseUrl: baseUrlResolver(options.baseUrl),
  });
  app.register(hostedPageRoutes, { state });
  app.register(controlRoutes, { control });
  app.register(refundControlRoutes, { control });
  app.register(webhookControlRoutes, { control, entities });
  // Unknown paths answer like an unknown id.
  app.setNotFoundHandler((request, reply) => reply.code(404).header('cko-request-id', request.id).send());
  startSweeper(app, control, options.sweepIntervalMs ?? 1000);
  // Retry timers and sends in flight must not keep close() (or the process) waiting.
  app.addHook('preClose', async () => notifier.close());

  return { app, state, control, clock, faults, entities, notifier, credentials };
}

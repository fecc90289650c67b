import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorClock } from '../kit/clock.ts';
import type { FaultQueue } from '../kit/faults.ts';
import { createEmulatorServer, type EmulatorServerOptions, flatForm } from '../kit/server.ts';
import { apiRoutes } from './api.ts';
import { MALFORMED_BODY } from './api-common.ts';
import { type CheckoutComControl, createControl } from './control.ts';
import { controlRoutes } from './control-routes.ts';
import { checkWebhooks, createEntityRegistry, type EntityRegistry, type WebhookEndpoint } from './entities.ts';
import { hostedPageRoutes } from './hosted-page.ts';
import { createNotifier, type Notifier } from './notifier.ts';
import {
  type CanceledFailureStatus,
  type CheckoutComState,
  createCheckoutComState,
  type ExpiryStatus,
  type Settings,
} from './state.ts';

export type CheckoutComCredentials = { secretKey: string; publicKey: string; webhookSignatureKey: string };

export type CheckoutComEmulatorOptions = EmulatorServerOptions & {
  /** Keys of the entity created at start (the default merchant account). */
  secretKey?: string;
  publicKey?: string;
  webhookSignatureKey?: string;
  /** The name of the default entity, which heads its QPay page (default `Emulator Merchant 1`). */
  merchantName?: string;
  /** Webhook endpoints of the default entity. */
  webhooks?: WebhookEndpoint[];
  paymentWindowMs?: number;
  requireProcessingChannelId?: boolean;
  /** Emulator time after which a pending refund approves by itself; null or absent: never (the default). */
  refundApprovalDelayMs?: number | null;
  /** What an unpaid payment becomes when its window passes: `Expired` (default) or `Voided`. */
  expiryStatus?: ExpiryStatus;
  /** What a GET shows for a failure reported as `payment_canceled`: `Canceled` (default) or `Declined`. */
  canceledFailureStatus?: CanceledFailureStatus;
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

function classifyApiCall(request: FastifyRequest): string | null {
  const route = request.routeOptions.url;
  if (route === '/payments' && request.method === 'POST') return 'create';
  if (route?.startsWith('/payments/') && request.method === 'GET') return 'retrieve';
  if (route === '/payments/:id/refunds' && request.method === 'POST') return 'refund';
  return null;
}

/** A stateful Checkout.com QPay ("API only") emulator; call `app.listen()` or `app.inject()`. */
export function createCheckoutComEmulator(options: CheckoutComEmulatorOptions = {}): CheckoutComEmulator {
  const webhooks = options.webhooks === undefined ? undefined : checkWebhooks(options.webhooks);
  if (webhooks && !webhooks.ok) throw new TypeError(webhooks.error);
  // Any content type but a form is read as JSON, so a bad body is a 422 like the real API, not a 400/415.
  const server = createEmulatorServer(options, {
    form: flatForm,
    malformed: MALFORMED_BODY,
    classify: classifyApiCall,
  });
  const { app, faults, book, clock } = server;
  const entities = createEntityRegistry(
    {
      ...(options.merchantName !== undefined && { name: options.merchantName }),
      ...(options.secretKey !== undefined && { secretKey: options.secretKey }),
      ...(options.publicKey !== undefined && { publicKey: options.publicKey }),
      ...(options.webhookSignatureKey !== undefined && { webhookSignatureKey: options.webhookSignatureKey }),
      ...(webhooks?.ok && { webhooks: webhooks.value }),
    },
    book,
  );
  const { secretKey, publicKey, webhookSignatureKey } = entities.defaultEntity();
  const credentials: CheckoutComCredentials = { secretKey, publicKey, webhookSignatureKey };
  const settings: Partial<Settings> = {};
  if (options.paymentWindowMs !== undefined) settings.paymentWindowMs = options.paymentWindowMs;
  if (options.requireProcessingChannelId !== undefined)
    settings.requireProcessingChannelId = options.requireProcessingChannelId;
  if (options.refundApprovalDelayMs !== undefined) settings.refundApprovalDelayMs = options.refundApprovalDelayMs;
  if (options.expiryStatus !== undefined) settings.expiryStatus = options.expiryStatus;
  if (options.canceledFailureStatus !== undefined) settings.canceledFailureStatus = options.canceledFailureStatus;
  const state = createCheckoutComState(clock, settings, book);
  // Webhooks have no request to take a Host from: the configured base, else the listening address.
  const notifier = createNotifier({ entities, clock, baseUrl: server.baseUrl, tuning: server.tuning });
  state.onEvent(notifier.handle);
  const control = createControl(state, clock, faults, { entities, notifier });

  app.register(apiRoutes, {
    state,
    entities: entities.all,
    event: notifier.event,
    baseUrl: server.requestBase,
  });
  app.register(hostedPageRoutes, { state, entities });
  app.register(controlRoutes, { control, entities });
  // Unknown paths answer like an unknown id.
  app.setNotFoundHandler((request, reply) => reply.code(404).header('cko-request-id', request.id).send());
  server.run({
    // Real time passing expires payments (and approves refunds) too; the sweep makes their
    // notifications appear without a read.
    sweep() {
      control.expireDue();
      control.approveDueRefunds();
    },
    notifier,
  });

  return { app, state, control, clock, faults, entities, notifier, credentials };
}

import type { FastifyInstance } from 'fastify';
import {
  asBody,
  type Body,
  badRequest,
  controlApiRoutes,
  notificationRoutes,
  refundRoutes,
} from '../kit/control-routes.ts';
import { delayOrNever, flag, oneOf, positiveInt, readSettings } from '../kit/control-settings.ts';
import { type CheckoutComControl, FAULT_OPERATIONS } from './control.ts';
import { checkEntityInput, checkWebhooks, type Entity, type EntityRegistry } from './entities.ts';
import { CANCELED_FAILURE_STATUSES, EXPIRY_STATUSES, OUTCOMES, type Settings } from './state.ts';

const SNAKE_NAMES = {
  name: 'name',
  secretKey: 'secret_key',
  publicKey: 'public_key',
  webhookSignatureKey: 'webhook_signature_key',
  webhooks: 'webhooks',
} as const;

export function entityView(entity: Entity): Record<string, unknown> {
  return {
    id: entity.id,
    name: entity.name,
    secret_key: entity.secretKey,
    public_key: entity.publicKey,
    webhook_signature_key: entity.webhookSignatureKey,
    webhooks: entity.webhooks.map((w) => ({
      url: w.url,
      ...(w.authorization !== undefined && { authorization: w.authorization }),
    })),
  };
}

const parseSettings = (body: Body) =>
  readSettings<Settings>(body, {
    paymentWindowMs: ['payment_window_ms', positiveInt],
    requireProcessingChannelId: ['require_processing_channel_id', flag()],
    refundApprovalDelayMs: ['refund_approval_delay_ms', delayOrNever],
    expiryStatus: ['expiry_status', oneOf(EXPIRY_STATUSES)],
    canceledFailureStatus: ['canceled_failure_status', oneOf(CANCELED_FAILURE_STATUSES)],
  });

function settingsView(settings: Settings): Record<string, unknown> {
  return {
    payment_window_ms: settings.paymentWindowMs,
    require_processing_channel_id: settings.requireProcessingChannelId,
    expiry_status: settings.expiryStatus,
    canceled_failure_status: settings.canceledFailureStatus,
    // Left out while unset (refunds wait for the control API), as before refunds were emulated.
    ...(settings.refundApprovalDelayMs !== null && { refund_approval_delay_ms: settings.refundApprovalDelayMs }),
  };
}

export type ControlRoutesOptions = { control: CheckoutComControl; entities: EntityRegistry };

/**
 * Loopback-only test control API: clock, faults, state inspection, scripted outcomes, refunds
 * (QPay's manual approval, done by hand), entities (merchant accounts) and their webhooks.
 */
export async function controlRoutes(app: FastifyInstance, options: ControlRoutesOptions): Promise<void> {
  const { control, entities } = options;

  controlApiRoutes(app, control, {
    faultOperations: FAULT_OPERATIONS,
    objects: { plural: 'payments', notFound: 'payment_not_found', list: control.listPayments, get: control.getPayment },
    complete: { outcomes: OUTCOMES, run: control.completePayment },
    sweep: {
      path: 'expire',
      run: () => ({ expired: control.expireDue(), approved_refunds: control.approveDueRefunds() }),
    },
    settings: { view: settingsView, parse: parseSettings },
  });
  refundRoutes(app, control.listRefunds, [
    ['approve', control.approveRefund],
    ['decline', control.declineRefund],
  ]);

  app.get('/__control/entities', async () => ({ entities: control.listEntities().map(entityView) }));
  app.post('/__control/entities', async (request, reply) => {
    const checked = checkEntityInput(asBody(request.body), SNAKE_NAMES);
    if (!checked.ok) return badRequest(reply, checked.error);
    const { entity, created } = entities.create(checked.value);
    return reply.code(created ? 201 : 200).send(entityView(entity));
  });
  app.put<{ Params: { id: string } }>('/__control/entities/:id/webhooks', async (request, reply) => {
    const checked = checkWebhooks(asBody(request.body).webhooks);
    if (!checked.ok) return badRequest(reply, checked.error);
    // Only the id here: a secret key in a URL ends up in logs.
    if (!entities.get(request.params.id)) return reply.code(404).send({ error: 'entity_not_found' });
    const entity = control.setWebhooks(request.params.id, checked.value);
    return entity ? entityView(entity) : reply.code(404).send({ error: 'entity_not_found' });
  });
  notificationRoutes(app, control, 'event_not_found');
}

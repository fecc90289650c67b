import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseNotificationFault } from '../kit/notification-faults.ts';
import type { CheckoutComControl } from './control.ts';
import { checkEntityInput, checkWebhooks, type Entity, type EntityRegistry } from './entities.ts';

type Body = Record<string, unknown>;

const SNAKE_NAMES = {
  secretKey: 'secret_key',
  publicKey: 'public_key',
  webhookSignatureKey: 'webhook_signature_key',
  webhooks: 'webhooks',
} as const;

function asBody(body: unknown): Body {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: 'invalid_request', message });
}

export function entityView(entity: Entity): Record<string, unknown> {
  return {
    id: entity.id,
    secret_key: entity.secretKey,
    public_key: entity.publicKey,
    webhook_signature_key: entity.webhookSignatureKey,
    webhooks: entity.webhooks.map((w) => ({
      url: w.url,
      ...(w.authorization !== undefined && { authorization: w.authorization }),
    })),
  };
}

export type WebhookControlOptions = { control: CheckoutComControl; entities: EntityRegistry };

/** Control API for entities (merchant accounts) and the webhooks sent to them. */
export async function webhookControlRoutes(app: FastifyInstance, options: WebhookControlOptions): Promise<void> {
  const { control, entities } = options;

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

  app.get('/__control/notifications', async () => ({ notifications: control.notifications() }));
  app.get('/__control/notifications/faults', async () => ({ faults: control.listNotificationFaults() }));
  app.post('/__control/notifications/faults', async (request, reply) => {
    const parsed = parseNotificationFault(request.body);
    if (!parsed.ok) return badRequest(reply, parsed.error);
    return reply.code(201).send(control.addNotificationFault(parsed.spec));
  });
  app.delete('/__control/notifications/faults', async () => {
    control.clearNotificationFaults();
    return { faults: [] };
  });
  app.post('/__control/notifications/flush', async () => ({ released: control.flushNotifications() }));
  app.post<{ Params: { id: string } }>('/__control/notifications/:id/resend', async (request, reply) => {
    const sent = control.resendNotification(request.params.id);
    if (!sent) return reply.code(404).send({ error: 'event_not_found' });
    return reply.code(202).send({ notifications: sent });
  });
}

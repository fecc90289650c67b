import { BawabaError } from '../../core/errors.ts';
import type { WebhookDelivery, WebhookEndpoint } from '../../core/event-ports.ts';
import type { Principal } from '../../core/repositories.ts';
import { manualDeliveryJob } from '../../core/services/outbox.ts';
import { liveUrlProblem } from '../../net/address-policy.ts';
import { generateWebhookSecret } from '../../webhooks/sign.ts';
import type { ViewOf } from '../contract/common.ts';
import {
  CreateWebhookEndpointSchema,
  DeleteWebhookEndpointSchema,
  type DeliveryObject,
  GetWebhookEndpointSchema,
  ListDeliveriesSchema,
  ListWebhookEndpointsSchema,
  RedeliverSchema,
  RotateSecretSchema,
  UpdateWebhookEndpointSchema,
  type WebhookEndpointObject,
} from '../contract/webhook-endpoints.ts';
import type { ApiApp, AppDeps } from '../types.ts';
import { principalOf } from './principal.ts';

const iso = (ms: number) => new Date(ms).toISOString();
/** How long the previous secret keeps signing after a rotation, unless told otherwise. */
export const DEFAULT_SECRET_OVERLAP_S = 24 * 3600;

function endpointView(e: WebhookEndpoint, withSecret = false) {
  return {
    id: e.id,
    object: 'webhook_endpoint' as const,
    url: e.url,
    enabled_events: [...e.enabledEvents],
    status: e.status,
    disabled_reason: e.disabledReason,
    description: e.description,
    livemode: e.mode === 'live',
    ...(withSecret ? { secret: e.secret } : {}),
    previous_secret_expires_at: e.previousSecret && e.previousSecretExpiresAt ? iso(e.previousSecretExpiresAt) : null,
    created_at: iso(e.createdAt),
    updated_at: iso(e.updatedAt),
  };
}

const view: ViewOf<typeof WebhookEndpointObject, typeof endpointView> = endpointView;

async function makeDeliveryView(deps: AppDeps, d: WebhookDelivery) {
  const [attempts, event] = await Promise.all([deps.deliveries.attempts(d.id), deps.events.getById(d.eventId)]);
  return {
    id: d.id,
    object: 'webhook_delivery' as const,
    endpoint_id: d.endpointId,
    event_id: d.eventId,
    event_type: event?.type ?? null,
    status: d.status,
    attempt_count: d.attempts,
    next_attempt_at: d.nextAttemptAt === null ? null : iso(d.nextAttemptAt),
    last_status_code: d.lastStatusCode,
    attempts: attempts.map((a) => ({
      attempted_at: iso(a.attemptedAt),
      status_code: a.statusCode,
      error: a.error,
      latency_ms: a.latencyMs,
      response_excerpt: a.responseExcerpt,
    })),
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

const deliveryView: ViewOf<typeof DeliveryObject, typeof makeDeliveryView> = makeDeliveryView;

/**
 * Live endpoints receive payment data: https only, and never an address of this machine or its
 * networks, however written (test-mode endpoints may point at a developer's own machine). A
 * host name is checked again, against every address it resolves to, at each delivery.
 */
function checkUrl(p: Principal, url: string): void {
  if (p.mode !== 'live') return;
  const problem = liveUrlProblem(url);
  if (problem) throw new BawabaError('parameter_invalid', `url ${problem} in live mode.`, 'url');
}

async function endpointOf(deps: AppDeps, p: Principal, id: string): Promise<WebhookEndpoint> {
  const e = await deps.webhookEndpoints.get(p.accountId, p.mode, id);
  if (!e) throw new BawabaError('resource_not_found', `No such webhook endpoint: ${id}.`, 'id');
  return e;
}

/** `/v1/webhook_endpoints`: where merchants receive events, signed per Standard Webhooks. */
export function registerWebhookEndpointRoutes(app: ApiApp, deps: AppDeps): void {
  app.post(
    '/v1/webhook_endpoints',
    { schema: CreateWebhookEndpointSchema, config: { idempotency: 'required' } },
    async (request, reply) => {
      const p = principalOf(request);
      const body = request.body;
      checkUrl(p, body.url);
      const now = deps.clock.now();
      const endpoint: WebhookEndpoint = {
        id: deps.ids.next('we'),
        accountId: p.accountId,
        mode: p.mode,
        url: body.url,
        enabledEvents: body.enabled_events,
        status: 'enabled',
        disabledReason: null,
        description: body.description ?? null,
        secret: generateWebhookSecret(),
        previousSecret: null,
        previousSecretExpiresAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await deps.webhookEndpoints.create(endpoint);
      // The secret is shown this once: a replay of the request answers without it.
      request.idempotencyReplayBody = JSON.stringify(view(endpoint));
      return reply.code(201).send(view(endpoint, true));
    },
  );

  app.get('/v1/webhook_endpoints', { schema: ListWebhookEndpointsSchema }, async (request) => {
    const p = principalOf(request);
    const list = await deps.webhookEndpoints.list(p.accountId, p.mode);
    return { object: 'list' as const, data: list.map((e) => view(e)), has_more: false };
  });

  app.get('/v1/webhook_endpoints/:id', { schema: GetWebhookEndpointSchema }, async (request) => {
    const { id } = request.params;
    return view(await endpointOf(deps, principalOf(request), id));
  });

  app.post(
    '/v1/webhook_endpoints/:id',
    { schema: UpdateWebhookEndpointSchema, config: { idempotency: 'required' } },
    async (request) => {
      const p = principalOf(request);
      const { id } = request.params;
      const body = request.body;
      const e = await endpointOf(deps, p, id);
      if (body.url) checkUrl(p, body.url);
      const status = body.status ?? e.status;
      const next: WebhookEndpoint = {
        ...e,
        url: body.url ?? e.url,
        enabledEvents: body.enabled_events ?? e.enabledEvents,
        description: body.description ?? e.description,
        status,
        disabledReason: status === 'enabled' ? null : body.status ? 'Disabled through the API.' : e.disabledReason,
        updatedAt: deps.clock.now(),
      };
      await deps.webhookEndpoints.update(next);
      return view(next);
    },
  );

  app.post(
    '/v1/webhook_endpoints/:id/rotate_secret',
    { schema: RotateSecretSchema, config: { idempotency: 'required' } },
    async (request) => {
      const p = principalOf(request);
      const { id } = request.params;
      const body = request.body ?? {};
      const e = await endpointOf(deps, p, id);
      const now = deps.clock.now();
      const overlapS = body.expire_previous_in_seconds ?? DEFAULT_SECRET_OVERLAP_S;
      const next: WebhookEndpoint = {
        ...e,
        secret: generateWebhookSecret(),
        previousSecret: overlapS > 0 ? e.secret : null,
        previousSecretExpiresAt: overlapS > 0 ? now + overlapS * 1000 : null,
        updatedAt: now,
      };
      await deps.webhookEndpoints.update(next);
      request.idempotencyReplayBody = JSON.stringify(view(next));
      return view(next, true);
    },
  );

  app.delete('/v1/webhook_endpoints/:id', { schema: DeleteWebhookEndpointSchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params;
    if (!(await deps.webhookEndpoints.remove(p.accountId, p.mode, id))) {
      throw new BawabaError('resource_not_found', `No such webhook endpoint: ${id}.`, 'id');
    }
    return { id, object: 'webhook_endpoint' as const, deleted: true };
  });

  app.get('/v1/webhook_endpoints/:id/deliveries', { schema: ListDeliveriesSchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params;
    const q = request.query;
    await endpointOf(deps, p, id);
    const page = await deps.deliveries.listForEndpoint(id, {
      limit: q.limit ? Number(q.limit) : 10,
      ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
      ...(q.ending_before ? { endingBefore: q.ending_before } : {}),
    });
    return {
      object: 'list' as const,
      data: await Promise.all(page.data.map((d) => deliveryView(deps, d))),
      has_more: page.hasMore,
    };
  });

  app.post(
    '/v1/webhook_endpoints/:id/deliveries/:delivery_id/redeliver',
    { schema: RedeliverSchema, config: { idempotency: 'required' } },
    async (request, reply) => {
      const p = principalOf(request);
      const { id, delivery_id: deliveryId } = request.params;
      const endpoint = await endpointOf(deps, p, id);
      const delivery = await deps.deliveries.get(deliveryId);
      if (!delivery || delivery.endpointId !== endpoint.id) {
        throw new BawabaError('resource_not_found', `No such delivery: ${deliveryId}.`, 'delivery_id');
      }
      const now = deps.clock.now();
      await deps.deliveries.redeliver(delivery.id, manualDeliveryJob(deps, delivery.id, endpoint.id, now), now);
      const fresh = await deps.deliveries.get(delivery.id);
      return reply.code(202).send(await deliveryView(deps, fresh ?? delivery));
    },
  );
}

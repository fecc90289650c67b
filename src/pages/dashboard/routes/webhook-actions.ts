import type { FastifyInstance } from 'fastify';
import type { WebhookEndpoint } from '../../../core/event-ports.ts';
import { manualDeliveryJob } from '../../../core/services/outbox.ts';
import { html } from '../../kit/html.ts';
import { fill, strings } from '../../kit/i18n.ts';
import { audit } from '../audit.ts';
import { confirmPage, kept, redirectTo } from '../confirm.ts';
import type { DashboardDeps, Viewer } from '../deps.ts';
import { WEBHOOKS } from '../i18n/webhooks.ts';
import { answerOnce, once } from '../once.ts';
import { PageError } from '../page-error.ts';
import { sendPage, viewerOf } from '../plugin.ts';
import { secretPage } from '../webhook-views.ts';

const ADMIN = { config: { public: true, dashboard: 'admin' as const } };
/** The previous secret keeps signing this long after a rotation (as the API's default). */
const SECRET_OVERLAP_MS = 24 * 3600_000;
const OPS = ['disable', 'enable', 'rotate', 'delete', 'test'] as const;
type Op = (typeof OPS)[number];

type Form = Record<string, string | undefined>;

/** An endpoint's actions, each confirmed: disable or enable, rotate its secret, delete it, send it a test event. */
export function registerWebhookActionRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  const endpointOf = async (viewer: Viewer, id: string) => {
    const e = await deps.webhookEndpoints.get(viewer.user.accountId, viewer.session.mode, id);
    if (!e) throw new PageError('not_found');
    return e;
  };
  const question = (viewer: Viewer, e: WebhookEndpoint, op: Op) => {
    const t = strings(WEBHOOKS, viewer.lang);
    const q = {
      disable: t.confirmDisable,
      enable: t.confirmEnable,
      rotate: t.confirmRotate,
      delete: t.confirmRemove,
      test: t.confirmTest,
    }[op];
    return fill(q, { url: e.url });
  };
  const opOf = (params: unknown): Op => {
    const op = (params as { op: string }).op;
    if (!(OPS as readonly string[]).includes(op)) throw new PageError('not_found');
    return op as Op;
  };

  app.get('/webhooks/:id/:op', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const op = opOf(request.params);
    const e = await endpointOf(viewer, (request.params as { id: string }).id);
    return sendPage(
      reply,
      confirmPage(
        viewer,
        `/dashboard/webhooks/${e.id}/${op}`,
        question(viewer, e, op),
        html``,
        `/dashboard/webhooks/${e.id}`,
        undefined,
        'webhooks',
      ),
    );
  });

  app.post('/webhooks/:id/:op', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(WEBHOOKS, viewer.lang);
    const op = opOf(request.params);
    const e = await endpointOf(viewer, (request.params as { id: string }).id);
    const result = await once(deps, viewer, `webhook.${op} ${e.id}`, request.body as Form, async () => {
      const now = deps.clock.now();
      if (op === 'disable' || op === 'enable') {
        await deps.webhookEndpoints.update({
          ...e,
          status: op === 'enable' ? 'enabled' : 'disabled',
          disabledReason: op === 'enable' ? null : t.disabledByOperator,
          updatedAt: now,
        });
        await audit(deps, viewer, `webhook_endpoint.${op}`, e.id, { url: e.url });
        return kept(redirectTo(`/dashboard/webhooks/${e.id}?done=${op}d`));
      }
      if (op === 'delete') {
        await deps.webhookEndpoints.remove(e.accountId, e.mode, e.id);
        await audit(deps, viewer, 'webhook_endpoint.delete', e.id, { url: e.url });
        return kept(redirectTo('/dashboard/webhooks?done=removed'));
      }
      if (op === 'rotate') {
        const next: WebhookEndpoint = {
          ...e,
          secret: deps.services.newWebhookSecret(),
          previousSecret: e.secret,
          previousSecretExpiresAt: now + SECRET_OVERLAP_MS,
          updatedAt: now,
        };
        await deps.webhookEndpoints.update(next);
        await audit(deps, viewer, 'webhook_endpoint.rotate_secret', e.id, { url: e.url });
        return {
          value: { kind: 'page' as const, markup: secretPage(viewer, next, t.rotatedTitle) },
          outcome: redirectTo(`/dashboard/webhooks/${e.id}?done=rotated`),
        };
      }
      const eventId = deps.ids.next('evt');
      const deliveryId = deps.ids.next('whd');
      await deps.repo.sendTestEvent(
        {
          id: eventId,
          accountId: e.accountId,
          mode: e.mode,
          type: 'webhook_endpoint.test',
          objectId: e.id,
          data: { id: e.id, object: 'webhook_endpoint', url: e.url, test: true },
          createdAt: now,
        },
        e.id,
        deliveryId,
        manualDeliveryJob(deps, deliveryId, e.id, now),
      );
      await audit(deps, viewer, 'webhook_endpoint.test', e.id, { url: e.url, event: eventId });
      return kept(redirectTo(`/dashboard/webhooks/${e.id}?done=test`));
    });
    return answerOnce(reply, result, () => '');
  });
}

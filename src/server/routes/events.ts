import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { BawabaError } from '../../core/errors.ts';
import { eventView } from '../../core/event-view.ts';
import { GetEventSchema, ListEventsSchema } from '../contract/events.ts';
import { cursorPage } from '../query.ts';
import type { AppDeps } from '../types.ts';
import { principalOf } from './principal.ts';

/** `/v1/events`: every state change, newest first. */
export function registerEventRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/v1/events', { schema: ListEventsSchema }, async (request) => {
    const p = principalOf(request);
    const q = request.query as Static<typeof ListEventsSchema.querystring>;
    const page = await deps.events.list({
      accountId: p.accountId,
      mode: p.mode,
      ...cursorPage(q),
      ...(q.type ? { type: q.type } : {}),
      ...(q.object_id ? { objectId: q.object_id } : {}),
    });
    return { object: 'list' as const, data: page.data.map(eventView), has_more: page.hasMore };
  });

  app.get('/v1/events/:id', { schema: GetEventSchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params as { id: string };
    const event = await deps.events.get(p.accountId, p.mode, id);
    if (!event) throw new BawabaError('resource_not_found', `No such event: ${id}.`, 'id');
    return eventView(event);
  });
}

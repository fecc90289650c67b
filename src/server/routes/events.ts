import { BawabaError } from '../../core/errors.ts';
import { eventView } from '../../core/event-view.ts';
import type { ViewOf } from '../contract/common.ts';
import { type EventObject, GetEventSchema, ListEventsSchema } from '../contract/events.ts';
import { cursorPage } from '../query.ts';
import type { ApiApp, AppDeps } from '../types.ts';
import { principalOf } from './principal.ts';

const view: ViewOf<typeof EventObject, typeof eventView> = eventView;

/** `/v1/events`: every state change, newest first. */
export function registerEventRoutes(app: ApiApp, deps: AppDeps): void {
  app.get('/v1/events', { schema: ListEventsSchema }, async (request) => {
    const p = principalOf(request);
    const q = request.query;
    const page = await deps.events.list({
      accountId: p.accountId,
      mode: p.mode,
      ...cursorPage(q),
      ...(q.type ? { type: q.type } : {}),
      ...(q.object_id ? { objectId: q.object_id } : {}),
    });
    return { object: 'list' as const, data: page.data.map(view), has_more: page.hasMore };
  });

  app.get('/v1/events/:id', { schema: GetEventSchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params;
    const event = await deps.events.get(p.accountId, p.mode, id);
    if (!event) throw new BawabaError('resource_not_found', `No such event: ${id}.`, 'id');
    return view(event);
  });
}

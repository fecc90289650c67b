import type { DomainEvent } from './event-ports.ts';

/** The API's view of an event: what `GET /v1/events` answers and what webhooks deliver. */
export function eventView(e: DomainEvent) {
  return {
    id: e.id,
    object: 'event' as const,
    type: e.type,
    livemode: e.mode === 'live',
    created_at: new Date(e.createdAt).toISOString(),
    data: { object: { ...e.data } },
  };
}

import type { RequestLog, RequestLogEntry } from '../../observability/request-log.ts';
import { ListRequestLogSchema } from '../contract/request-log.ts';
import type { ApiApp } from '../types.ts';
import { principalOf } from './principal.ts';

function view(entry: RequestLogEntry) {
  return {
    id: entry.id,
    object: 'request_log_entry' as const,
    livemode: entry.mode === 'live',
    created_at: new Date(entry.at).toISOString(),
    method: entry.method,
    path: entry.path,
    status: entry.status,
    duration_ms: entry.durationMs,
    error_code: entry.errorCode,
  };
}

/** `GET /v1/request_log`: the account's recent API requests on this node (`bawaba logs tail`). */
export function registerRequestLogRoutes(app: ApiApp, log: RequestLog): void {
  app.get('/v1/request_log', { schema: ListRequestLogSchema }, async (request) => {
    const p = principalOf(request);
    const { after, limit } = request.query;
    const { entries, hasMore } = log.list(p.accountId, p.mode, {
      ...(after !== undefined && { after }),
      limit: limit === undefined ? 100 : Number(limit),
    });
    return { object: 'list' as const, data: entries.map(view), has_more: hasMore };
  });
}

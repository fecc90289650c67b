import type { ApiApp, AppDeps } from '../types.ts';

/** `/healthz`, `/metrics` (Prometheus) and `/openapi.json`: no API key needed. */
export function registerHealthRoutes(app: ApiApp, deps: AppDeps): void {
  app.get('/healthz', { config: { public: true } }, async () => ({ status: 'ok' }));
  app.get('/metrics', { config: { public: true } }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
  app.get('/openapi.json', { config: { public: true } }, async () => app.swagger());
}

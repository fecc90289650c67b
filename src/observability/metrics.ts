import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The metrics Bawaba exposes at `/metrics`. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequests: Histogram<'method' | 'route' | 'status'>;
  readonly paymentsCreated: Counter<'connector' | 'status'>;
}

/** Creates a fresh registry (one per app, so tests never share counters). */
export function createMetrics(defaultMetrics = true): Metrics {
  const registry = new Registry();
  if (defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Histogram({
      name: 'bawaba_http_request_duration_seconds',
      help: 'HTTP request duration by route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
      registers: [registry],
    }),
    paymentsCreated: new Counter({
      name: 'bawaba_payments_created_total',
      help: 'Payments created, by connector and resulting status',
      labelNames: ['connector', 'status'],
      registers: [registry],
    }),
  };
}

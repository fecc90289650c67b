import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** When a payment's `payment.captured` first arrived, on this process's clocks. */
export interface Arrival {
  /** `performance.now()`. */
  readonly at: number;
  /** Milliseconds since the epoch, sub-millisecond (comparable with other processes' `Date.now()`). */
  readonly epochMs: number;
}

/**
 * The merchant's webhook endpoint of the bench and the crash soak: answers 200 at once, and
 * remembers every delivery by its `webhook-id` and each payment's `payment.captured` events, so
 * a run can wait for one and count them afterwards.
 */
export interface BenchReceiver {
  readonly url: string;
  /** Requests received (redeliveries included). */
  deliveries(): number;
  /** Distinct `webhook-id`s received. */
  distinctWebhookIds(): number;
  /** `webhook-id`s received more than once (at-least-once delivery allows them). */
  redelivered(): number;
  /** How many times each `webhook-id` was received. */
  receipts(): ReadonlyMap<string, number>;
  /** Deliveries per event type. */
  types(): ReadonlyMap<string, number>;
  /** Per payment id: the distinct `webhook-id`s of its `payment.captured` deliveries. */
  readonly captured: ReadonlyMap<string, ReadonlySet<string>>;
  /** Bodies that were not an event, or deliveries without a `webhook-id` (defects of the sender). */
  malformed(): number;
  /** The first `payment.captured` arrival of `paymentId`; rejects after `timeoutMs`. */
  waitCaptured(paymentId: string, timeoutMs: number): Promise<Arrival>;
  /** The first `payment.captured` arrival of `paymentId`, if it came. */
  arrival(paymentId: string): Arrival | undefined;
  close(): Promise<void>;
}

export async function startBenchReceiver(): Promise<BenchReceiver> {
  const seen = new Map<string, number>();
  const captured = new Map<string, Set<string>>();
  const types = new Map<string, number>();
  const arrivals = new Map<string, Arrival>();
  const waiters = new Map<string, (arrival: Arrival) => void>();
  let deliveries = 0;
  let malformed = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const arrival = { at: performance.now(), epochMs: performance.timeOrigin + performance.now() };
      deliveries++;
      const webhookId = req.headers['webhook-id'];
      if (typeof webhookId !== 'string' || webhookId === '') malformed++;
      else seen.set(webhookId, (seen.get(webhookId) ?? 0) + 1);
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          type?: unknown;
          data?: { object?: { id?: unknown } };
        };
        const paymentId = event.data?.object?.id;
        if (typeof event.type !== 'string' || typeof paymentId !== 'string') malformed++;
        else {
          types.set(event.type, (types.get(event.type) ?? 0) + 1);
          if (event.type === 'payment.captured' && typeof webhookId === 'string') {
            let ids = captured.get(paymentId);
            if (!ids) {
              ids = new Set();
              captured.set(paymentId, ids);
              arrivals.set(paymentId, arrival);
              waiters.get(paymentId)?.(arrival);
            }
            ids.add(webhookId);
          }
        }
      } catch {
        malformed++;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries: () => deliveries,
    distinctWebhookIds: () => seen.size,
    redelivered: () => [...seen.values()].filter((n) => n > 1).length,
    receipts: () => seen,
    types: () => types,
    captured,
    malformed: () => malformed,
    waitCaptured(paymentId, timeoutMs) {
      const arrived = arrivals.get(paymentId);
      if (arrived) return Promise.resolve(arrived);
      return new Promise<Arrival>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(paymentId);
          reject(new Error(`payment.captured of ${paymentId} not received within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.set(paymentId, (arrival) => {
          clearTimeout(timer);
          waiters.delete(paymentId);
          resolve(arrival);
        });
      });
    },
    arrival: (paymentId) => arrivals.get(paymentId),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The merchant's webhook receiver of the crash soak: answers 200 to everything, remembers what came. */
export interface SoakReceiver {
  readonly url: string;
  /** Requests received (redeliveries included). */
  readonly deliveries: () => number;
  /** `webhook-id`s received more than once (at-least-once delivery allows them). */
  readonly redelivered: () => number;
  /** Per payment id: the distinct event ids of its `payment.captured` deliveries. */
  readonly captured: ReadonlyMap<string, ReadonlySet<string>>;
  /** Bodies that were not an event (each is a defect of the sender). */
  readonly malformed: () => number;
  close(): Promise<void>;
}

export async function startSoakReceiver(): Promise<SoakReceiver> {
  const seen = new Map<string, number>();
  const captured = new Map<string, Set<string>>();
  let deliveries = 0;
  let malformed = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      deliveries++;
      const webhookId = String(req.headers['webhook-id'] ?? '');
      seen.set(webhookId, (seen.get(webhookId) ?? 0) + 1);
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          id?: unknown;
          type?: unknown;
          data?: { object?: { id?: unknown } };
        };
        const paymentId = event.data?.object?.id;
        if (typeof event.type !== 'string' || typeof paymentId !== 'string') malformed++;
        else if (event.type === 'payment.captured') {
          let ids = captured.get(paymentId);
          if (!ids) {
            ids = new Set();
            captured.set(paymentId, ids);
          }
          ids.add(webhookId);
        }
      } catch {
        malformed++;
      }
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries: () => deliveries,
    redelivered: () => [...seen.values()].filter((n) => n > 1).length,
    captured,
    malformed: () => malformed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

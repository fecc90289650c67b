// `bawaba listen`: a temporary webhook endpoint on this machine that forwards what the gateway
// delivers to the merchant's local app, with the gateway's own signature.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EnabledEvent, verifyWebhook } from '@bawaba/sdk';
import { apiClient, calling } from '../api-client.ts';
import { fail } from '../output.ts';
import type { ListenOptions } from './listen.ts';

const FORWARD_TIMEOUT_MS = 15_000;
const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** What one forwarded delivery came to. */
interface Forwarded {
  readonly event_id: string;
  readonly type: string;
  readonly status: number | null;
  readonly error: string | null;
  readonly latency_ms: number;
}

export async function listen(opts: ListenOptions): Promise<void> {
  const target = URL.canParse(opts.forwardTo) ? new URL(opts.forwardTo) : undefined;
  if (target?.protocol !== 'http:' && target?.protocol !== 'https:') fail('--forward-to must be an http(s) URL');
  if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535) fail('--port must be a whole number from 0 to 65535');
  const events = opts.events.split(',').map((e) => e.trim()) as EnabledEvent[];
  const sdk = apiClient(opts);
  let secret = '';
  const server = createServer((request, response) => {
    void receive(request, response, secret, target, opts.json === true);
  });
  await new Promise<void>((resolve) => server.listen(Number(opts.port), '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await calling(async () => {
    const endpoint = await sdk.webhookEndpoints.create({
      url: `http://127.0.0.1:${port}/`,
      enabled_events: events,
      description: `bawaba listen --forward-to ${target}`,
    });
    secret = endpoint.secret ?? '';
    const stop = async () => {
      server.close();
      await sdk.webhookEndpoints.delete(endpoint.id).catch((err: Error) => {
        process.stderr.write(`bawaba: could not remove ${endpoint.id}: ${err.message}; delete it by hand\n`);
      });
      if (!opts.json) process.stdout.write(`removed ${endpoint.id}\n`);
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    if (opts.json) {
      printJsonLine({ object: 'listen', endpoint_id: endpoint.id, secret, forward_to: target.toString(), events });
    } else {
      process.stdout.write(
        `Forwarding ${events.join(', ')} to ${target}\n` +
          `Webhook signing secret for this session: ${secret}\n` +
          `(temporary endpoint ${endpoint.id}; Ctrl-C removes it)\n`,
      );
    }
  });
}

async function receive(
  request: IncomingMessage,
  response: ServerResponse,
  secret: string,
  target: URL,
  json: boolean,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  let event: { id?: string; type?: string };
  try {
    event = (await verifyWebhook(body, request.headers, secret)) as typeof event;
  } catch (err) {
    // Only the gateway, with this session's secret, may use this port.
    response.writeHead(400).end();
    process.stderr.write(`bawaba: refused a delivery: ${(err as Error).message}\n`);
    return;
  }
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'bawaba-listen' };
  for (const name of SIGNATURE_HEADERS) headers[name] = String(request.headers[name]);
  const started = performance.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    const answer = await fetch(target, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    status = answer.status;
    await answer.arrayBuffer();
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    error = cause?.code ?? (err as Error).name;
  }
  const forwarded: Forwarded = {
    event_id: event.id ?? String(request.headers['webhook-id']),
    type: event.type ?? 'unknown',
    status,
    error,
    latency_ms: Math.round(performance.now() - started),
  };
  // The gateway sees what the local app answered, and retries as it would in production.
  response.writeHead(status ?? 502).end();
  if (json) printJsonLine({ object: 'forwarded_event', ...forwarded });
  else
    process.stdout.write(
      `${new Date().toISOString()}  ${forwarded.type.padEnd(26)} ${forwarded.event_id}  -> ` +
        `${status === null ? `no answer (${error})` : `[${status}]`} ${forwarded.latency_ms} ms\n`,
    );
}

/** One JSON object per line, so that a stream of them parses line by line. */
function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

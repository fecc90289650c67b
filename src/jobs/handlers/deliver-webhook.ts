import { request } from 'undici';
import type { Clock } from '../../core/clock.ts';
import type {
  EventRepo,
  Job,
  WebhookDelivery,
  WebhookDeliveryRepo,
  WebhookEndpoint,
  WebhookEndpointRepo,
} from '../../core/event-ports.ts';
import { eventView } from '../../core/event-view.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import { isAddressNotAllowed } from '../../net/guarded-agent.ts';
import { dispatcherFor, type OutboundDispatchers } from '../../net/mode-dispatcher.ts';
import { signWebhook } from '../../webhooks/sign.ts';
import { WEBHOOK_TIMEOUT_MS, webhookDelayBefore } from '../schedule.ts';
import type { HandlerResult } from '../worker.ts';

/** What delivering a webhook needs. */
export interface DeliverDeps extends OutboundDispatchers {
  readonly deliveries: WebhookDeliveryRepo;
  readonly endpoints: WebhookEndpointRepo;
  readonly events: EventRepo;
  readonly ids: IdGenerator;
  readonly clock: Clock;
  readonly log: Logger;
  readonly timeoutMs?: number;
}

const EXCERPT_CHARS = 500;

interface AttemptOutcome {
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly excerpt: string | null;
  readonly latencyMs: number;
  /** The address policy refused the connection: nothing was sent, and trying again changes nothing. */
  readonly notAllowed?: boolean;
}

/** The secrets that sign now: the current one, and the previous one during its overlap. */
export function signingSecrets(endpoint: WebhookEndpoint, now: number): string[] {
  const overlap = endpoint.previousSecret && (endpoint.previousSecretExpiresAt ?? 0) > now;
  return overlap && endpoint.previousSecret ? [endpoint.secret, endpoint.previousSecret] : [endpoint.secret];
}

async function post(
  deps: DeliverDeps,
  endpoint: WebhookEndpoint,
  headers: Record<string, string>,
  body: string,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const timeoutMs = deps.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  try {
    const res = await request(endpoint.url, {
      method: 'POST',
      headers,
      body,
      dispatcher: dispatcherFor(deps, endpoint.mode),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs),
    });
    let excerpt = '';
    for await (const chunk of res.body) {
      if (excerpt.length < EXCERPT_CHARS) excerpt += Buffer.from(chunk).toString('utf8');
    }
    const latencyMs = Math.round(performance.now() - started);
    return { statusCode: res.statusCode, error: null, excerpt: excerpt.slice(0, EXCERPT_CHARS), latencyMs };
  } catch (err) {
    if (isAddressNotAllowed(err)) {
      // Said without the address or the time it took: the attempts log must not tell anyone
      // what a name resolves to inside our network, or how a connection there would have gone.
      deps.log.warn({ endpointId: endpoint.id, detail: err.message }, 'webhook endpoint address not allowed');
      const host = new URL(endpoint.url).hostname;
      const error = `address not allowed: ${host} resolves to a non-public address, and live-mode webhooks reach public addresses only; nothing was sent`;
      return { statusCode: null, error, excerpt: null, latencyMs: 0, notAllowed: true };
    }
    const e = err as { name?: string; code?: string; message?: string };
    const error = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.code ?? e.name}: ${e.message}`;
    return { statusCode: null, error, excerpt: null, latencyMs: Math.round(performance.now() - started) };
  }
}

/**
 * One attempt of one delivery: signs the event per Standard Webhooks (`webhook-id` is the
 * event id, so receivers de-duplicate by it), posts it, records the attempt, and schedules the
 * next one. A 2xx within 15 s succeeds; HTTP 410 disables the endpoint; after the last attempt
 * of the schedule, or at once when the address policy refuses the endpoint's address, the
 * delivery fails (it can still be redelivered by hand). An attempt after which the job has
 * nothing left to do completes it in the transaction that records it.
 */
export async function deliverWebhook(deps: DeliverDeps, job: Job): Promise<HandlerResult> {
  const done = typeof job.lockedBy === 'string' ? { jobId: job.id, workerId: job.lockedBy } : undefined;
  const finished: HandlerResult = done === undefined ? undefined : { completed: true };
  const delivery = await deps.deliveries.get(job.payload.delivery_id ?? '');
  if (delivery?.status !== 'pending') return undefined;
  const now = deps.clock.now();
  const attemptNo = delivery.attempts + 1;
  const endpoint = await deps.endpoints.getById(delivery.endpointId);
  const event = await deps.events.getById(delivery.eventId);
  if (endpoint?.status !== 'enabled' || !event) {
    const why = !event ? 'event not found' : !endpoint ? 'endpoint deleted' : 'endpoint disabled';
    await record(
      deps,
      delivery,
      { statusCode: null, error: why, excerpt: null, latencyMs: 0 },
      'failed',
      null,
      now,
      done,
    );
    return finished;
  }
  const body = JSON.stringify(eventView(event));
  const signed = signWebhook({
    id: event.id,
    timestamp: Math.floor(now / 1000),
    body,
    secrets: signingSecrets(endpoint, now),
  });
  const outcome = await post(
    deps,
    endpoint,
    { 'content-type': 'application/json', 'user-agent': 'Bawaba-Webhooks/1', ...signed },
    body,
  );
  const code = outcome.statusCode;
  const log = { deliveryId: delivery.id, endpointId: endpoint.id, eventId: event.id, attempt: attemptNo, status: code };
  if (code !== null && code >= 200 && code < 300) {
    await record(deps, delivery, outcome, 'succeeded', null, deps.clock.now(), done);
    deps.log.debug(log, 'webhook delivered');
    return finished;
  }
  if (code === 410) {
    await record(deps, delivery, outcome, 'failed', null, deps.clock.now());
    await deps.endpoints.update({
      ...endpoint,
      status: 'disabled',
      disabledReason: 'The endpoint answered HTTP 410 Gone.',
      updatedAt: deps.clock.now(),
    });
    deps.log.warn(log, 'webhook endpoint answered 410: disabled');
    return undefined;
  }
  // A refusal by the address policy is final for this delivery (it can be redelivered by hand).
  const delay = outcome.notAllowed ? undefined : webhookDelayBefore(attemptNo + 1);
  const nextAt = delay === undefined ? null : deps.clock.now() + delay;
  const last = nextAt === null ? done : undefined;
  await record(deps, delivery, outcome, nextAt === null ? 'failed' : 'pending', nextAt, deps.clock.now(), last);
  deps.log.info({ ...log, error: outcome.error, nextAt }, 'webhook attempt failed');
  return nextAt === null ? finished : { retryAt: nextAt };
}

function record(
  deps: DeliverDeps,
  delivery: WebhookDelivery,
  outcome: AttemptOutcome,
  status: WebhookDelivery['status'],
  nextAttemptAt: number | null,
  now: number,
  done?: { readonly jobId: string; readonly workerId: string },
): Promise<void> {
  return deps.deliveries.recordAttempt(
    {
      id: deps.ids.next('wha'),
      deliveryId: delivery.id,
      attemptedAt: now,
      statusCode: outcome.statusCode,
      error: outcome.error,
      latencyMs: outcome.latencyMs,
      responseExcerpt: outcome.excerpt,
    },
    {
      status,
      attempts: delivery.attempts + 1,
      nextAttemptAt,
      lastStatusCode: outcome.statusCode,
      updatedAt: now,
    },
    done,
  );
}

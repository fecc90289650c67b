import { Agent } from 'undici';
import type { EmulatorClock } from '../kit/clock.ts';
import {
  createNotificationFaultQueue,
  type NotificationFaultMode,
  type NotificationFaultSpec,
  type QueuedNotificationFault,
} from '../kit/notification-faults.ts';
import type { EntityRegistry, WebhookEndpoint } from './entities.ts';
import type { NotificationEvent, NotificationType, Payment } from './state.ts';
import { webhookEnvelope } from './webhook-envelope.ts';
import { sendWebhook } from './webhook-sender.ts';

/** After 2 s, 10 s, 1 min, 5 min and 30 min: six attempts in all. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 60_000, 300_000, 1_800_000];
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;

export type DeliveryAttempt = { at: string; status_code: number | null; error: string | null; duration_ms: number };

export type DeliveryStatus = 'held' | 'delayed' | 'queued' | 'retry_scheduled' | 'delivered' | 'failed' | 'dropped';

/** One copy of one event for one endpoint, and what became of it. */
export type NotificationRecord = {
  id: number;
  event_id: string;
  event_type: NotificationType;
  payment_id: string;
  entity_id: string;
  url: string;
  /** `duplicate` and `resend` are extra copies of an event already sent. */
  copy: 'original' | 'duplicate' | 'resend';
  fault: NotificationFaultMode | null;
  status: DeliveryStatus;
  delivered: boolean;
  attempts: DeliveryAttempt[];
  next_attempt_at: string | null;
};

/** An event as its webhook body: the exact bytes every copy sends and signs. */
export type StoredEvent = { id: string; type: NotificationType; paymentId: string; entityId: string; body: Buffer };

export type NotifierOptions = {
  entities: EntityRegistry;
  clock: EmulatorClock;
  /** Base of the links inside webhook bodies. */
  baseUrl(): string;
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
};

type Job = { record: NotificationRecord; endpoint: WebhookEndpoint; event: StoredEvent; signal: AbortSignal };
type HeldGroup = { faultId: number; size: number; jobs: Job[][] };

export type Notifier = ReturnType<typeof createNotifier>;

const copyRecord = (r: NotificationRecord): NotificationRecord => ({
  ...r,
  attempts: r.attempts.map((a) => ({ ...a })),
});

/**
 * Turns recorded events into signed webhooks: fault scripting, per-endpoint FIFO sending,
 * retries on real (unref'd) timers. The emulator clock never drives delivery.
 */
export function createNotifier(options: NotifierOptions) {
  const { entities, clock } = options;
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const dispatcher = new Agent({ connect: { timeout: timeoutMs } });
  const faults = createNotificationFaultQueue();
  const events = new Map<string, StoredEvent>();
  let records: NotificationRecord[] = [];
  let held: HeldGroup[] = [];
  const lanes = new Map<string, Promise<void>>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const delayed = new Map<NodeJS.Timeout, () => void>();
  let aborter = new AbortController();
  let nextRecordId = 1;
  let closed = false;

  function later(ms: number, run: () => void, pool: 'retry' | 'delay'): void {
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      delayed.delete(timer);
      run();
    }, ms);
    timer.unref();
    if (pool === 'retry') retryTimers.add(timer);
    else delayed.set(timer, run);
  }

  function newJob(
    event: StoredEvent,
    endpoint: WebhookEndpoint,
    copy: NotificationRecord['copy'],
    fault: NotificationFaultMode | null,
  ): Job {
    const record: NotificationRecord = {
      id: nextRecordId++,
      event_id: event.id,
      event_type: event.type,
      payment_id: event.paymentId,
      entity_id: event.entityId,
      url: endpoint.url,
      copy,
      fault,
      status: 'queued',
      delivered: false,
      attempts: [],
      next_attempt_at: null,
    };
    records.push(record);
    return { record, endpoint: { ...endpoint }, event, signal: aborter.signal };
  }

  async function attempt(job: Job): Promise<void> {
    const entity = entities.get(job.event.entityId);
    if (closed || job.signal.aborted || !entity) return;
    const { record } = job;
    const at = clock.nowIso();
    const started = performance.now();
    const result = await sendWebhook(job.endpoint, job.event.body, entity.webhookSignatureKey, {
      dispatcher,
      timeoutMs,
      signal: job.signal,
    });
    if (closed || job.signal.aborted) return;
    const duration = Math.round(performance.now() - started);
    record.attempts.push({ at, status_code: result.statusCode, error: result.error, duration_ms: duration });
    if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode <= 299) {
      record.status = 'delivered';
      record.delivered = true;
      record.next_attempt_at = null;
      return;
    }
    const delay = retryDelays[record.attempts.length - 1];
    if (delay === undefined) {
      record.status = 'failed';
      record.next_attempt_at = null;
      return;
    }
    record.status = 'retry_scheduled';
    record.next_attempt_at = new Date(clock.now() + delay).toISOString();
    later(delay, () => enqueue(job), 'retry');
  }

  // One lane per endpoint URL: copies go out one at a time, in the order they were released.
  function enqueue(job: Job): void {
    if (closed || job.signal.aborted) return;
    job.record.status = 'queued';
    job.record.next_attempt_at = null;
    const { url } = job.endpoint;
    const next = (lanes.get(url) ?? Promise.resolve()).then(() => attempt(job));
    lanes.set(url, next);
    void next.then(() => {
      if (lanes.get(url) === next) lanes.delete(url);
    });
  }

  function release(group: HeldGroup): void {
    for (const jobs of [...group.jobs].reverse()) for (const job of jobs) enqueue(job);
  }

  function hold(fault: QueuedNotificationFault, jobs: Job[]): void {
    for (const job of jobs) job.record.status = 'held';
    let group = held.find((g) => g.faultId === fault.id);
    if (!group) {
      group = { faultId: fault.id, size: fault.count, jobs: [] };
      held.push(group);
    }
    group.jobs.push(jobs);
    if (group.jobs.length < group.size) return;
    held = held.filter((g) => g !== group);
    release(group);
  }

  function dispatch(event: StoredEvent, endpoints: WebhookEndpoint[]): void {
    const fault = faults.take();
    const mode = fault?.mode ?? null;
    const jobs = endpoints.map((endpoint) => newJob(event, endpoint, 'original', mode));
    if (!fault) {
      for (const job of jobs) enqueue(job);
    } else if (fault.mode === 'duplicate') {
      const copies = endpoints.map((endpoint) => newJob(event, endpoint, 'duplicate', mode));
      for (const [index, job] of jobs.entries()) {
        enqueue(job);
        const copy = copies[index];
        if (copy) enqueue(copy);
      }
    } else if (fault.mode === 'drop') {
      for (const job of jobs) job.record.status = 'dropped';
    } else if (fault.mode === 'delay') {
      const delayMs = fault.delay_ms ?? 0;
      for (const job of jobs) {
        job.record.status = 'delayed';
        job.record.next_attempt_at = new Date(clock.now() + delayMs).toISOString();
      }
      later(delayMs, () => jobs.forEach(enqueue), 'delay');
    } else {
      hold(fault, jobs);
    }
  }

  return {
    /** The `onEvent` listener: builds the webhook body now, sends it later. */
    handle(event: NotificationEvent, payment: Payment): void {
      if (closed) return;
      const body = Buffer.from(JSON.stringify(webhookEnvelope(options.baseUrl(), event, payment)), 'utf8');
      const stored: StoredEvent = {
        id: event.id,
        type: event.type,
        paymentId: payment.id,
        entityId: payment.entityId,
        body,
      };
      events.set(event.id, stored);
      const endpoints = entities.get(payment.entityId)?.webhooks ?? [];
      // An event nobody is subscribed to is not a notification, so it does not use up a fault.
      if (endpoints.length > 0) dispatch(stored, endpoints);
    },
    event: (id: string): StoredEvent | undefined => events.get(id),
    records: (): NotificationRecord[] => records.map(copyRecord),
    addFault: (spec: NotificationFaultSpec): QueuedNotificationFault => faults.add(spec),
    listFaults: (): QueuedNotificationFault[] => faults.list(),
    /** Drops the faults still to apply; a partly collected reorder is sent (reversed) as it is. */
    clearFaults(): void {
      faults.clear();
      const groups = held;
      held = [];
      groups.forEach(release);
    },
    /** Sends everything held by a reorder (reversed) or a delay now; returns how many events. */
    flush(): number {
      let released = 0;
      const groups = held;
      held = [];
      for (const group of groups) {
        // The reorder ends here; otherwise later events would wait for a group that was already sent.
        faults.remove(group.faultId);
        released += group.jobs.length;
        release(group);
      }
      const runs = [...delayed];
      delayed.clear();
      for (const [timer, run] of runs) {
        clearTimeout(timer);
        released += 1;
        run();
      }
      return released;
    },
    /** Sends an event again to every current endpoint of its entity, as the dashboard can. */
    resend(eventId: string): NotificationRecord[] | undefined {
      const event = events.get(eventId);
      if (!event || closed) return undefined;
      const endpoints = entities.get(event.entityId)?.webhooks ?? [];
      const jobs = endpoints.map((endpoint) => newJob(event, endpoint, 'resend', null));
      jobs.forEach(enqueue);
      return jobs.map((job) => copyRecord(job.record));
    },
    reset(): void {
      aborter.abort();
      aborter = new AbortController();
      for (const timer of [...retryTimers, ...delayed.keys()]) clearTimeout(timer);
      retryTimers.clear();
      delayed.clear();
      faults.clear();
      events.clear();
      records = [];
      held = [];
    },
    /** Stops timers and aborts sends in flight; safe to call twice. */
    async close(): Promise<void> {
      closed = true;
      aborter.abort();
      for (const timer of [...retryTimers, ...delayed.keys()]) clearTimeout(timer);
      retryTimers.clear();
      delayed.clear();
      await Promise.allSettled([...lanes.values()]);
      if (!dispatcher.destroyed) await dispatcher.destroy();
    },
  };
}

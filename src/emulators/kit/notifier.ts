import { Agent } from 'undici';
import type { EmulatorClock } from './clock.ts';
import { postNotification } from './http-post.ts';
import {
  createNotificationFaultQueue,
  type NotificationFaultMode,
  type NotificationFaultSpec,
  type QueuedNotificationFault,
} from './notification-faults.ts';

/** After 2 s, 10 s, 1 min, 5 min and 30 min: six attempts in all. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 60_000, 300_000, 1_800_000];
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;

/** Where one copy goes and the headers it carries (signatures are computed by the emulator). */
export type NotificationTarget = { url: string; headers: Record<string, string> };

/** One notification as sent: the exact bytes every copy carries, and where they go. */
export type OutgoingNotification = {
  id: string;
  type: string;
  /** The object it is about (a payment, charge or refund id). */
  subjectId: string;
  body: Buffer;
  targets: NotificationTarget[];
  /** Default POST; with GET the body is only recorded, never sent. */
  method?: 'POST' | 'GET';
};

export type DeliveryAttempt = { at: string; status_code: number | null; error: string | null; duration_ms: number };

export type DeliveryStatus = 'held' | 'delayed' | 'queued' | 'retry_scheduled' | 'delivered' | 'failed' | 'dropped';

/** One copy of one notification for one target, and what became of it. */
export type DeliveryRecord = {
  id: number;
  notification_id: string;
  type: string;
  subject_id: string;
  url: string;
  /** `duplicate` and `resend` are extra copies of a notification already sent. */
  copy: 'original' | 'duplicate' | 'resend';
  fault: NotificationFaultMode | null;
  status: DeliveryStatus;
  delivered: boolean;
  attempts: DeliveryAttempt[];
  next_attempt_at: string | null;
};

export type GenericNotifierOptions = {
  clock: EmulatorClock;
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  /** Called when a copy ends delivered or failed (after its last retry). */
  onSettled?(record: DeliveryRecord): void;
  /**
   * Retries wait on the emulator clock instead of real timers: retry n is due at the first
   * attempt's clock time plus the first n delays, and goes out when `sweepRetries()` runs after
   * the clock passed it (one already due when scheduled goes out at once). Default false.
   */
  retryOnClock?: boolean;
};

type Job = {
  record: DeliveryRecord;
  target: NotificationTarget;
  note: OutgoingNotification;
  signal: AbortSignal;
  /** Emulator time of the first attempt; only used with `retryOnClock`. */
  firstAt?: number;
};
type ClockRetry = { dueAt: number; job: Job };
type HeldGroup = { faultId: number; size: number; jobs: Job[][] };

export type GenericNotifier = ReturnType<typeof createGenericNotifier>;

const copyRecord = (r: DeliveryRecord): DeliveryRecord => ({ ...r, attempts: r.attempts.map((a) => ({ ...a })) });

/**
 * Delivers notifications whatever their format: fault scripting (duplicate, reorder, delay,
 * drop), per-URL FIFO sending, retries on real (unref'd) timers. The emulator clock only dates
 * the records; it never drives delivery, so advancing it cannot flood a receiver.
 */
export function createGenericNotifier(options: GenericNotifierOptions) {
  const { clock } = options;
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const dispatcher = new Agent({ connect: { timeout: timeoutMs } });
  const faults = createNotificationFaultQueue();
  const sent = new Map<string, OutgoingNotification>();
  let records: DeliveryRecord[] = [];
  let held: HeldGroup[] = [];
  const lanes = new Map<string, Promise<void>>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const delayed = new Map<NodeJS.Timeout, () => void>();
  let aborter = new AbortController();
  let clockRetries: ClockRetry[] = [];
  let nextRecordId = 1;
  let closed = false;

  function scheduleOnClock(job: Job): void {
    const firstAt = job.firstAt ?? clock.now();
    let dueAt = firstAt;
    for (const wait of retryDelays.slice(0, job.record.attempts.length)) dueAt += wait;
    job.record.status = 'retry_scheduled';
    job.record.next_attempt_at = new Date(dueAt).toISOString();
    if (dueAt <= clock.now()) enqueue(job);
    else clockRetries.push({ dueAt, job });
  }

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
    note: OutgoingNotification,
    target: NotificationTarget,
    copy: DeliveryRecord['copy'],
    fault: NotificationFaultMode | null,
  ): Job {
    const record: DeliveryRecord = {
      id: nextRecordId++,
      notification_id: note.id,
      type: note.type,
      subject_id: note.subjectId,
      url: target.url,
      copy,
      fault,
      status: 'queued',
      delivered: false,
      attempts: [],
      next_attempt_at: null,
    };
    records.push(record);
    return { record, target, note, signal: aborter.signal };
  }

  function settled(record: DeliveryRecord): void {
    try {
      options.onSettled?.(copyRecord(record));
    } catch {
      // A faulty listener must not stop deliveries.
    }
  }

  async function attempt(job: Job): Promise<void> {
    if (closed || job.signal.aborted) return;
    const { record } = job;
    const at = clock.nowIso();
    job.firstAt ??= clock.now();
    const started = performance.now();
    const result = await postNotification(job.target.url, job.target.headers, job.note.body, {
      dispatcher,
      timeoutMs,
      signal: job.signal,
      ...(job.note.method !== undefined && { method: job.note.method }),
    });
    if (closed || job.signal.aborted) return;
    const duration = Math.round(performance.now() - started);
    record.attempts.push({ at, status_code: result.statusCode, error: result.error, duration_ms: duration });
    if (result.statusCode !== null && result.statusCode >= 200 && result.statusCode <= 299) {
      record.status = 'delivered';
      record.delivered = true;
      record.next_attempt_at = null;
      settled(record);
      return;
    }
    const delay = retryDelays[record.attempts.length - 1];
    if (delay === undefined) {
      record.status = 'failed';
      record.next_attempt_at = null;
      settled(record);
      return;
    }
    if (options.retryOnClock) return scheduleOnClock(job);
    record.status = 'retry_scheduled';
    record.next_attempt_at = new Date(clock.now() + delay).toISOString();
    later(delay, () => enqueue(job), 'retry');
  }

  // One lane per URL: copies go out one at a time, in the order they were released.
  function enqueue(job: Job): void {
    if (closed || job.signal.aborted) return;
    job.record.status = 'queued';
    job.record.next_attempt_at = null;
    const { url } = job.target;
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

  function dispatch(note: OutgoingNotification): void {
    const fault = faults.take();
    const mode = fault?.mode ?? null;
    const jobs = note.targets.map((target) => newJob(note, target, 'original', mode));
    if (!fault) {
      for (const job of jobs) enqueue(job);
    } else if (fault.mode === 'duplicate') {
      const copies = note.targets.map((target) => newJob(note, target, 'duplicate', mode));
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
    /** Records the notification and sends it to its targets; one without targets is only stored. */
    send(note: OutgoingNotification): void {
      if (closed) return;
      sent.set(note.id, note);
      // Nothing to deliver is not a notification, so it does not use up a fault.
      if (note.targets.length > 0) dispatch(note);
    },
    notification: (id: string): OutgoingNotification | undefined => sent.get(id),
    records: (): DeliveryRecord[] => records.map(copyRecord),
    addFault: (spec: NotificationFaultSpec): QueuedNotificationFault => faults.add(spec),
    listFaults: (): QueuedNotificationFault[] => faults.list(),
    /** Drops the faults still to apply; a partly collected reorder is sent (reversed) as it is. */
    clearFaults(): void {
      faults.clear();
      const groups = held;
      held = [];
      groups.forEach(release);
    },
    /** Sends everything held by a reorder (reversed) or a delay now; returns how many notifications. */
    flush(): number {
      let released = 0;
      const groups = held;
      held = [];
      for (const group of groups) {
        // The reorder ends here; otherwise later notifications would wait for a group already sent.
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
    /** With `retryOnClock`: sends the retries the emulator clock has reached; returns how many. */
    sweepRetries(): number {
      const now = clock.now();
      const due = clockRetries.filter((r) => r.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
      clockRetries = clockRetries.filter((r) => r.dueAt > now);
      for (const { job } of due) enqueue(job);
      return due.length;
    },
    /**
     * Sends a notification again (same bytes) to its targets, or to `targets` when given (a
     * dashboard resends to the endpoints configured now).
     */
    resend(id: string, targets?: (note: OutgoingNotification) => NotificationTarget[]): DeliveryRecord[] | undefined {
      const note = sent.get(id);
      if (!note || closed) return undefined;
      const jobs = (targets?.(note) ?? note.targets).map((target) => newJob(note, target, 'resend', null));
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
      sent.clear();
      records = [];
      held = [];
      clockRetries = [];
    },
    /** Stops timers and aborts sends in flight; safe to call twice. */
    async close(): Promise<void> {
      closed = true;
      aborter.abort();
      for (const timer of [...retryTimers, ...delayed.keys()]) clearTimeout(timer);
      retryTimers.clear();
      delayed.clear();
      clockRetries = [];
      await Promise.allSettled([...lanes.values()]);
      if (!dispatcher.destroyed) await dispatcher.destroy();
    },
  };
}

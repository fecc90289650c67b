/**
 * The emulators' notification sender: per-payment lanes that keep one payment's notifications in
 * order, retries on the provider's schedule (real time or the emulator's clock), scripted faults,
 * and the record of every attempt the control API shows.
 *
 * Longer than 300 lines: lanes, retries and faults act on the same delivery record; split, each
 * part would reach into the others' state.
 */
import { Agent } from 'undici';
import type { EmulatorClock } from './clock.ts';
import { AttemptDeadlines, PostAttempt } from './http-post.ts';
import {
  createNotificationFaultQueue,
  type NotificationFaultMode,
  type NotificationFaultSpec,
  type QueuedNotificationFault,
} from './notification-faults.ts';

/** After 2 s, 10 s, 1 min, 5 min and 30 min: six attempts in all. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 60_000, 300_000, 1_800_000];
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000;
/** Copies in flight to one URL at most (each payment's still go one at a time). */
export const DEFAULT_MAX_IN_FLIGHT_PER_URL = 32;

/** Where one copy goes and the headers it carries (signatures are computed by the emulator). */
export type NotificationTarget = { url: string; headers: Record<string, string> };

/** One notification as sent: the exact bytes every copy carries, and where they go. */
export type OutgoingNotification = {
  id: string;
  type: string;
  /** The object it is about (a payment, charge or refund id). */
  subjectId: string;
  /**
   * Copies to one URL with the same key go out one at a time, in the order they were released;
   * copies with different keys go out side by side. Default `subjectId`. A refund gives its
   * payment's id, so that its notifications never overtake the payment's own.
   */
  sequenceKey?: string;
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

/** How an emulator's notifications are retried and paced; each unset one takes the default. */
export type NotifierTuning = {
  retryDelaysMs?: readonly number[];
  timeoutMs?: number;
  /**
   * Copies in flight to one URL at most (default 32). Copies with the same sequence key (one
   * payment's) always go one at a time, the next after the receiver answered the last.
   */
  maxInFlightPerUrl?: number;
};

export type GenericNotifierOptions = NotifierTuning & {
  clock: EmulatorClock;
  /** Called when a copy about `subjectId` ends delivered or failed (after its last retry). */
  onSettled?(subjectId: string, delivered: boolean): void;
  /**
   * Retries wait on the emulator clock instead of real timers: retry n is due at the first
   * attempt's clock time plus the first n delays, and goes out when `sweepRetries()` runs after
   * the clock passed it (one already due when scheduled goes out at once). Default false.
   */
  retryOnClock?: boolean;
};

type Attempt = { atMs: number; statusCode: number | null; error: string | null; durationMs: number };

/** One copy for one target: its record (times kept as numbers until someone reads them) and its place in line. */
type Copy = {
  id: number;
  note: OutgoingNotification;
  target: NotificationTarget;
  copy: DeliveryRecord['copy'];
  fault: NotificationFaultMode | null;
  status: DeliveryStatus;
  delivered: boolean;
  /** Attempts made so far. The first is kept in the copy itself (most copies need no other). */
  tries: number;
  firstStatusCode: number | null;
  firstError: string | null;
  firstDurationMs: number;
  /** The attempts after the first. */
  retries: Attempt[] | null;
  nextAttemptAt: number | null;
  /** `reset()` ends every copy of an earlier generation. */
  generation: number;
  /** Emulator time of the first attempt. */
  firstAt: number | undefined;
  /** Its line on the URL: the note's sequence key. */
  key: string;
  /** While released by a reorder: the group's line, so the group goes out in its scripted order. */
  chain: string | null;
  /** Waiting for a free slot or being sent. */
  scheduled: boolean;
};

/**
 * The copies for one URL. Each key has a line (copies in release order; the first is being sent
 * or is next); a copy goes when it is first in every line it is in and a slot is free.
 */
type Lane = {
  url: string;
  active: number;
  ready: Copy[];
  readyHead: number;
  lines: Map<string, Copy[]>;
  /** Left behind by `reset()` or `close()`: nothing more starts from it. */
  dead: boolean;
};

type ClockRetry = { dueAt: number; copy: Copy };
type HeldGroup = { faultId: number; size: number; copies: Copy[][] };

export type GenericNotifier = ReturnType<typeof createGenericNotifier>;

const iso = (ms: number): string => new Date(ms).toISOString();

const attemptView = (a: Attempt): DeliveryAttempt => ({
  at: iso(a.atMs),
  status_code: a.statusCode,
  error: a.error,
  duration_ms: a.durationMs,
});

function attemptsOf(c: Copy): DeliveryAttempt[] {
  if (c.tries === 0) return [];
  const first = {
    at: iso(c.firstAt ?? 0),
    status_code: c.firstStatusCode,
    error: c.firstError,
    duration_ms: c.firstDurationMs,
  };
  return c.retries === null ? [first] : [first, ...c.retries.map(attemptView)];
}

function recordOf(c: Copy): DeliveryRecord {
  return {
    id: c.id,
    notification_id: c.note.id,
    type: c.note.type,
    subject_id: c.note.subjectId,
    url: c.target.url,
    copy: c.copy,
    fault: c.fault,
    status: c.status,
    delivered: c.delivered,
    attempts: attemptsOf(c),
    next_attempt_at: c.nextAttemptAt === null ? null : iso(c.nextAttemptAt),
  };
}

/**
 * Delivers notifications whatever their format: fault scripting (duplicate, reorder, delay,
 * drop), retries on real (unref'd) timers or on the emulator clock. Per URL, one payment's copies
 * go one at a time in order while different payments' go side by side (a bounded number in
 * flight). The emulator clock only dates the records and, with `retryOnClock`, decides when a
 * retry is due; it never sends by itself, so advancing it cannot flood a receiver.
 */
export function createGenericNotifier(options: GenericNotifierOptions) {
  const { clock } = options;
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_ATTEMPT_TIMEOUT_MS;
  const maxInFlight = options.maxInFlightPerUrl ?? DEFAULT_MAX_IN_FLIGHT_PER_URL;
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) {
    throw new RangeError('maxInFlightPerUrl must be a positive integer');
  }
  const dispatcher = new Agent({ connect: { timeout: timeoutMs } });
  const postOptionsOf = { POST: { dispatcher }, GET: { dispatcher, method: 'GET' as const } };
  const postOptions = (note: OutgoingNotification) => postOptionsOf[note.method ?? 'POST'];
  const deadlines = new AttemptDeadlines(timeoutMs);
  const faults = createNotificationFaultQueue();
  const sent = new Map<string, OutgoingNotification>();
  let records: Copy[] = [];
  let held: HeldGroup[] = [];
  let lanes = new Map<string, Lane>();
  const inFlight = new Set<PostAttempt>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const delayed = new Map<NodeJS.Timeout, () => void>();
  let generation = 0;
  let clockRetries: ClockRetry[] = [];
  let nextRecordId = 1;
  let closed = false;

  function settled(c: Copy): void {
    if (!options.onSettled) return;
    try {
      options.onSettled(c.note.subjectId, c.delivered);
    } catch {
      // A faulty listener must not stop deliveries.
    }
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

  function scheduleOnClock(c: Copy): void {
    let dueAt = c.firstAt ?? clock.now();
    for (let i = 0; i < c.tries && i < retryDelays.length; i++) dueAt += retryDelays[i] as number;
    c.status = 'retry_scheduled';
    c.nextAttemptAt = dueAt;
    if (dueAt <= clock.now()) enqueue(c);
    else clockRetries.push({ dueAt, copy: c });
  }

  /** What the receiver's answer (or its absence) means for the copy: delivered, retried or failed. */
  function recordAttempt(c: Copy, atMs: number, startedAt: number, statusCode: number | null, error: string | null) {
    const durationMs = Math.round(performance.now() - startedAt);
    if (c.tries === 0) {
      c.firstStatusCode = statusCode;
      c.firstError = error;
      c.firstDurationMs = durationMs;
    } else {
      c.retries ??= [];
      c.retries.push({ atMs, statusCode, error, durationMs });
    }
    c.tries++;
    if (statusCode !== null && statusCode >= 200 && statusCode <= 299) {
      c.status = 'delivered';
      c.delivered = true;
      c.nextAttemptAt = null;
      settled(c);
      return;
    }
    const delay = retryDelays[c.tries - 1];
    if (delay === undefined) {
      c.status = 'failed';
      c.nextAttemptAt = null;
      settled(c);
      return;
    }
    if (options.retryOnClock) return scheduleOnClock(c);
    c.status = 'retry_scheduled';
    c.nextAttemptAt = clock.now() + delay;
    later(delay, () => enqueue(c), 'retry');
  }

  // --- Lines and slots ------------------------------------------------------------------------

  const first = (lane: Lane, key: string): Copy | undefined => lane.lines.get(key)?.[0];
  const isFirst = (lane: Lane, c: Copy): boolean =>
    first(lane, c.key) === c && (c.chain === null || first(lane, c.chain) === c);

  function join(lane: Lane, key: string, c: Copy): void {
    const line = lane.lines.get(key);
    if (line) line.push(c);
    else lane.lines.set(key, [c]);
  }

  function leave(lane: Lane, key: string): Copy | undefined {
    const line = lane.lines.get(key);
    if (!line) return undefined;
    line.shift();
    if (line.length === 0) {
      lane.lines.delete(key);
      return undefined;
    }
    return line[0];
  }

  /** A copy first in its lines: it starts if a slot is free and nobody waits for one, else it waits. */
  function schedule(lane: Lane, c: Copy): void {
    c.scheduled = true;
    if (lane.active < maxInFlight && lane.readyHead === lane.ready.length) start(lane, c);
    else lane.ready.push(c);
  }

  function pump(lane: Lane): void {
    while (lane.active < maxInFlight && lane.readyHead < lane.ready.length) {
      const next = lane.ready[lane.readyHead] as Copy;
      lane.ready[lane.readyHead++] = undefined as unknown as Copy;
      start(lane, next);
    }
    if (lane.readyHead === lane.ready.length) {
      lane.ready = [];
      lane.readyHead = 0;
    } else if (lane.readyHead > 1024 && lane.readyHead * 2 > lane.ready.length) {
      lane.ready = lane.ready.slice(lane.readyHead);
      lane.readyHead = 0;
    }
    if (lane.active === 0 && lane.lines.size === 0 && lanes.get(lane.url) === lane) lanes.delete(lane.url);
  }

  function start(lane: Lane, c: Copy): void {
    lane.active++;
    const atMs = clock.now();
    c.firstAt ??= atMs;
    const startedAt = performance.now();
    const { target, note } = c;
    const attempt: PostAttempt = new PostAttempt(target.url, target.headers, note.body, postOptions(note), (result) => {
      inFlight.delete(attempt);
      finish(lane, c);
      if (closed || c.generation !== generation) return;
      recordAttempt(c, atMs, startedAt, result.statusCode, result.error);
    });
    deadlines.add(attempt);
    if (!attempt.settled) inFlight.add(attempt);
  }

  /** The copy was answered (or gave up): the next in its lines may go. */
  function finish(lane: Lane, c: Copy): void {
    lane.active--;
    c.scheduled = false;
    if (lane.dead) return;
    const next = leave(lane, c.key);
    if (next && !next.scheduled && isFirst(lane, next)) schedule(lane, next);
    if (c.chain !== null) {
      const nextInChain = leave(lane, c.chain);
      c.chain = null;
      if (nextInChain && !nextInChain.scheduled && isFirst(lane, nextInChain)) schedule(lane, nextInChain);
    }
    pump(lane);
  }

  function enqueue(c: Copy): void {
    if (closed || c.generation !== generation) return;
    c.status = 'queued';
    c.nextAttemptAt = null;
    const { url } = c.target;
    let lane = lanes.get(url);
    if (!lane) {
      lane = { url, active: 0, ready: [], readyHead: 0, lines: new Map(), dead: false };
      lanes.set(url, lane);
    }
    join(lane, c.key, c);
    if (c.chain !== null) join(lane, c.chain, c);
    if (isFirst(lane, c)) schedule(lane, c);
  }

  // --- Faults ---------------------------------------------------------------------------------

  function newCopy(
    note: OutgoingNotification,
    target: NotificationTarget,
    copy: DeliveryRecord['copy'],
    fault: NotificationFaultMode | null,
  ): Copy {
    const c: Copy = {
      id: nextRecordId++,
      note,
      target,
      copy,
      fault,
      status: 'queued',
      delivered: false,
      tries: 0,
      firstStatusCode: null,
      firstError: null,
      firstDurationMs: 0,
      retries: null,
      nextAttemptAt: null,
      generation,
      firstAt: undefined,
      key: note.sequenceKey ?? note.subjectId,
      chain: null,
      scheduled: false,
    };
    records.push(c);
    return c;
  }

  /** A reorder group goes out newest first, each copy after the one before it was answered. */
  function release(group: HeldGroup): void {
    const chain = `\0reorder ${group.faultId}`;
    for (let i = group.copies.length - 1; i >= 0; i--) {
      for (const c of group.copies[i] as Copy[]) {
        c.chain = chain;
        enqueue(c);
      }
    }
  }

  function hold(fault: QueuedNotificationFault, copies: Copy[]): void {
    for (const c of copies) c.status = 'held';
    let group = held.find((g) => g.faultId === fault.id);
    if (!group) {
      group = { faultId: fault.id, size: fault.count, copies: [] };
      held.push(group);
    }
    group.copies.push(copies);
    if (group.copies.length < group.size) return;
    held = held.filter((g) => g !== group);
    release(group);
  }

  function dispatch(note: OutgoingNotification): void {
    const fault = faults.take();
    if (!fault) {
      for (const target of note.targets) enqueue(newCopy(note, target, 'original', null));
      return;
    }
    const { mode } = fault;
    const copies = note.targets.map((target) => newCopy(note, target, 'original', mode));
    if (mode === 'duplicate') {
      const duplicates = note.targets.map((target) => newCopy(note, target, 'duplicate', mode));
      for (const [index, c] of copies.entries()) {
        enqueue(c);
        const duplicate = duplicates[index];
        if (duplicate) enqueue(duplicate);
      }
    } else if (mode === 'drop') {
      for (const c of copies) c.status = 'dropped';
    } else if (mode === 'delay') {
      const delayMs = fault.delay_ms ?? 0;
      for (const c of copies) {
        c.status = 'delayed';
        c.nextAttemptAt = clock.now() + delayMs;
      }
      later(delayMs, () => copies.forEach(enqueue), 'delay');
    } else {
      hold(fault, copies);
    }
  }

  /** Ends everything under way: in-flight sends are aborted and nothing queued starts any more. */
  function abandonLanes(): void {
    for (const lane of lanes.values()) lane.dead = true;
    lanes = new Map();
    for (const attempt of [...inFlight]) attempt.abort('aborted');
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
    records: (): DeliveryRecord[] => records.map(recordOf),
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
        released += group.copies.length;
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
      for (const { copy } of due) enqueue(copy);
      return due.length;
    },
    /**
     * Sends a notification again (same bytes) to its targets, or to `targets` when given (a
     * dashboard resends to the endpoints configured now).
     */
    resend(id: string, targets?: (note: OutgoingNotification) => NotificationTarget[]): DeliveryRecord[] | undefined {
      const note = sent.get(id);
      if (!note || closed) return undefined;
      const copies = (targets?.(note) ?? note.targets).map((target) => newCopy(note, target, 'resend', null));
      copies.forEach(enqueue);
      return copies.map(recordOf);
    },
    reset(): void {
      generation++;
      abandonLanes();
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
      const attempts = [...inFlight].map((attempt) => attempt.done);
      abandonLanes();
      for (const timer of [...retryTimers, ...delayed.keys()]) clearTimeout(timer);
      retryTimers.clear();
      delayed.clear();
      clockRetries = [];
      await Promise.allSettled(attempts);
      deadlines.clear();
      if (!dispatcher.destroyed) await dispatcher.destroy();
    },
  };
}

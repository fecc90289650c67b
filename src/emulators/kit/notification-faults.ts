export const NOTIFICATION_FAULT_MODES = ['duplicate', 'reorder', 'delay', 'drop'] as const;
export type NotificationFaultMode = (typeof NOTIFICATION_FAULT_MODES)[number];

export const DEFAULT_NOTIFICATION_DELAY_MS = 2000;

export type NotificationFaultSpec = { mode: NotificationFaultMode; count?: number; delayMs?: number };

export type QueuedNotificationFault = {
  id: number;
  mode: NotificationFaultMode;
  /** How many notifications it applies to in all; a reorder holds this many before sending them. */
  count: number;
  remaining: number;
  /** Only for `delay`. */
  delay_ms: number | null;
};

export type NotificationFaultQueue = ReturnType<typeof createNotificationFaultQueue>;

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
const isDelay = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** Faults for the next notifications, applied in the order they were added. */
export function createNotificationFaultQueue() {
  let queue: QueuedNotificationFault[] = [];
  let nextId = 1;
  return {
    add(spec: NotificationFaultSpec): QueuedNotificationFault {
      if (!NOTIFICATION_FAULT_MODES.includes(spec.mode)) throw new RangeError(`unknown mode: ${String(spec.mode)}`);
      if (spec.count !== undefined && !isCount(spec.count)) throw new RangeError('count must be a positive integer');
      if (spec.delayMs !== undefined && !isDelay(spec.delayMs)) {
        throw new RangeError('delayMs must be a non-negative integer');
      }
      const count = spec.count ?? 1;
      const fault: QueuedNotificationFault = {
        id: nextId++,
        mode: spec.mode,
        count,
        remaining: count,
        delay_ms: spec.mode === 'delay' ? (spec.delayMs ?? DEFAULT_NOTIFICATION_DELAY_MS) : null,
      };
      queue.push(fault);
      return { ...fault };
    },
    list: (): QueuedNotificationFault[] => queue.map((fault) => ({ ...fault })),
    clear(): void {
      queue = [];
    },
    remove(id: number): void {
      queue = queue.filter((fault) => fault.id !== id);
    },
    /** Consumes one use of the oldest fault. */
    take(): QueuedNotificationFault | undefined {
      const fault = queue[0];
      if (!fault) return undefined;
      fault.remaining -= 1;
      if (fault.remaining <= 0) queue = queue.slice(1);
      return { ...fault };
    },
  };
}

export type ParsedNotificationFault = { ok: true; spec: NotificationFaultSpec } | { ok: false; error: string };

/** Validates a control-API body `{mode, count?, delay_ms?}`. */
export function parseNotificationFault(body: unknown): ParsedNotificationFault {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, error: 'body must be a JSON object' };
  }
  const { mode, count, delay_ms: delayMs } = body as Record<string, unknown>;
  if (!NOTIFICATION_FAULT_MODES.includes(mode as NotificationFaultMode)) {
    return { ok: false, error: `mode must be one of ${NOTIFICATION_FAULT_MODES.join(', ')}` };
  }
  if (count !== undefined && !isCount(count)) return { ok: false, error: 'count must be a positive integer' };
  if (delayMs !== undefined && !isDelay(delayMs))
    return { ok: false, error: 'delay_ms must be a non-negative integer' };
  const spec: NotificationFaultSpec = { mode: mode as NotificationFaultMode };
  if (count !== undefined) spec.count = count;
  if (delayMs !== undefined) spec.delayMs = delayMs;
  return { ok: true, spec };
}

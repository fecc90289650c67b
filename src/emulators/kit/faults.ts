import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const FAULT_KINDS = ['timeout', 'server_error', 'malformed', 'slow', 'reset'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export type FaultSpec = {
  kind: FaultKind;
  count?: number;
  delayMs?: number;
  /** An operation name from the emulator's classifier, or 'any'. */
  match?: string;
};

export type QueuedFault = {
  id: number;
  kind: FaultKind;
  remaining: number;
  delayMs: number;
  match: string;
};

export type FaultQueue = {
  add(spec: FaultSpec): QueuedFault;
  /** How many faults are queued (0: requests need not be classified at all). */
  size(): number;
  list(): QueuedFault[];
  clear(): void;
  /** Consumes one use of the first queued fault that matches `operation`. */
  take(operation: string): QueuedFault | undefined;
};

export const DEFAULT_SLOW_DELAY_MS = 3000;

export function createFaultQueue(): FaultQueue {
  let queue: QueuedFault[] = [];
  let nextId = 1;
  return {
    add(spec) {
      const fault: QueuedFault = {
        id: nextId++,
        kind: spec.kind,
        remaining: spec.count ?? 1,
        delayMs: spec.delayMs ?? DEFAULT_SLOW_DELAY_MS,
        match: spec.match ?? 'any',
      };
      queue.push(fault);
      return { ...fault };
    },
    size: () => queue.length,
    list: () => queue.map((fault) => ({ ...fault })),
    clear() {
      queue = [];
    },
    take(operation) {
      const fault = queue.find((f) => f.match === 'any' || f.match === operation);
      if (!fault) return undefined;
      fault.remaining -= 1;
      if (fault.remaining <= 0) queue = queue.filter((f) => f !== fault);
      return { ...fault };
    },
  };
}

export type ParsedFault = { ok: true; spec: FaultSpec } | { ok: false; error: string };

function isNonNegativeInt(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Validates a control-API body `{kind, count?, delay_ms?, match?}`. */
export function parseFaultSpec(body: unknown, operations: readonly string[]): ParsedFault {
  if (typeof body !== 'object' || body === null) return { ok: false, error: 'body must be a JSON object' };
  const { kind, count, delay_ms: delayMs, match } = body as Record<string, unknown>;
  if (!FAULT_KINDS.includes(kind as FaultKind)) {
    return { ok: false, error: `kind must be one of ${FAULT_KINDS.join(', ')}` };
  }
  if (count !== undefined && (!isNonNegativeInt(count) || count < 1)) {
    return { ok: false, error: 'count must be a positive integer' };
  }
  if (delayMs !== undefined && !isNonNegativeInt(delayMs)) {
    return { ok: false, error: 'delay_ms must be a non-negative integer' };
  }
  const matches = ['any', ...operations];
  if (match !== undefined && !matches.includes(match as string)) {
    return { ok: false, error: `match must be one of ${matches.join(', ')}` };
  }
  const spec: FaultSpec = { kind: kind as FaultKind };
  if (count !== undefined) spec.count = count;
  if (delayMs !== undefined) spec.delayMs = delayMs;
  if (match !== undefined) spec.match = match as string;
  return { ok: true, spec };
}

export type FaultHookOptions = {
  queue: FaultQueue;
  /** Operation name for requests that faults may hit, or null to leave the request alone. */
  classify(request: FastifyRequest): string | null;
};

const BAD_GATEWAY_HTML = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx</center>
</body>
</html>
`;

type OnSendDone = (err: Error | null, payload?: unknown) => void;

function payloadText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return '';
}

function truncate(payload: unknown): string {
  const text = payloadText(payload);
  // An empty answer cut in half is still valid-looking; emit a dangling JSON opener instead.
  if (text.length < 2) return '{"';
  return text.slice(0, Math.floor(text.length / 2));
}

/**
 * Registers hooks that apply queued faults to the requests `classify` selects.
 * Faults that model "not processed" act before the handler; the others act on the answer.
 * Held sockets and pending delays are released on close so `app.close()` never hangs.
 */
export function installFaults(app: FastifyInstance, options: FaultHookOptions): void {
  const active = new WeakMap<FastifyRequest, QueuedFault>();
  let activeCount = 0;
  const heldSockets = new Set<Socket>();
  const pendingDelays = new Map<NodeJS.Timeout, () => void>();

  // Callback-style hooks: no promise per request, and nothing at all while no fault is queued.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    if (options.queue.size() === 0) return done();
    const operation = options.classify(request);
    if (operation === null) return done();
    const fault = options.queue.take(operation);
    if (!fault) return done();
    if (fault.kind === 'server_error') {
      reply.code(502).header('content-type', 'text/html').send(BAD_GATEWAY_HTML);
      return;
    }
    if (fault.kind === 'reset') {
      reply.hijack();
      request.raw.socket?.destroy();
      return;
    }
    active.set(request, fault);
    activeCount++;
    done();
  });

  app.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: OnSendDone) => {
    if (!activeCount) return done(null, payload);
    const fault = active.get(request);
    if (!fault) return done(null, payload);
    active.delete(request);
    activeCount--;
    if (fault.kind === 'timeout') {
      // Never calling done() keeps the answer unsent; the socket is freed when the client gives up.
      const socket = request.raw.socket;
      heldSockets.add(socket);
      socket.once('close', () => heldSockets.delete(socket));
      return;
    }
    if (fault.kind === 'malformed') {
      if (reply.statusCode < 200 || reply.statusCode > 299) reply.code(200);
      reply.header('content-type', 'application/json; charset=utf-8');
      return done(null, truncate(payload));
    }
    const release = () => {
      pendingDelays.delete(timer);
      done(null, payload);
    };
    const timer = setTimeout(release, fault.delayMs);
    pendingDelays.set(timer, release);
  });

  app.addHook('preClose', async () => {
    for (const socket of heldSockets) socket.destroy();
    heldSockets.clear();
    for (const [timer, release] of pendingDelays) {
      clearTimeout(timer);
      release();
    }
  });
}

import type { Dispatcher } from 'undici';

export type PostResult = { statusCode: number; error: null } | { statusCode: null; error: string };

/** Where a notification URL points, parsed once per URL rather than once per attempt. */
export type ParsedTarget = { origin: string; path: string };

const parsedTargets = new Map<string, ParsedTarget>();
const MAX_PARSED_TARGETS = 10_000;

export function parseTarget(url: string): ParsedTarget {
  let parsed = parsedTargets.get(url);
  if (parsed) return parsed;
  const { origin, pathname, search } = new URL(url);
  parsed = { origin, path: `${pathname}${search}` };
  // Per-order URLs (a callback with the order's id) would otherwise grow this without end.
  if (parsedTargets.size >= MAX_PARSED_TARGETS) parsedTargets.clear();
  parsedTargets.set(url, parsed);
  return parsed;
}

export type PostOptions = {
  dispatcher: Dispatcher;
  /** Default POST; a GET (e.g. Qattah's `?order_id=` callback) carries no body. */
  method?: 'POST' | 'GET';
};

type Controller = Parameters<NonNullable<Dispatcher.DispatchHandler['onRequestStart']>>[0];

function errorText(err: unknown): string {
  const { code, message } = err as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? `${code}: ${String(message)}` : String(message);
}

/**
 * One delivery attempt of a notification body to one URL. Only the status counts; the answer's
 * body is read and dropped so the connection can be reused. Settles once, with the answer, an
 * error, a timeout (`timeout after N ms`, enforced by the {@link AttemptDeadlines} it is given to)
 * or an abort; never rejects.
 */
export class PostAttempt implements Dispatcher.DispatchHandler {
  readonly done: Promise<PostResult>;
  /** `performance.now()` after which it is aborted as timed out. */
  deadline = 0;
  settled = false;
  private resolve!: (result: PostResult) => void;
  private controller: Controller | null = null;
  private abortReason: Error | null = null;
  private statusCode = 0;

  constructor(url: string, headers: Record<string, string>, body: Buffer, options: PostOptions) {
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
    const method = options.method ?? 'POST';
    const { origin, path } = parseTarget(url);
    try {
      options.dispatcher.dispatch({ origin, path, method, headers, ...(method === 'POST' && { body }) }, this);
    } catch (err) {
      this.finish({ statusCode: null, error: errorText(err) });
    }
  }

  /** Ends the attempt now with `reason` as its error, and cancels the request where it is. */
  abort(reason: string): void {
    if (this.settled) return;
    this.abortReason = new Error(reason);
    this.controller?.abort(this.abortReason);
    this.finish({ statusCode: null, error: reason });
  }

  onRequestStart(controller: Controller): void {
    this.controller = controller;
    // Aborted while still queued in the dispatcher: cancel as soon as it starts.
    if (this.abortReason) controller.abort(this.abortReason);
  }

  onResponseStart(_controller: Controller, statusCode: number): void {
    this.statusCode = statusCode;
  }

  onResponseData(): void {}

  onResponseEnd(): void {
    this.finish({ statusCode: this.statusCode, error: null });
  }

  onResponseError(_controller: Controller, err: Error): void {
    this.finish({ statusCode: null, error: errorText(err) });
  }

  private finish(result: PostResult): void {
    if (this.settled) return;
    this.settled = true;
    this.resolve(result);
  }
}

/**
 * Times attempts out with one timer for all of them: every attempt gets the same limit, so they
 * fall due in the order they started, and only the oldest unsettled one needs a timer.
 */
export class AttemptDeadlines {
  private queue: PostAttempt[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  add(attempt: PostAttempt): void {
    attempt.deadline = performance.now() + this.timeoutMs;
    this.queue.push(attempt);
    if (this.timer === null) this.arm();
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
    this.head = 0;
  }

  private arm(): void {
    while (this.head < this.queue.length && (this.queue[this.head] as PostAttempt).settled) this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const next = this.queue[this.head];
    if (!next) {
      this.queue = [];
      this.head = 0;
      this.timer = null;
      return;
    }
    this.timer = setTimeout(() => this.expire(), Math.max(0, next.deadline - performance.now()));
    this.timer.unref();
  }

  private expire(): void {
    const now = performance.now();
    while (this.head < this.queue.length) {
      const attempt = this.queue[this.head] as PostAttempt;
      if (!attempt.settled && attempt.deadline > now) break;
      attempt.abort(`timeout after ${this.timeoutMs} ms`);
      this.head++;
    }
    this.arm();
  }
}

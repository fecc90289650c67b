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
 * or an abort, and then calls `onDone` (in a microtask); never throws. Once settled it lets go of
 * the request and leaves the deadlines' list, so it and what the HTTP client kept for it are
 * garbage at once, not kept until its timeout would have come.
 */
export class PostAttempt implements Dispatcher.DispatchHandler {
  /** `performance.now()` after which it is aborted as timed out. */
  deadline = 0;
  settled = false;
  /** Its neighbours in the {@link AttemptDeadlines} list while it is unsettled. */
  prev: PostAttempt | null = null;
  next: PostAttempt | null = null;
  deadlines: AttemptDeadlines | null = null;
  private onDone: ((result: PostResult) => void) | null;
  private waiters: ((result: PostResult) => void)[] | null = null;
  private result: PostResult | null = null;
  private controller: Controller | null = null;
  private abortReason: Error | null = null;
  private statusCode = 0;

  constructor(
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    options: PostOptions,
    onDone: (result: PostResult) => void,
  ) {
    this.onDone = onDone;
    const method = options.method ?? 'POST';
    const { origin, path } = parseTarget(url);
    try {
      options.dispatcher.dispatch(
        method === 'POST' ? { origin, path, method, headers, body } : { origin, path, method, headers },
        this,
      );
    } catch (err) {
      this.finish({ statusCode: null, error: errorText(err) });
    }
  }

  /** Resolves with the attempt's result once it settled. */
  get done(): Promise<PostResult> {
    if (this.result) return Promise.resolve(this.result);
    return new Promise((resolve) => {
      this.waiters ??= [];
      this.waiters.push(resolve);
    });
  }

  /** Ends the attempt now with `reason` as its error, and cancels the request where it is. */
  abort(reason: string): void {
    if (this.settled) return;
    this.abortReason = new Error(reason);
    this.controller?.abort(this.abortReason);
    this.finish({ statusCode: null, error: reason });
  }

  onRequestStart(controller: Controller): void {
    // Aborted while still queued in the dispatcher: cancel as soon as it starts.
    if (this.abortReason) controller.abort(this.abortReason);
    else if (!this.settled) this.controller = controller;
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
    this.result = result;
    this.deadlines?.remove(this);
    this.controller = null;
    // Told once the HTTP client is done with the answer (as a promise's reaction would be), so
    // what the listener sends next finds the connection free, never from inside the client.
    queueMicrotask(this.report);
  }

  private readonly report = (): void => {
    const result = this.result as PostResult;
    const onDone = this.onDone;
    this.onDone = null;
    onDone?.(result);
    const waiters = this.waiters;
    this.waiters = null;
    if (waiters) for (const resolve of waiters) resolve(result);
  };
}

/**
 * Times attempts out with one timer for all of them: every attempt gets the same limit, so they
 * fall due in the order they started. The unsettled ones are a list in that order (an attempt
 * leaves it when it settles), and only the oldest needs a timer.
 */
export class AttemptDeadlines {
  private head: PostAttempt | null = null;
  private tail: PostAttempt | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  add(attempt: PostAttempt): void {
    // One that settled while it was being made (a dispatch that threw) has nothing to time out.
    if (attempt.settled) return;
    attempt.deadline = performance.now() + this.timeoutMs;
    attempt.deadlines = this;
    attempt.prev = this.tail;
    attempt.next = null;
    if (this.tail) this.tail.next = attempt;
    else this.head = attempt;
    this.tail = attempt;
    if (this.timer === null) this.arm();
  }

  /** Takes a settled attempt off the list. */
  remove(attempt: PostAttempt): void {
    if (attempt.deadlines !== this) return;
    const { prev, next } = attempt;
    if (prev) prev.next = next;
    else this.head = next;
    if (next) next.prev = prev;
    else this.tail = prev;
    attempt.prev = null;
    attempt.next = null;
    attempt.deadlines = null;
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (let a = this.head; a !== null; ) {
      const next = a.next;
      a.prev = null;
      a.next = null;
      a.deadlines = null;
      a = next;
    }
    this.head = null;
    this.tail = null;
  }

  private arm(): void {
    const next = this.head;
    if (!next) {
      this.timer = null;
      return;
    }
    this.timer = setTimeout(() => this.expire(), Math.max(0, next.deadline - performance.now()));
    this.timer.unref();
  }

  private expire(): void {
    const now = performance.now();
    // Aborting settles an attempt, which takes it off the list.
    while (this.head !== null && this.head.deadline <= now) this.head.abort(`timeout after ${this.timeoutMs} ms`);
    this.arm();
  }
}

/**
 * A closed-loop load generator on undici: `concurrency` workers, each starting its next
 * operation when the previous one is answered, until the time or the request budget is spent.
 * A worker never abandons an operation in flight, so every request sent is also answered and
 * counted: what the servers stored can be compared exactly with what they acknowledged.
 */
import { Pool } from 'undici';

/** One HTTP answer, body read. */
export interface Answer {
  readonly status: number;
  readonly text: string;
}

/** A keep-alive connection pool to one origin; `connections` at most. */
export function pool(origin: string, connections: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
}

/** Sends one request on `dispatcher` and reads its whole body. */
export async function send(
  dispatcher: Pool,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  const res = await dispatcher.request({
    method,
    path,
    headers,
    ...(body !== undefined && { body }),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** One JSON call outside the measured load (set-up, checks): fetch, a 30 s limit, the body parsed when it is JSON. */
export async function fetchJson(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // Not JSON: the caller reports `text`.
  }
  return { status: res.status, json, text };
}

/** What went wrong in a run: each kind of problem, how many times, one example. */
export class Problems {
  readonly byKind = new Map<string, { count: number; example: string }>();
  add(kind: string, example: string): void {
    const entry = this.byKind.get(kind);
    if (entry) entry.count++;
    else this.byKind.set(kind, { count: 1, example: example.slice(0, 300) });
  }
  get total(): number {
    let n = 0;
    for (const { count } of this.byKind.values()) n += count;
    return n;
  }
  lines(prefix: string): string[] {
    return [...this.byKind].map(([kind, { count, example }]) => `${prefix}: ${kind} ×${count} (e.g. ${example})`);
  }
}

/** An operation failed in a way worth counting by kind (a status, a body that is not right). */
export class Failure extends Error {
  readonly kind: string;
  constructor(kind: string, detail: string) {
    super(detail);
    this.kind = kind;
  }
}

export interface RunOptions {
  readonly concurrency: number;
  /** Stop starting operations after this long (undefined: only `maxOperations` bounds the run). */
  readonly seconds?: number;
  readonly maxOperations: number;
  /** One operation; throws a {@link Failure} (or anything) when it went wrong. */
  readonly operation: () => Promise<void>;
}

export interface RunResult {
  readonly operations: number;
  readonly succeeded: number;
  readonly problems: Problems;
  /** Duration of each succeeded operation, milliseconds, sorted. */
  readonly latencies: number[];
  /** From the start to the last answer, seconds. */
  readonly seconds: number;
}

export async function closedLoop(options: RunOptions): Promise<RunResult> {
  const problems = new Problems();
  const latencies: number[] = [];
  const started = performance.now();
  const stopAt = options.seconds === undefined ? Number.POSITIVE_INFINITY : started + options.seconds * 1000;
  let issued = 0;
  let lastAnswer = started;
  const worker = async () => {
    while (issued < options.maxOperations && performance.now() < stopAt) {
      issued++;
      const t0 = performance.now();
      try {
        await options.operation();
        const t1 = performance.now();
        latencies.push(t1 - t0);
      } catch (err) {
        if (err instanceof Failure) problems.add(err.kind, err.message);
        else problems.add(`error ${(err as Error).name}`, String((err as Error).cause ?? (err as Error).message));
      }
      lastAnswer = performance.now();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  latencies.sort((a, b) => a - b);
  return {
    operations: issued,
    succeeded: latencies.length,
    problems,
    latencies,
    seconds: (lastAnswer - started) / 1000,
  };
}

/** Nearest-rank percentile of sorted values (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

// Test support shared by the emulators' tests: an emulator on a frozen clock, closed after the
// test; a receiver of notifications on a real socket whose answers a test scripts; the one way
// the tests wait.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { waitFor as waitUntil } from '../../../test/support/wait.ts';
import { createEmulatorClock, type EmulatorClock } from './clock.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read parsed JSON answers field by field.
export type Json = Record<string, any>;

export const MINUTE = 60_000;

/** What an emulator under test is made with: no real-time sweep, and a clock only the control API moves. */
export type FrozenOptions = { sweepIntervalMs: number; clock: EmulatorClock };

/** The emulator `make` makes on a clock frozen at real time `t0`; it is closed when the test ends. */
export function frozenEmulator<E extends { app: { close(): PromiseLike<unknown> } }>(
  t0: number,
  make: (frozen: FrozenOptions) => E,
): E {
  const emu = make({ sweepIntervalMs: 0, clock: createEmulatorClock(() => t0) });
  after(() => emu.app.close());
  return emu;
}

/** Polls until `predicate` holds; the only waiting the tests do. */
export const waitFor = (predicate: () => boolean, what = 'condition', timeoutMs = 5_000) =>
  waitUntil(predicate, timeoutMs, what);

/** One request a receiver got, as it came. */
export type Received = { method: string; path: string; headers: IncomingHttpHeaders; raw: Buffer; at: number };

/** A status code, or `hang`: never answer (the sender's time limit ends the attempt). */
export type Answer = number | 'hang';

/** The body as JSON, or `{}` when it is not (the raw bytes are still kept). */
export function jsonOf(raw: Buffer): Json {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return {};
  }
}

/**
 * A receiver of notifications on a real socket that keeps every request (as `shape` makes it
 * from what came) and answers 200 unless a test scripted otherwise: per path (`script`), else
 * from `answers` in order. Stop it with `close()`.
 */
export async function startReceiver<H>(shape: (received: Received) => H, answers: readonly Answer[] = []) {
  const hits: H[] = [];
  const paths: string[] = [];
  const scripts = new Map<string, Answer[]>();
  const rest = [...answers];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '';
      const raw = Buffer.concat(chunks);
      paths.push(path);
      hits.push(shape({ method: req.method ?? '', path, headers: req.headers, raw, at: performance.now() }));
      const answer = scripts.get(path)?.shift() ?? rest.shift() ?? 200;
      if (answer !== 'hang') res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hits,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    /** Answers for the next requests to `path`; then the others. */
    script(path: string, answers: Answer[]) {
      scripts.set(path, [...answers]);
    },
    at: (path: string): H[] => hits.filter((_, i) => paths[i] === path),
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

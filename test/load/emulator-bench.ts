/**
 * The emulators' own cost: one provider emulator in its own process (`bawaba emulate`), a bare
 * webhook receiver and the load generator in this one. Each step runs at a fixed concurrency for
 * a few seconds (closed loop) after a warm-up; the emulator's CPU time (utime + stime from
 * /proc) is read before the step and again once every notification the step caused has been
 * received, and divided by the operations. Exits non-zero when an operation failed.
 *
 * Usage: node --import tsx test/load/emulator-bench.ts [--emulator checkout_com|tap|qattah|akurateco]
 *          [--seconds 3] [--concurrency 16] [--receiver-delay-ms 0] [--warmup-seconds 2]
 *          [--steps create,pay,split,complete,status,refund,lifecycle]   (a subset: step names' beginnings;
 *          `pay` is the customer on the hosted page, `split` Qattah's initiator there; the steps are
 *          in test/load/emulator-scenarios.ts)
 *          [--repeat N]   (every step N times, in turn; the table shows the median CPU per operation)
 *          [--ops N]      (at most N operations per step: two versions compared this way do the
 *                         same work, and keep as many payments, whichever is faster)
 *
 * Environment:
 *   EMU_CPU_PROFILE=<dir>   run the emulator under `node --cpu-prof` (profile in <dir>, summarised
 *                           at the end; start-up is in it too)
 *   EMU_ROOT=<dir>          run the emulator of another copy of this repository (e.g. an older
 *                           version) with this load, to compare
 *   EMU_NODE_ARGS="..."     more `node` options for the emulator (e.g. `--trace-gc`); its log is
 *                           then kept, and its path printed
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../soak/gateway-process.ts';
import { type Child, ROOT, removeOnExit, sleep, spawnChild } from './children.ts';
import {
  type Context,
  EMULATORS,
  type EmulatorName,
  SCENARIOS,
  type Step,
  type Subject,
} from './emulator-scenarios.ts';
import { closedLoop, Failure, pool, type RunResult } from './load.ts';
import { summarizeProfiles } from './profile.ts';

const { values: args } = parseArgs({
  options: {
    emulator: { type: 'string', default: 'checkout_com' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    'receiver-delay-ms': { type: 'string', default: '0' },
    'warmup-seconds': { type: 'string', default: '2' },
    steps: { type: 'string' },
    repeat: { type: 'string', default: '1' },
    ops: { type: 'string' },
  },
});
const EMULATOR = args.emulator as EmulatorName;
if (!EMULATORS.includes(EMULATOR)) throw new Error(`--emulator must be one of ${EMULATORS.join(', ')}`);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const RECEIVER_DELAY_MS = Number(args['receiver-delay-ms']);
const WARMUP_SECONDS = Number(args['warmup-seconds']);
const PROFILE_DIR = process.env.EMU_CPU_PROFILE;
const NODE_ARGS = (process.env.EMU_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
const EMU_ROOT = process.env.EMU_ROOT ?? ROOT;
const REPEAT = Number(args.repeat);
const MAX_OPS = args.ops === undefined ? Number.POSITIVE_INFINITY : Number(args.ops);
const STEPS = args.steps?.split(',').map((s) => s.trim());
const SETTLE_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// The merchant's endpoint

/** Answers 200 (after `delayMs`), counts what it gets, per subject too, and lets a caller wait for a count. */
async function startReceiver(delayMs: number, subjectOf: Subject) {
  let total = 0;
  let unknown = 0;
  const perSubject = new Map<string, number>();
  const waiters = new Map<string, { count: number; resolve: () => void }>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      total++;
      const subject = subjectOf(req, Buffer.concat(chunks));
      if (subject === undefined) unknown++;
      else {
        const seen = (perSubject.get(subject) ?? 0) + 1;
        perSubject.set(subject, seen);
        const waiter = waiters.get(subject);
        if (waiter && seen >= waiter.count) {
          waiters.delete(subject);
          waiter.resolve();
        }
      }
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    total: () => total,
    unknown: () => unknown,
    /** Resolves once `subject` has had `count` notifications. */
    waitFor(subject: string, count: number): Promise<void> {
      if ((perSubject.get(subject) ?? 0) >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Failure('notification not received', subject)), SETTLE_TIMEOUT_MS);
        waiters.set(subject, {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

// ---------------------------------------------------------------------------------------------
// Running

interface Measured {
  readonly name: string;
  readonly result: RunResult;
  readonly cpuMs: number;
}

async function settle(receiver: Receiver, expected: number): Promise<void> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  while (receiver.total() < expected) {
    if (performance.now() > deadline) {
      throw new Error(`only ${receiver.total()} of ${expected} notifications received in ${SETTLE_TIMEOUT_MS} ms`);
    }
    await sleep(5);
  }
  // The emulator records the answer to the last one.
  await sleep(50);
}

async function run(
  emulator: Child,
  receiver: Receiver,
  step: Step,
  expected: { total: number },
  seconds: number,
): Promise<Measured> {
  const cpu0 = emulator.cpuMs();
  const result = await closedLoop({
    concurrency: CONCURRENCY,
    seconds,
    maxOperations: Math.min(step.available?.() ?? 10_000_000, MAX_OPS),
    operation: step.operation,
  });
  expected.total += result.succeeded * step.notifications;
  await settle(receiver, expected.total);
  const cpuMs = emulator.cpuMs() - cpu0;
  if (result.problems.total > 0) {
    console.error(result.problems.lines(`  ${step.name}`).join('\n'));
    process.exitCode = 1;
  }
  return { name: step.name, result, cpuMs };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'emulator-bench-'));
  // With node options of one's own (e.g. --trace-gc), the emulator's log is kept to be read.
  if (NODE_ARGS.length === 0) removeOnExit(dir);
  else console.log(`emulator log: ${join(dir, 'emulator.log')}`);
  const port = await freePort();
  let subjectOf: Subject = () => undefined;
  const receiver = await startReceiver(RECEIVER_DELAY_MS, (req, raw) => subjectOf(req, raw));
  const spec = SCENARIOS[EMULATOR];
  const nodeArgs = NODE_ARGS.slice();
  if (PROFILE_DIR) {
    mkdirSync(PROFILE_DIR, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`);
  }
  const emulator = spawnChild(
    'emulator',
    [join(EMU_ROOT, 'bin', 'bawaba.mjs'), 'emulate', EMULATOR, '--port', String(port), ...spec.cliArgs(receiver.url)],
    {},
    join(dir, 'emulator.log'),
    nodeArgs,
  );
  try {
    await emulator.waitForLog(/Control API:/, 60_000);
    const emulatorUrl = `http://127.0.0.1:${port}`;
    const ctx: Context = { emulatorUrl, pool: pool(emulatorUrl, CONCURRENCY), receiver, log: emulator.log() };
    const scenario = spec.scenario(ctx);
    subjectOf = spec.subjectOf;
    await scenario.prepare(ctx);
    const expected = { total: 0 };

    // Warm-up: the emulator's code gets optimised, its connection pool to the receiver opened.
    await run(emulator, receiver, scenario.lifecycle, expected, WARMUP_SECONDS);
    for (const step of scenario.steps) await run(emulator, receiver, step, expected, Math.min(1, WARMUP_SECONDS));

    const all = [...scenario.steps, scenario.lifecycle];
    const chosen = all.filter((step) => STEPS === undefined || STEPS.some((s) => step.name.startsWith(s)));
    const measured = new Map<string, Measured[]>(chosen.map((step) => [step.name, []]));
    // A step left out still runs, unmeasured, when a chosen one after it needs what it makes
    // (payments to complete, captures to refund); the lifecycle needs nothing.
    const last = Math.max(...chosen.map((step) => scenario.steps.indexOf(step)));
    const rounds = all.filter((step, i) => i <= last || (step === scenario.lifecycle && chosen.includes(step)));
    for (let round = 0; round < REPEAT; round++) {
      for (const step of rounds) {
        const done = await run(emulator, receiver, step, expected, SECONDS);
        measured.get(step.name)?.push(done);
      }
    }

    const perOp = (m: Measured) => (m.result.succeeded > 0 ? m.cpuMs / m.result.succeeded : Number.NaN);
    const rows = [...measured].map(([name, runs]) => {
      const ops = runs.reduce((n, m) => n + m.result.succeeded, 0);
      const seconds = runs.reduce((n, m) => n + m.result.seconds, 0);
      const sorted = runs.map(perOp).sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
      const spread = runs.length > 1 ? ` (${sorted.map((v) => v.toFixed(3)).join(' ')})` : '';
      return [name, String(ops), (ops / seconds).toFixed(0), `${median.toFixed(3)}${spread}`];
    });
    const header = [
      'step',
      'ops',
      'ops/s',
      REPEAT > 1 ? 'emulator CPU ms/op: median (each run)' : 'emulator CPU ms/op',
    ];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
    console.log(
      `\n${EMULATOR} emulator${EMU_ROOT === ROOT ? '' : ` of ${EMU_ROOT}`}, concurrency ${CONCURRENCY}, ${SECONDS} s per step${REPEAT > 1 ? ` × ${REPEAT}` : ''}, receiver answers after ${RECEIVER_DELAY_MS} ms`,
    );
    console.log(line(header));
    for (const row of rows) console.log(line(row));
    console.log(
      `notifications received: ${receiver.total()} (expected ${expected.total}), without a known subject: ${receiver.unknown()}; emulator RSS ${emulator.rssKb()} kB`,
    );
    await ctx.pool.close();
  } finally {
    await emulator.stop();
    await receiver.close();
  }
  if (PROFILE_DIR) console.log(`\n${summarizeProfiles(PROFILE_DIR, 30, new Map([[emulator.pid, 'emulator']]))}`);
}

await main();

/**
 * The emulators' own cost: one provider emulator in its own process (`bawaba emulate`), a bare
 * webhook receiver and the load generator in this one. Each step runs at a fixed concurrency for
 * a few seconds (closed loop) after a warm-up; the emulator's CPU time (utime + stime from
 * /proc) is read before the step and again once every notification the step caused has been
 * received, and divided by the operations. Exits non-zero when an operation failed.
 *
 * Usage: node --import tsx test/load/emulator-bench.ts [--emulator checkout_com|tap|qattah|akurateco]
 *          [--seconds 3] [--concurrency 16] [--receiver-delay-ms 0] [--warmup-seconds 2]
 *          [--steps create,complete,status,refund,lifecycle]   (a subset: step names' beginnings)
 *          [--repeat N]   (every step N times, in turn; the table shows the median CPU per operation)
 *
 * Environment:
 *   EMU_CPU_PROFILE=<dir>   run the emulator under `node --cpu-prof` (profile in <dir>, summarised
 *                           at the end; start-up is in it too)
 *   EMU_ROOT=<dir>          run the emulator of another copy of this repository (e.g. an older
 *                           version) with this load, to compare
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Pool } from 'undici';
import { freePort } from '../soak/gateway-process.ts';
import { type Child, ROOT, removeOnExit, sleep, spawnChild } from './children.ts';
import { closedLoop, Failure, pool, type RunResult, send } from './load.ts';
import { summarizeProfiles } from './profile.ts';

const EMULATORS = ['checkout_com', 'tap', 'qattah', 'akurateco'] as const;
type EmulatorName = (typeof EMULATORS)[number];

const { values: args } = parseArgs({
  options: {
    emulator: { type: 'string', default: 'checkout_com' },
    seconds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16' },
    'receiver-delay-ms': { type: 'string', default: '0' },
    'warmup-seconds': { type: 'string', default: '2' },
    steps: { type: 'string' },
    repeat: { type: 'string', default: '1' },
  },
});
const EMULATOR = args.emulator as EmulatorName;
if (!EMULATORS.includes(EMULATOR)) throw new Error(`--emulator must be one of ${EMULATORS.join(', ')}`);
const SECONDS = Number(args.seconds);
const CONCURRENCY = Number(args.concurrency);
const RECEIVER_DELAY_MS = Number(args['receiver-delay-ms']);
const WARMUP_SECONDS = Number(args['warmup-seconds']);
const PROFILE_DIR = process.env.EMU_CPU_PROFILE;
const EMU_ROOT = process.env.EMU_ROOT ?? ROOT;
const REPEAT = Number(args.repeat);
const STEPS = args.steps?.split(',').map((s) => s.trim());
const SETTLE_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// The merchant's endpoint

type Subject = (req: IncomingMessage, body: Buffer) => string | undefined;

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
// Scenarios

interface Context {
  readonly emulatorUrl: string;
  readonly pool: Pool;
  readonly receiver: Receiver;
  readonly log: string;
}

interface Step {
  readonly name: string;
  /** Notifications one operation makes the emulator send. */
  readonly notifications: number;
  /** How many operations there is material for (e.g. payments left to complete); undefined: no limit. */
  available?(): number;
  operation(): Promise<void>;
}

interface Spec {
  /** `bawaba emulate` arguments after the provider name and port. */
  cliArgs(receiverUrl: string): string[];
  /** The payment a notification is about. */
  subjectOf: Subject;
  scenario(ctx: Context): Scenario;
}

interface Scenario {
  /** Anything set up over the control API before the load (e.g. a callback URL). */
  prepare(ctx: Context): Promise<void>;
  steps: Step[];
  /** One whole payment: create, the customer pays, every notification received. */
  lifecycle: Step;
}

const json = { 'content-type': 'application/json' };

/** Approves a pending refund through the control API (Checkout.com's and Tap's emulators). */
function controlApprove(ctx: Context, refunds: Ids): Step {
  return {
    name: 'refund approve (control API)',
    notifications: 1,
    available: () => refunds.size,
    operation: async () => {
      await expectStatus(ctx, 'POST', `/__control/refunds/${refunds.take()}/approve`, json, undefined, 200);
    },
  };
}

/** One whole payment: `create` it, the customer pays (`pay`), its `notifications` received. */
function lifecycleStep(
  ctx: Context,
  name: string,
  notifications: number,
  create: () => Promise<string>,
  pay: (id: string) => Promise<unknown>,
): Step {
  return {
    name,
    notifications,
    operation: async () => {
      const id = await create();
      await pay(id);
      await ctx.receiver.waitFor(id, notifications);
    },
  };
}

async function expectStatus(
  ctx: Context,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body: string | undefined,
  ok: number,
): Promise<string> {
  const answer = await send(ctx.pool, method, path, headers, body);
  if (answer.status !== ok)
    throw new Failure(`${method} ${path.split('/').slice(0, 3).join('/')} answered ${answer.status}`, answer.text);
  return answer.text;
}

/** A FIFO of ids handed from one step to the next. */
class Ids {
  private items: string[] = [];
  private head = 0;
  push(id: string): void {
    this.items.push(id);
  }
  take(): string {
    const id = this.items[this.head++];
    if (id === undefined) throw new Failure('ran out of ids', '');
    return id;
  }
  pick(): string {
    const id = this.items[Math.floor(Math.random() * this.items.length)];
    if (id === undefined) throw new Failure('no ids', '');
    return id;
  }
  get size(): number {
    return this.items.length - this.head;
  }
}

function checkoutCom(ctx: Context): Scenario {
  const secretKey = /Secret key:\s+(sk_sbox_\S+)/.exec(ctx.log)?.[1];
  if (!secretKey) throw new Error(`no secret key in the emulator's output:\n${ctx.log}`);
  const auth = { ...json, authorization: `Bearer ${secretKey}` };
  const body = JSON.stringify({
    amount: 10_000,
    currency: 'QAR',
    reference: 'ORD-BENCH',
    source: { type: 'qpay', description: 'Bench payment' },
    success_url: 'https://merchant.example/ok',
    failure_url: 'https://merchant.example/ko',
  });
  const pending = new Ids();
  const captured = new Ids();
  const refunds = new Ids();
  let keys = 0;
  const create = async (): Promise<string> => {
    const text = await expectStatus(
      ctx,
      'POST',
      '/payments',
      { ...auth, 'cko-idempotency-key': `bench-${process.pid}-${keys++}` },
      body,
      202,
    );
    return (JSON.parse(text) as { id: string }).id;
  };
  const complete = (id: string) =>
    expectStatus(ctx, 'POST', `/__control/payments/${id}/complete`, json, '{"outcome":"approve"}', 200);
  return {
    prepare: async () => {},
    steps: [
      { name: 'create (POST /payments)', notifications: 1, operation: async () => pending.push(await create()) },
      {
        name: 'complete (control API, approve)',
        notifications: 2,
        available: () => pending.size,
        operation: async () => {
          const id = pending.take();
          await complete(id);
          captured.push(id);
        },
      },
      {
        name: 'status (GET /payments/{id})',
        notifications: 0,
        operation: async () => {
          await expectStatus(ctx, 'GET', `/payments/${captured.pick()}`, auth, undefined, 200);
        },
      },
      {
        name: 'refund (POST /payments/{id}/refunds)',
        notifications: 1,
        available: () => captured.size,
        operation: async () => {
          const text = await expectStatus(ctx, 'POST', `/payments/${captured.take()}/refunds`, auth, '{}', 202);
          refunds.push((JSON.parse(text) as { action_id: string }).action_id);
        },
      },
      controlApprove(ctx, refunds),
    ],
    lifecycle: lifecycleStep(ctx, 'lifecycle (create + complete + 3 notifications)', 3, create, complete),
  };
}

function tap(ctx: Context): Scenario {
  const secretKey = /Secret key:\s+(sk_test_\S+)/.exec(ctx.log)?.[1];
  if (!secretKey) throw new Error(`no secret key in the emulator's output:\n${ctx.log}`);
  const auth = { ...json, authorization: `Bearer ${secretKey}` };
  const post = { url: `${ctx.receiver.url}/hooks/tap` };
  const body = JSON.stringify({
    amount: 100,
    currency: 'QAR',
    customer_initiated: true,
    threeDSecure: true,
    save_card: false,
    description: 'Bench charge',
    metadata: { udf1: 'bench' },
    reference: { transaction: 'txn_bench', order: 'ord_bench' },
    receipt: { email: false, sms: false },
    customer: { first_name: 'Bench', last_name: 'Load', email: 'bench@example.com' },
    source: { id: 'src_qa.qpay' },
    post,
    redirect: { url: 'https://merchant.example/return' },
  });
  const initiated = new Ids();
  const captured = new Ids();
  const refunds = new Ids();
  const create = async (): Promise<string> =>
    (JSON.parse(await expectStatus(ctx, 'POST', '/v2/charges/', auth, body, 200)) as { id: string }).id;
  const complete = (id: string) =>
    expectStatus(ctx, 'POST', `/__control/charges/${id}/complete`, json, '{"outcome":"approve"}', 200);
  return {
    prepare: async () => {},
    steps: [
      { name: 'create (POST /v2/charges)', notifications: 0, operation: async () => initiated.push(await create()) },
      {
        name: 'complete (control API, approve)',
        notifications: 1,
        available: () => initiated.size,
        operation: async () => {
          const id = initiated.take();
          await complete(id);
          captured.push(id);
        },
      },
      {
        name: 'status (GET /v2/charges/{id})',
        notifications: 0,
        operation: async () => {
          await expectStatus(ctx, 'GET', `/v2/charges/${captured.pick()}`, auth, undefined, 200);
        },
      },
      {
        name: 'refund (POST /v2/refunds)',
        notifications: 0,
        available: () => captured.size,
        operation: async () => {
          const refund = { charge_id: captured.take(), amount: 1, currency: 'QAR', reason: 'bench', post };
          const text = await expectStatus(ctx, 'POST', '/v2/refunds', auth, JSON.stringify(refund), 200);
          refunds.push((JSON.parse(text) as { id: string }).id);
        },
      },
      controlApprove(ctx, refunds),
    ],
    lifecycle: lifecycleStep(ctx, 'lifecycle (create + complete + 1 notification)', 1, create, complete),
  };
}

function qattah(ctx: Context): Scenario {
  const token = /API token:\s+(\S+)/.exec(ctx.log)?.[1];
  if (!token) throw new Error(`no API token in the emulator's output:\n${ctx.log}`);
  const auth = { ...json, accept: 'application/json', authorization: `Bearer ${token}` };
  const api = '/api/v1/merchant-integration';
  const body = JSON.stringify({
    amount: 100,
    currency: 'SAR',
    reference: 'bench-order',
    callback_url: `${ctx.receiver.url}/hooks/qattah`,
    lang: 'en',
    description: 'Bench order',
  });
  const open = new Ids();
  const paid = new Ids();
  const create = async (): Promise<string> =>
    (
      JSON.parse(await expectStatus(ctx, 'POST', `${api}/orders`, auth, body, 200)) as {
        data: { order: { id: string } };
      }
    ).data.order.id;
  /** One payer: split for one, then pay the one share. */
  const pay = async (id: string): Promise<void> => {
    const split = await expectStatus(ctx, 'POST', `/__control/orders/${id}/split`, json, '{"people":1}', 200);
    const invoice = (JSON.parse(split) as { invoices: { id: string }[] }).invoices[0]?.id;
    if (!invoice) throw new Failure('split answered no invoice', split);
    await expectStatus(ctx, 'POST', `/__control/orders/${id}/invoices/${invoice}/pay`, json, '{}', 200);
  };
  return {
    prepare: async () => {},
    steps: [
      { name: 'create (POST .../orders)', notifications: 0, operation: async () => open.push(await create()) },
      {
        name: 'pay (control API: split + pay, callback)',
        notifications: 1,
        available: () => open.size,
        operation: async () => {
          const id = open.take();
          await pay(id);
          paid.push(id);
        },
      },
      {
        name: 'status (GET .../orders/{id})',
        notifications: 0,
        operation: async () => {
          await expectStatus(ctx, 'GET', `${api}/orders/${paid.pick()}`, auth, undefined, 200);
        },
      },
      {
        name: 'refund (POST .../orders/{id}/refund)',
        notifications: 0,
        available: () => paid.size,
        operation: async () => {
          await expectStatus(ctx, 'POST', `${api}/orders/${paid.take()}/refund`, auth, undefined, 200);
        },
      },
    ],
    lifecycle: lifecycleStep(ctx, 'lifecycle (create + pay + callback)', 1, create, pay),
  };
}

function akurateco(ctx: Context): Scenario {
  const merchantKey = /Merchant key:\s+(\S+)/.exec(ctx.log)?.[1];
  const password = /Password:\s+(\S+)/.exec(ctx.log)?.[1];
  if (!merchantKey || !password) throw new Error(`no merchant key or password in the emulator's output:\n${ctx.log}`);
  /** sha1(md5(strtoupper(parts + password))), written out independently of the emulator's code. */
  const hash = (...parts: string[]): string => {
    const upper = Buffer.from(parts.join('') + password, 'utf8').map((b) => (b >= 97 && b <= 122 ? b - 32 : b));
    return createHash('sha1').update(createHash('md5').update(upper).digest('hex')).digest('hex');
  };
  let orders = 0;
  const settled = new Ids();
  const create = async (): Promise<string> => {
    const order = { number: `bench-${process.pid}-${orders++}`, amount: '3.01', currency: 'QAR', description: 'Bench' };
    const session = {
      merchant_key: merchantKey,
      operation: 'purchase',
      success_url: 'https://merchant.example/ok',
      cancel_url: 'https://merchant.example/cancel',
      order,
      customer: { name: 'Bench Load', email: 'success@gmail.com' },
      hash: hash(order.number, order.amount, order.currency, order.description),
    };
    await expectStatus(ctx, 'POST', '/api/v1/session', json, JSON.stringify(session), 200);
    return order.number;
  };
  const statusByOrder = async (orderNumber: string): Promise<string> => {
    const status = { merchant_key: merchantKey, order_id: orderNumber, hash: hash(orderNumber) };
    const text = await expectStatus(ctx, 'POST', '/api/v1/payment/status', json, JSON.stringify(status), 200);
    return (JSON.parse(text) as { payment_id: string }).payment_id;
  };
  const complete = (id: string) =>
    expectStatus(ctx, 'POST', `/__control/payments/${id}/complete`, json, '{"outcome":"approve"}', 200);
  const created = new Ids();
  const open = new Ids();
  return {
    prepare: async () => {
      const url = JSON.stringify({ notification_url: `${ctx.receiver.url}/hooks/akurateco` });
      await expectStatus(ctx, 'POST', `/__control/merchants/${merchantKey}/notification_url`, json, url, 200);
    },
    steps: [
      { name: 'create (POST /api/v1/session)', notifications: 0, operation: async () => created.push(await create()) },
      {
        name: 'status by order (POST /api/v1/payment/status)',
        notifications: 0,
        available: () => created.size,
        operation: async () => open.push(await statusByOrder(created.take())),
      },
      {
        name: 'complete (control API, approve)',
        notifications: 1,
        available: () => open.size,
        operation: async () => {
          const id = open.take();
          await complete(id);
          settled.push(id);
        },
      },
      {
        name: 'status (POST /api/v1/payment/status)',
        notifications: 0,
        operation: async () => {
          const id = settled.pick();
          const status = { merchant_key: merchantKey, payment_id: id, hash: hash(id) };
          await expectStatus(ctx, 'POST', '/api/v1/payment/status', json, JSON.stringify(status), 200);
        },
      },
      {
        name: 'refund (POST /api/v1/payment/refund)',
        notifications: 0,
        available: () => settled.size,
        operation: async () => {
          const id = settled.take();
          const refund = { merchant_key: merchantKey, payment_id: id, hash: hash(id) };
          await expectStatus(ctx, 'POST', '/api/v1/payment/refund', json, JSON.stringify(refund), 200);
        },
      },
    ],
    lifecycle: lifecycleStep(
      ctx,
      'lifecycle (session + status + complete + callback)',
      1,
      async () => statusByOrder(await create()),
      complete,
    ),
  };
}

function jsonField(raw: Buffer, read: (body: Record<string, unknown>) => unknown): string | undefined {
  try {
    const value = read(JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const SCENARIOS: Record<EmulatorName, Spec> = {
  checkout_com: {
    cliArgs: (receiverUrl) => ['--webhook-url', `${receiverUrl}/hooks/checkout_com`],
    subjectOf: (_req, raw) => jsonField(raw, (body) => (body.data as { id?: unknown } | undefined)?.id),
    scenario: checkoutCom,
  },
  tap: { cliArgs: () => [], subjectOf: (_req, raw) => jsonField(raw, (body) => body.id), scenario: tap },
  qattah: {
    cliArgs: () => [],
    subjectOf: (req) => new URL(req.url ?? '/', 'http://x').searchParams.get('order_id') ?? undefined,
    scenario: qattah,
  },
  akurateco: {
    cliArgs: () => [],
    subjectOf: (_req, raw) => new URLSearchParams(raw.toString('utf8')).get('id') ?? undefined,
    scenario: akurateco,
  },
};

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
    maxOperations: step.available?.() ?? 10_000_000,
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
  removeOnExit(dir);
  const port = await freePort();
  let subjectOf: Subject = () => undefined;
  const receiver = await startReceiver(RECEIVER_DELAY_MS, (req, raw) => subjectOf(req, raw));
  const spec = SCENARIOS[EMULATOR];
  const nodeArgs: string[] = [];
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

    const chosen = [...scenario.steps, scenario.lifecycle].filter(
      (step) => STEPS === undefined || STEPS.some((s) => step.name.startsWith(s)),
    );
    const measured = new Map<string, Measured[]>(chosen.map((step) => [step.name, []]));
    for (let round = 0; round < REPEAT; round++) {
      for (const step of chosen) measured.get(step.name)?.push(await run(emulator, receiver, step, expected, SECONDS));
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

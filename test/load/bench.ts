/**
 * `npm run bench`: the payment path with every party in its own process on this machine.
 *
 *   emulator   `bawaba emulate checkout_com` (the provider: payments, control API, signed notifications)
 *   gateway    `bawaba serve` in production mode with its worker (`--nodes N`: N of them, one PostgreSQL)
 *   hello      a bare Fastify hello world (the platform's reference)
 *   this       the load generator (undici, closed loop) and the merchant's webhook receiver
 *
 * Phases, each after a warm-up and with every notification and delivery of the one before
 * settled: the hello world; creates straight to an emulator of their own at concurrency 1 and
 * 16; full lifecycles through the gateway at concurrency 16 (create → the provider captures →
 * its signed notification → `payment.captured` at the merchant); creates through the gateway at
 * concurrency 1 (added latency) and 16 (throughput, CPU per create). CPU time and memory come
 * from /proc (a local PostgreSQL's too).
 *
 * Usage: node --import tsx test/load/bench.ts [--smoke] [--database sqlite|postgres] [--nodes N]
 *          [--phases hello,direct,lifecycles,creates]   (a subset, in the order given)
 *
 * Environment:
 *   BENCH_SECONDS               length of each measured phase (default 10; smoke 1.5)
 *   BENCH_MAX_REQUESTS          at most this many operations per measured phase (default 200000)
 *   BENCH_WARMUP_SECONDS        lifecycles through the gateway before its first phase (default 10)
 *   BENCH_WARMUP                operations before each phase (default 300, lifecycles a third)
 *   BENCH_CONCURRENCY           the "16" (default 16)
 *   BAWABA_BENCH_DATABASE_URL   PostgreSQL to run on (else BAWABA_TEST_DATABASE_URL with
 *                               --database postgres); a fresh schema is made and dropped per run
 *   BENCH_KEEP_DATABASE=1       keep that schema (and the temporary directory with the logs)
 *   BENCH_WEBHOOK_EVENTS        what the merchant's endpoint subscribes to, comma-separated
 *                               (default payment.captured; `*` for every event)
 *   BENCH_CPU_PROFILE=<dir>     run the gateway and emulators under `node --cpu-prof` (profiles
 *                               in <dir>, summarised at the end; `test/load/profile.ts <dir>`)
 *   BENCH_PERF_MAP=1            start the gateway and emulators with a perf map, for an on-CPU
 *                               profile by `perf record -F 999 -g -p <pid>` (the pids are logged)
 *   BENCH_ASSERT_GOALS=1        also exit non-zero when a goal is missed
 *
 * Exits non-zero when a request fails or answers non-2xx, or when payments, events and
 * deliveries do not add up: every 201 is one stored payment; every captured lifecycle is
 * captured in the database with one `payment.captured` event, delivered to the receiver under
 * exactly one `webhook-id`; every subscribed event has one succeeded delivery; no webhook-id is
 * sent again after an attempt the gateway recorded as a success (a redelivery after a failed
 * attempt is reported, not a failure); every provider notification was answered 2xx the first
 * time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { freePort } from '../soak/gateway-process.ts';
import {
  BIN,
  type Child,
  cpuOfCommand,
  ROOT,
  removeOnExit,
  runCommand,
  sleep,
  spawnChild,
  waitHealthy,
} from './children.ts';
import { closedLoop, Failure, percentile, pool, type RunResult, send } from './load.ts';
import { summarizeProfiles } from './profile.ts';
import { dropSchema, openPostgresStore, openSqliteStore, type Store, type TableStats } from './store.ts';
import { type BenchReceiver, startBenchReceiver } from './webhook-receiver.ts';

// ---------------------------------------------------------------------------------------------
// Options

const argv = process.argv.slice(2);
function flag(name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}
for (const arg of argv) {
  if (arg.startsWith('--') && !['--smoke', '--database', '--nodes', '--phases'].includes(arg)) {
    throw new Error(`unknown option ${arg} (known: --smoke, --database sqlite|postgres, --nodes N, --phases LIST)`);
  }
}

function positive(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

const SMOKE = argv.includes('--smoke');
const NODES = Number(flag('--nodes') ?? '1');
if (!Number.isInteger(NODES) || NODES < 1 || NODES > 8) throw new Error('--nodes must be an integer from 1 to 8');
const DATABASE_KIND = (flag('--database') ??
  (!SMOKE && process.env.BAWABA_BENCH_DATABASE_URL ? 'postgres' : 'sqlite')) as 'sqlite' | 'postgres';
if (DATABASE_KIND !== 'sqlite' && DATABASE_KIND !== 'postgres') throw new Error('--database is sqlite or postgres');
const POSTGRES_URL = process.env.BAWABA_BENCH_DATABASE_URL || process.env.BAWABA_TEST_DATABASE_URL;
if (DATABASE_KIND === 'postgres' && !POSTGRES_URL) {
  throw new Error('--database postgres needs BAWABA_BENCH_DATABASE_URL (or BAWABA_TEST_DATABASE_URL)');
}
if (NODES > 1 && DATABASE_KIND !== 'postgres')
  throw new Error('--nodes above 1 needs PostgreSQL (--database postgres)');

const PHASE_NAMES = ['hello', 'direct', 'lifecycles', 'creates'] as const;
/**
 * The default order runs the lifecycles before the create-only phases: every payment gets a
 * reconciliation 30 s after its creation, and the payments those phases leave open would
 * otherwise be reconciled in the middle of the lifecycles ("reconciles due" shows any).
 */
const PHASES = (flag('--phases') ?? PHASE_NAMES.join(',')).split(',').map((name) => name.trim());
for (const name of PHASES) {
  if (!(PHASE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`--phases takes a comma-separated list of ${PHASE_NAMES.join(', ')}; got ${name}`);
  }
}
const SECONDS_WARMUP = positive('BENCH_WARMUP_SECONDS', SMOKE ? 0.5 : 10, false);
const SECONDS = positive('BENCH_SECONDS', SMOKE ? 1.5 : 10, false);
const MAX_REQUESTS = positive('BENCH_MAX_REQUESTS', SMOKE ? 400 : 200_000, true);
const WARMUP = positive('BENCH_WARMUP', SMOKE ? 20 : 300, true);
const CONCURRENCY = positive('BENCH_CONCURRENCY', 16, true);
const KEEP = process.env.BENCH_KEEP_DATABASE === '1';
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
const WEBHOOK_EVENTS = (process.env.BENCH_WEBHOOK_EVENTS || 'payment.captured').split(',').map((e) => e.trim());
if (!WEBHOOK_EVENTS.includes('*') && !WEBHOOK_EVENTS.includes('payment.captured')) {
  throw new Error('BENCH_WEBHOOK_EVENTS must include payment.captured (or *): the lifecycles wait for it');
}
const ASSERT_GOALS = process.env.BENCH_ASSERT_GOALS === '1' && !SMOKE;
/** How long one lifecycle waits for its `payment.captured` before it counts as undelivered. */
const CAPTURE_TIMEOUT_MS = 30_000;
/** How long the bench waits, after a phase, for its notifications and deliveries to settle. */
const SETTLE_TIMEOUT_MS = 120_000;

// ---------------------------------------------------------------------------------------------
// What is sent

const GATEWAY_BODY = JSON.stringify({
  amount: 100,
  currency: 'QAR',
  payment_method: 'qpay',
  connector: 'checkout_com',
  return_url: 'https://shop.example/thanks?order=bench',
  description: 'Bench order',
  customer: { national_id: '28463400123' },
});
/** What the gateway's Checkout.com connector sends for that payment, near enough. */
const EMULATOR_BODY = JSON.stringify({
  amount: 100,
  currency: 'QAR',
  reference: 'pay_bench',
  source: { type: 'qpay', description: 'Bench order', language: 'en', quantity: 1, national_id: '28463400123' },
  success_url: 'http://127.0.0.1/return/ok',
  failure_url: 'http://127.0.0.1/return/failed',
});
const PAYMENT_ID = /"id":"(pay_[0-9A-Za-z]+)"/;

// ---------------------------------------------------------------------------------------------
// The parties

interface GatewayNode {
  readonly url: string;
  readonly child: Child;
  readonly pool: Pool;
}

interface Bench {
  readonly dir: string;
  readonly emulator: Child;
  readonly emulatorUrl: string;
  readonly emulatorPool: Pool;
  readonly nodes: GatewayNode[];
  readonly apiKey: string;
  readonly receiver: BenchReceiver;
  readonly store: Store;
  readonly databaseLabel: string;
}

/** Counts every phase adds to: what the database must hold at the end. */
const totals = {
  gatewayCreated: new Set<string>(),
  gatewayCreatedCount: 0,
  directCreated: 0,
  completions: 0,
  lifecyclePayments: [] as string[],
};

function jsonHeaders(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
}

async function http(
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

interface Emulator {
  readonly child: Child;
  readonly url: string;
  /** The secret key of its default entity. */
  readonly secretKey: string;
}

async function startEmulator(dir: string, name: string): Promise<Emulator> {
  const port = await freePort();
  const child = spawnChild(
    name,
    [BIN, 'emulate', 'checkout_com', '--port', String(port)],
    {},
    join(dir, `${name.replace(/\W+/g, '-')}.log`),
    profileArgs(),
  );
  await child.waitForLog(/Control API:/, 60_000);
  const log = child.log();
  const url = /Checkout\.com QPay emulator: (http:\/\/\S+)/.exec(log)?.[1];
  const secretKey = /Secret key:\s+(sk_sbox_\S+)/.exec(log)?.[1];
  if (!url || !secretKey) throw new Error(`could not read the emulator's URL and key from:\n${log}`);
  return { child, url, secretKey };
}

/** `node --cpu-prof` into BENCH_CPU_PROFILE, when asked for (written when the process ends gracefully). */
function profileArgs(): string[] {
  // `perf record -p <pid>` can name JavaScript frames of processes started with this flag.
  if (process.env.BENCH_PERF_MAP === '1') return ['--perf-basic-prof-only-functions'];
  if (!PROFILE_DIR) return [];
  mkdirSync(PROFILE_DIR, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`];
}

function gatewaySettings(dir: string, databaseUrl: string | undefined): Record<string, string> {
  return {
    BAWABA_MODE: 'production',
    BAWABA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    BAWABA_DATA_DIR: join(dir, 'data'),
    BAWABA_WORKER: 'on',
    // The default level, as deployed: one access-log line per request, and the status changes.
    LOG_LEVEL: 'info',
    // One emulator on loopback sends every notification of one connector account: the
    // public routes' limits would only throttle the bench.
    BAWABA_RATE_LIMIT_HOOKS_PER_ADDRESS: '0',
    BAWABA_RATE_LIMIT_HOOKS_PER_CONNECTOR_ACCOUNT: '0',
    ...(databaseUrl ? { BAWABA_DATABASE_URL: databaseUrl } : {}),
  };
}

async function startNode(dir: string, index: number, settings: Record<string, string>): Promise<GatewayNode> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnChild(
    NODES > 1 ? `gateway ${index + 1}` : 'gateway',
    [BIN, 'serve'],
    { ...settings, PORT: String(port), HOST: '127.0.0.1', BAWABA_PUBLIC_URL: url },
    join(dir, `gateway-${index + 1}.log`),
    profileArgs(),
  );
  await waitHealthy(child, `${url}/healthz`, 60_000);
  return { url, child, pool: pool(url, CONCURRENCY) };
}

async function setUp(dir: string, databaseUrl: string | undefined, databaseLabel: string): Promise<Bench> {
  const emulator = await startEmulator(dir, 'emulator');
  // The gateway's merchant: an entity of its own at the provider.
  const entity = await http(`${emulator.url}/__control/entities`, 'POST', { 'content-type': 'application/json' }, {});
  const entityId = entity.json.id;
  if (entity.status !== 201 || typeof entityId !== 'string') throw new Error(`emulator entity: ${entity.text}`);

  const settings = gatewaySettings(dir, databaseUrl);
  // The merchant's account and test key, made by the CLI (it also migrates the database).
  const keyOutput = await runCommand(
    'keys create',
    [BIN, 'keys', 'create', '--new-account', 'Bench merchant', '--mode', 'test', '--json'],
    settings,
    join(dir, 'keys.log'),
  );
  const apiKey = /"(sk_test_[0-9A-Za-z]+)"/.exec(keyOutput)?.[1];
  if (!apiKey) throw new Error(`no test key in the output of keys create:\n${keyOutput}`);

  const nodes: GatewayNode[] = [];
  for (let i = 0; i < NODES; i++) nodes.push(await startNode(dir, i, settings));
  const first = nodes[0] as GatewayNode;

  const connector = await http(`${first.url}/v1/connectors/checkout_com`, 'PUT', jsonHeaders(apiKey), {
    credentials: { secret_key: entity.json.secret_key, webhook_signature_key: entity.json.webhook_signature_key },
    settings: { base_url: emulator.url },
  });
  const hookUrl = connector.json.webhook_url;
  if (connector.status !== 200 || typeof hookUrl !== 'string') throw new Error(`connector: ${connector.text}`);
  const hooks = await http(
    `${emulator.url}/__control/entities/${entityId}/webhooks`,
    'PUT',
    { 'content-type': 'application/json' },
    { webhooks: [{ url: hookUrl }] },
  );
  if (hooks.status !== 200) throw new Error(`emulator webhooks: ${hooks.text}`);

  const receiver = await startBenchReceiver();
  const endpoint = await http(
    `${first.url}/v1/webhook_endpoints`,
    'POST',
    { ...jsonHeaders(apiKey), 'idempotency-key': randomUUID() },
    { url: `${receiver.url}/webhooks`, enabled_events: WEBHOOK_EVENTS },
  );
  if (endpoint.status !== 201) throw new Error(`webhook endpoint: ${endpoint.text}`);

  const store = databaseUrl ? await openPostgresStore(databaseUrl) : openSqliteStore(join(dir, 'data', 'bawaba.db'));
  return {
    dir,
    emulator: emulator.child,
    emulatorUrl: emulator.url,
    emulatorPool: pool(emulator.url, CONCURRENCY),
    nodes,
    apiKey,
    receiver,
    store,
    databaseLabel,
  };
}

// ---------------------------------------------------------------------------------------------
// Operations

let roundRobin = 0;
function nextNode(bench: Bench): GatewayNode {
  const node = bench.nodes[roundRobin++ % bench.nodes.length];
  if (!node) throw new Error('no gateway node');
  return node;
}

async function gatewayCreate(bench: Bench): Promise<{ id: string; providerPaymentId: string }> {
  const node = nextNode(bench);
  const answer = await send(
    node.pool,
    'POST',
    '/v1/payments',
    { ...jsonHeaders(bench.apiKey), 'idempotency-key': randomUUID() },
    GATEWAY_BODY,
  );
  if (answer.status !== 201) throw new Failure(`gateway create answered ${answer.status}`, answer.text);
  let payment: { id?: unknown; status?: unknown; provider_payment_id?: unknown };
  try {
    payment = JSON.parse(answer.text) as typeof payment;
  } catch {
    throw new Failure('gateway create answered a body that is not JSON', answer.text);
  }
  if (typeof payment.id !== 'string' || payment.status !== 'requires_action') {
    throw new Failure('gateway create answered an unexpected payment', answer.text);
  }
  totals.gatewayCreatedCount++;
  totals.gatewayCreated.add(payment.id);
  return { id: payment.id, providerPaymentId: String(payment.provider_payment_id) };
}

async function directCreate(emulatorPool: Pool, secretKey: string): Promise<void> {
  const answer = await send(
    emulatorPool,
    'POST',
    '/payments',
    { ...jsonHeaders(secretKey), 'cko-idempotency-key': randomUUID() },
    EMULATOR_BODY,
  );
  if (answer.status < 200 || answer.status > 299) {
    throw new Failure(`emulator create answered ${answer.status}`, answer.text);
  }
  if (!PAYMENT_ID.test(answer.text) || !answer.text.includes('"status":"Pending"')) {
    throw new Failure('emulator create answered an unexpected body', answer.text);
  }
  totals.directCreated++;
}

/** Latencies of the lifecycle phase, by measuring point. */
interface LifecycleSamples {
  /** From the emulator's completion call answered to `payment.captured` at the receiver, ms. */
  readonly webhookAfterCompletion: number[];
  /** The payments of those lifecycles. */
  readonly ids: string[];
}

async function lifecycle(bench: Bench, samples: LifecycleSamples): Promise<void> {
  const payment = await gatewayCreate(bench);
  const done = await send(
    bench.emulatorPool,
    'POST',
    `/__control/payments/${payment.providerPaymentId}/complete`,
    { 'content-type': 'application/json' },
    '{"outcome":"approve"}',
  );
  if (done.status !== 200) throw new Failure(`emulator completion answered ${done.status}`, done.text);
  totals.completions++;
  const completedAt = performance.now();
  totals.lifecyclePayments.push(payment.id);
  let arrival: Awaited<ReturnType<BenchReceiver['waitCaptured']>>;
  try {
    arrival = await bench.receiver.waitCaptured(payment.id, CAPTURE_TIMEOUT_MS);
  } catch (err) {
    throw new Failure('payment.captured not received in time', (err as Error).message);
  }
  samples.webhookAfterCompletion.push(arrival.at - completedAt);
  samples.ids.push(payment.id);
}

async function hello(helloPool: Pool): Promise<void> {
  const answer = await send(helloPool, 'GET', '/', {});
  if (answer.status !== 200) throw new Failure(`hello answered ${answer.status}`, answer.text);
}

// ---------------------------------------------------------------------------------------------
// Phases

interface Phase {
  readonly label: string;
  readonly concurrency: number;
  readonly result: RunResult;
  /** Gateway CPU (all nodes), ms: during the phase, and until its aftermath settled. */
  readonly gatewayCpuMs: number;
  readonly gatewayCpuSettledMs: number;
  readonly emulatorCpuMs: number;
  readonly emulatorCpuSettledMs: number;
  /** This process's CPU (load generator and receiver) during the phase, ms. */
  readonly benchCpuMs: number;
  /** A local PostgreSQL server's CPU during the phase, ms (undefined: SQLite, or not on this machine). */
  readonly databaseCpuMs: number | undefined;
  /** How long after the phase its notifications and deliveries took to settle, ms. */
  readonly settleMs: number;
  /** When the measured run began and ended, epoch ms. */
  readonly window: { readonly from: number; readonly to: number };
  /** PostgreSQL's per-table counters over the measured run, when asked for. */
  readonly tables?: Map<string, TableStats>;
  /** Reconciliations of earlier payments that came due during the measured run. */
  readonly reconcilesDue: number;
}

const phases: Phase[] = [];
const problems: string[] = [];

/** Scheduled payment reconciliations due by `by` (epoch ms). */
async function reconcilesDueBy(bench: Bench, by: number): Promise<number> {
  return bench.store.count(
    `select count(*) as n from jobs where queue = 'reconcile_payment' and run_at <= ${Math.round(by)}`,
  );
}

/**
 * PostgreSQL's table counters once they count every payment created so far: sessions report
 * their statistics some time after their transactions, so the bench waits for them (a while).
 */
async function settledStats(bench: Bench): Promise<Map<string, TableStats> | undefined> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    const stats = await bench.store.tableStats();
    if (!stats) return undefined;
    if ((stats.get('payments')?.inserted ?? 0) >= totals.gatewayCreatedCount) return stats;
    if (performance.now() > deadline) {
      problems.push('PostgreSQL statistics did not catch up within 20 s: the per-table figures are short');
      return stats;
    }
    await sleep(250);
  }
}

function tableDelta(before: Map<string, TableStats>, after: Map<string, TableStats>): Map<string, TableStats> {
  const out = new Map<string, TableStats>();
  for (const [table, a] of after) {
    const b = before.get(table);
    out.set(table, {
      seqScans: a.seqScans - (b?.seqScans ?? 0),
      seqRowsRead: a.seqRowsRead - (b?.seqRowsRead ?? 0),
      indexScans: a.indexScans - (b?.indexScans ?? 0),
      inserted: a.inserted - (b?.inserted ?? 0),
      updated: a.updated - (b?.updated ?? 0),
      deleted: a.deleted - (b?.deleted ?? 0),
    });
  }
  return out;
}

/** A PostgreSQL server on this machine: its processes' CPU; undefined for SQLite or a remote one. */
function databaseCpu(): number | undefined {
  if (DATABASE_KIND !== 'postgres' || !POSTGRES_URL) return undefined;
  const host = new URL(POSTGRES_URL).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]', ''].includes(host)) return undefined;
  return cpuOfCommand('postgres');
}

function gatewayCpu(bench: Bench): number {
  return bench.nodes.reduce((sum, node) => sum + node.child.cpuMs(), 0);
}

/**
 * Waits until every provider notification the runs so far caused reached the gateway, and
 * no webhook delivery is pending. Returns how long that took; a problem if it never did.
 */
async function settle(bench: Bench, label: string): Promise<number> {
  const started = performance.now();
  // Each create notifies `payment_pending`; each approval `payment_capture_pending` and `payment_captured`.
  const expected = totals.gatewayCreatedCount + 2 * totals.completions;
  let notifications = 0;
  let pending = 0;
  for (;;) {
    assertRunning(bench, label);
    notifications = await bench.store.count('select count(*) as n from provider_notifications');
    pending = await bench.store.count("select count(*) as n from webhook_deliveries where status = 'pending'");
    if (notifications >= expected && pending === 0) return performance.now() - started;
    if (performance.now() - started > SETTLE_TIMEOUT_MS) {
      problems.push(
        `${label}: not settled after ${SETTLE_TIMEOUT_MS / 1000} s: ${notifications} of ${expected} provider notifications received, ${pending} webhook deliveries pending`,
      );
      return performance.now() - started;
    }
    await sleep(100);
  }
}

/** Throws, with its log's end, if a process of the bench ended while it should run. */
function assertRunning(bench: Bench, label: string, extra: readonly Child[] = []): void {
  for (const child of [bench.emulator, ...bench.nodes.map((n) => n.child), ...extra]) {
    const status = child.exitStatus();
    if (status)
      throw new Error(`the ${child.name} ended (${status}) during ${label}; its log ends:\n${child.logTail(20)}`);
  }
}

async function phase(
  bench: Bench,
  label: string,
  concurrency: number,
  warmupOperations: number,
  operation: (measured: boolean) => Promise<void>,
  options: { tableStats?: boolean; emulator?: Child } = {},
): Promise<Phase> {
  const emulator = options.emulator ?? bench.emulator;
  if (warmupOperations > 0) {
    const warm = await closedLoop({ concurrency, maxOperations: warmupOperations, operation: () => operation(false) });
    problems.push(...warm.problems.lines(`${label} (warm-up)`));
    await settle(bench, `${label} (warm-up)`);
  }
  const gateway0 = gatewayCpu(bench);
  const emulator0 = emulator.cpuMs();
  const bench0 = process.cpuUsage();
  const database0 = databaseCpu();
  const tables0 = options.tableStats ? await settledStats(bench) : undefined;
  // Reconciliations of earlier payments that fall due within the run, counted beforehand (a
  // run moves a job's time on, and a final payment's job goes).
  const reconcilesDue = await reconcilesDueBy(bench, Date.now() + SECONDS * 1000);
  const from = Date.now();
  const result = await closedLoop({
    concurrency,
    seconds: SECONDS,
    maxOperations: MAX_REQUESTS,
    operation: () => operation(true),
  });
  assertRunning(bench, label, [emulator]);
  const gateway1 = gatewayCpu(bench);
  const emulator1 = emulator.cpuMs();
  const benchCpu = process.cpuUsage(bench0);
  const database1 = databaseCpu();
  const tables1 = tables0 ? await settledStats(bench) : undefined;
  const settleMs = await settle(bench, label);
  const done: Phase = {
    label,
    concurrency,
    result,
    gatewayCpuMs: gateway1 - gateway0,
    gatewayCpuSettledMs: gatewayCpu(bench) - gateway0,
    emulatorCpuMs: emulator1 - emulator0,
    emulatorCpuSettledMs: emulator.cpuMs() - emulator0,
    benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
    databaseCpuMs: database0 === undefined || database1 === undefined ? undefined : database1 - database0,
    settleMs,
    window: { from, to: from + result.seconds * 1000 },
    reconcilesDue,
    ...(tables0 && tables1 && { tables: tableDelta(tables0, tables1) }),
  };
  problems.push(...result.problems.lines(label));
  if (result.succeeded === 0) problems.push(`${label}: nothing succeeded`);
  phases.push(done);
  console.log(
    `  ${label}: ${result.succeeded} in ${result.seconds.toFixed(1)} s, ${(result.succeeded / result.seconds).toFixed(0)}/s` +
      `${result.problems.total > 0 ? `, ${result.problems.total} failed` : ''}` +
      `${settleMs > 250 ? `, settled ${(settleMs / 1000).toFixed(1)} s after` : ''}`,
  );
  return done;
}

/** Unmeasured lifecycles for a while: the gateway's and the emulator's code gets optimised. */
async function warmUp(bench: Bench, samples: LifecycleSamples): Promise<void> {
  const run = await closedLoop({
    concurrency: CONCURRENCY,
    seconds: SECONDS_WARMUP,
    maxOperations: MAX_REQUESTS,
    operation: () => lifecycle(bench, samples),
  });
  problems.push(...run.problems.lines('gateway warm-up'));
  await settle(bench, 'gateway warm-up');
  console.log(`  gateway warm-up: ${run.succeeded} lifecycles in ${run.seconds.toFixed(1)} s`);
}

async function helloPhase(dir: string): Promise<Phase> {
  const port = await freePort();
  const child = spawnChild(
    'hello',
    ['--import', 'tsx', join(ROOT, 'test', 'load', 'hello-server.ts')],
    { PORT: String(port) },
    join(dir, 'hello.log'),
  );
  try {
    await child.waitForLog(/listening/, 30_000);
    const helloPool = pool(`http://127.0.0.1:${port}`, CONCURRENCY);
    try {
      const operation = () => hello(helloPool);
      const warm = await closedLoop({ concurrency: CONCURRENCY, maxOperations: WARMUP * 10, operation });
      problems.push(...warm.problems.lines('hello world (warm-up)'));
      const cpu0 = child.cpuMs();
      const bench0 = process.cpuUsage();
      const result = await closedLoop({
        concurrency: CONCURRENCY,
        seconds: SECONDS,
        maxOperations: MAX_REQUESTS * 10,
        operation,
      });
      const cpu = child.cpuMs() - cpu0;
      const benchCpu = process.cpuUsage(bench0);
      problems.push(...result.problems.lines('hello world'));
      const done: Phase = {
        label: `Fastify hello world, c=${CONCURRENCY}`,
        concurrency: CONCURRENCY,
        result,
        gatewayCpuMs: cpu,
        gatewayCpuSettledMs: cpu,
        emulatorCpuMs: 0,
        emulatorCpuSettledMs: 0,
        benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
        databaseCpuMs: undefined,
        settleMs: 0,
        window: { from: 0, to: 0 },
        reconcilesDue: 0,
      };
      phases.push(done);
      console.log(
        `  hello world: ${result.succeeded} in ${result.seconds.toFixed(1)} s, ${(result.succeeded / result.seconds).toFixed(0)}/s`,
      );
      return done;
    } finally {
      await helloPool.close();
    }
  } finally {
    await child.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Checks after the run

interface Checks {
  readonly lines: string[];
  /** From the gateway's receipt of the `payment_captured` notification to the receiver, ms. */
  readonly webhookAfterNotification: number[];
  /** Every attempt of the emulator to notify the gateway: when (epoch ms) and how long its answer took (whole ms). */
  readonly hookAttempts: { at: number; ms: number }[];
}

async function check(bench: Bench, measured: ReadonlySet<string>): Promise<Checks> {
  const lines: string[] = [];
  const fail = (line: string) => {
    problems.push(line);
    lines.push(`FAIL ${line}`);
  };
  const ok = (line: string) => lines.push(`ok   ${line}`);
  const { store, receiver } = bench;

  const stored = await store.count('select count(*) as n from payments');
  const created = totals.gatewayCreatedCount;
  if (stored !== created || totals.gatewayCreated.size !== created) {
    fail(
      `${created} gateway creates answered 201 (${totals.gatewayCreated.size} distinct ids), ${stored} payments stored`,
    );
  } else ok(`${created} gateway creates answered 201, ${stored} payments stored`);

  const lifecycles = totals.lifecyclePayments;
  const capturedRows = await store.rows("select id from payments where status = 'captured'");
  const captured = new Set(capturedRows.map((r) => String(r.id)));
  const notCaptured = lifecycles.filter((id) => !captured.has(id));
  if (notCaptured.length > 0) {
    fail(`${notCaptured.length} of ${lifecycles.length} approved payments not captured (e.g. ${notCaptured[0]})`);
  } else ok(`${lifecycles.length} approved payments, all captured in the database`);

  const eventRows = await store.rows(
    "select object_id, count(*) as n from events where type = 'payment.captured' group by object_id",
  );
  const capturedEvents = new Map(eventRows.map((r) => [String(r.object_id), Number(r.n)]));
  const wrongEvents = lifecycles.filter((id) => capturedEvents.get(id) !== 1);
  const strayEvents = [...capturedEvents.keys()].filter((id) => !lifecycles.includes(id));
  if (wrongEvents.length > 0 || strayEvents.length > 0) {
    fail(
      `payment.captured events: ${wrongEvents.length} approved payments without exactly one, ${strayEvents.length} for payments never approved`,
    );
  } else ok(`one payment.captured event per approved payment`);

  const notOnce = lifecycles.filter((id) => receiver.captured.get(id)?.size !== 1);
  if (notOnce.length > 0) {
    const example = notOnce[0] as string;
    fail(
      `${notOnce.length} approved payments not delivered under exactly one webhook-id (e.g. ${example}: ${receiver.captured.get(example)?.size ?? 0})`,
    );
  } else ok(`every payment.captured delivered to the receiver under exactly one webhook-id`);

  const subscribed = WEBHOOK_EVENTS.includes('*')
    ? ''
    : ` where type in (${WEBHOOK_EVENTS.map((e) => `'${e.replace(/'/g, "''")}'`).join(', ')})`;
  const events = await store.count(`select count(*) as n from events${subscribed}`);
  const deliveryRows = await store.rows('select status, count(*) as n from webhook_deliveries group by status');
  const deliveries = new Map(deliveryRows.map((r) => [String(r.status), Number(r.n)]));
  const deliveryTotal = [...deliveries.values()].reduce((a, b) => a + b, 0);
  const succeeded = deliveries.get('succeeded') ?? 0;
  const distinct = receiver.distinctWebhookIds();
  const typeCounts = [...receiver.types()].map(([type, n]) => `${type} ${n}`).join(', ');
  if (deliveryTotal !== events || succeeded !== events || distinct !== events) {
    fail(
      `${events} subscribed events, ${deliveryTotal} deliveries (${[...deliveries].map(([s, n]) => `${s} ${n}`).join(', ')}), ${distinct} distinct webhook-ids received`,
    );
  } else ok(`${events} subscribed events, each delivered once and succeeded; received: ${typeCounts}`);
  if (receiver.malformed() > 0) fail(`${receiver.malformed()} deliveries without a webhook-id or event body`);

  // A webhook-id may come again after an attempt the gateway saw fail (at least once); never
  // after one it recorded as a success, nor more often than it recorded attempts (two
  // workers or nodes sending the same delivery).
  const attemptRows = await store.rows(
    'select d.event_id as id, count(*) as attempts, sum(case when a.status_code >= 200 and a.status_code < 300 then 1 else 0 end) as ok from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id group by d.event_id',
  );
  const attempts = new Map(attemptRows.map((r) => [String(r.id), { attempts: Number(r.attempts), ok: Number(r.ok) }]));
  let redelivered = 0;
  const doubled: string[] = [];
  for (const [id, n] of receiver.receipts()) {
    if (n < 2) continue;
    redelivered++;
    const recorded = attempts.get(id);
    if (!recorded || recorded.ok > 1 || n > recorded.attempts) {
      doubled.push(
        `${id} received ${n}×, ${recorded?.attempts ?? 0} attempts recorded, ${recorded?.ok ?? 0} succeeded`,
      );
    }
  }
  if (doubled.length > 0) {
    fail(`${doubled.length} webhook-ids sent again after an attempt had succeeded (e.g. ${doubled[0]})`);
  } else {
    ok(`no webhook-id sent again after a successful attempt`);
  }
  lines.push(
    `note ${receiver.deliveries()} webhook requests received, ${redelivered} webhook-id${redelivered === 1 ? '' : 's'} redelivered after a failed attempt (allowed)`,
  );

  // The provider's view: each notification answered 2xx at the first attempt, and how fast.
  const hookAttempts: { at: number; ms: number }[] = [];
  const notes = await http(`${bench.emulatorUrl}/__control/notifications`, 'GET', {});
  const records = (notes.json.notifications ?? []) as {
    delivered: boolean;
    attempts: { at: string; status_code: number | null; duration_ms: number }[];
  }[];
  let retried = 0;
  let undelivered = 0;
  for (const r of records) {
    if (!r.delivered) undelivered++;
    if (r.attempts.length > 1) retried++;
    for (const a of r.attempts) hookAttempts.push({ at: Date.parse(a.at), ms: a.duration_ms });
  }
  const expected = totals.gatewayCreatedCount + 2 * totals.completions;
  if (records.length !== expected || undelivered > 0 || retried > 0) {
    fail(
      `provider notifications: ${records.length} sent (${expected} expected), ${undelivered} undelivered, ${retried} needed a retry`,
    );
  } else ok(`${records.length} provider notifications, each answered 2xx at the first attempt`);

  // From the notification's arrival at the gateway (its own stored time) to the receiver.
  const arrivals = await store.rows(
    "select payment_id, min(received_at) as t from provider_notifications where event_type = 'payment_captured' and payment_id is not null group by payment_id",
  );
  const webhookAfterNotification: number[] = [];
  for (const row of arrivals) {
    if (!measured.has(String(row.payment_id))) continue;
    const arrival = receiver.arrival(String(row.payment_id));
    if (arrival && typeof row.t === 'number') webhookAfterNotification.push(arrival.epochMs - row.t);
  }
  webhookAfterNotification.sort((a, b) => a - b);
  return { lines, webhookAfterNotification, hookAttempts };
}

// ---------------------------------------------------------------------------------------------
// Report

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (row: readonly string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head, ...body] = rows;
  return [line(head ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const rate = (p: Phase) => p.result.succeeded / p.result.seconds;
const mib = (kb: number | undefined) => (kb === undefined ? '-' : `${(kb / 1024).toFixed(0)} MiB`);

const goals: { figure: string; met: boolean }[] = [];
function verdict(figure: string, met: boolean | undefined): string {
  if (met === undefined || SMOKE) return '';
  goals.push({ figure, met });
  return met ? 'met' : 'MISSED';
}

/** The gateway's answer times (emulator-timed, ms) to notifications sent during `phase`, sorted. */
function hookAnswers(checks: Checks, phase: Phase): number[] {
  const { from, to } = phase.window;
  return checks.hookAttempts
    .filter((a) => a.at >= from && a.at <= to)
    .map((a) => a.ms)
    .sort((a, b) => a - b);
}

/** What the figures imply, computed from them. */
function notes(p: Phases, checks: Checks): string[] {
  const out: string[] = [];
  const { lifecycles: l, gateway16: g } = p;
  const during = l ? hookAnswers(checks, l) : [];
  if (l && during.length > 0) {
    const total = during.reduce((a, b) => a + b, 0);
    const mean = total / during.length;
    const inFlight = total / (l.window.to - l.window.from);
    out.push(
      `The emulator sends a payment's notifications in order (the next after the gateway answered the last) and different payments' side by side, at most 32 at once per URL; 3 per lifecycle. During the lifecycles ${during.length} notifications took ${f2(mean)} ms each on average to be answered (the emulator's whole-ms timing), ${inFlight.toFixed(1)} in flight on average.`,
    );
  }
  if (g && g.settleMs > 1000) {
    out.push(
      `After the c=${g.concurrency} creates, the payment_pending notifications they caused took ${(g.settleMs / 1000).toFixed(1)} s more to reach the gateway.`,
    );
  }
  out.push(
    'Every payment still open 30 s after its creation is reconciled (a GET at the provider, then every minute): the create phases leave theirs for after the run, so their CPU per create does not include it; "reconciles due" counts those of earlier phases falling due in a run.',
  );
  const machine = (ph: Phase) => ((ph.gatewayCpuMs / (ph.result.seconds * 1000)) * 100).toFixed(0);
  const loaded = [
    ...(g ? [`${machine(g)} % of one core during the c=${g.concurrency} creates`] : []),
    ...(l ? [`${machine(l)} % during the lifecycles`] : []),
  ];
  if (loaded.length > 0) {
    out.push(
      `Gateway CPU while loaded${NODES > 1 ? ` (${NODES} nodes together)` : ''}: ${loaded.join(', ')} (one event loop per process; above 100 % is GC and I/O threads).`,
    );
  }
  return out;
}

/** PostgreSQL's counters per operation of a phase, busiest tables first (nothing on SQLite). */
function tableReport(phase: Phase): string[] {
  if (!phase.tables) return [];
  const n = phase.result.succeeded || 1;
  const per = (v: number) => (v / n).toFixed(2);
  const rows = [...phase.tables]
    .map(([table, t]) => ({ table, t, work: t.seqScans + t.indexScans + t.inserted + t.updated + t.deleted }))
    .filter((r) => r.work > 0)
    .sort((a, b) => b.work - a.work)
    .map(({ table, t }) => [
      table,
      per(t.inserted),
      per(t.updated),
      per(t.deleted),
      per(t.indexScans),
      per(t.seqScans),
      per(t.seqRowsRead),
    ]);
  return [
    `PostgreSQL per lifecycle (pg_stat_user_tables of the bench schema, over the measured run):`,
    '',
    table([['table', 'rows inserted', 'updated', 'deleted', 'index scans', 'seq scans', 'rows seq-read'], ...rows]),
    '',
  ];
}

/** ", PostgreSQL server x ms" per operation of a phase, when measured. */
function pgPer(phase: Phase): string {
  if (phase.databaseCpuMs === undefined) return '';
  return `; PostgreSQL server ${f2(phase.databaseCpuMs / phase.result.succeeded)} ms`;
}

type Phases = Partial<Record<'direct1' | 'gateway1' | 'direct16' | 'gateway16' | 'lifecycles' | 'hello', Phase>>;

/** One row of the summary: its figure, or "(not run)" when a phase it needs was left out. */
function row(
  figure: string,
  goal: string,
  needs: readonly (Phase | undefined)[],
  measure: () => { text: string; met?: boolean; goalName?: string },
): string[] {
  if (needs.some((phase) => phase === undefined || phase.result.succeeded === 0)) {
    return [figure, '(not run)', goal, ''];
  }
  const { text, met, goalName } = measure();
  return [figure, text, goal, goalName === undefined ? '' : verdict(goalName, met)];
}

function report(
  bench: Bench,
  p: Phases,
  samples: LifecycleSamples,
  checks: Checks,
  rss: { idle: (number | undefined)[]; end: (number | undefined)[]; idleCpuShare: number },
): string {
  const lat = (phase: Phase | undefined, q: number) => (phase ? percentile(phase.result.latencies, q) : Number.NaN);
  const per = (phase: Phase, ms: number) => ms / (phase.result.succeeded || 1);
  const c = CONCURRENCY;
  const perNode = NODES > 1 ? ` (${NODES} nodes)` : '';
  const lifecycleGoal = DATABASE_KIND === 'sqlite' ? 300 : 150;
  const after = [...samples.webhookAfterCompletion].sort((a, b) => a - b);
  const fromNotification = checks.webhookAfterNotification;
  const { direct1, gateway1, direct16, gateway16, lifecycles, hello } = p;
  /** The gateway's latency at `pct` over the emulator's, against at most `goalMs`. */
  const addedLatency = (pct: number, goalMs: number) => {
    const added = lat(gateway1, pct) - lat(direct1, pct);
    return {
      text: `+${f2(added)} ms (gateway ${f2(lat(gateway1, pct))}, emulator ${f2(lat(direct1, pct))})`,
      met: added <= goalMs,
      goalName: `added p${pct}`,
    };
  };
  const rows: string[][] = [
    ['figure', 'measured', 'goal', ''],
    row('added latency POST /v1/payments vs straight to the emulator, c=1, p50', '≤ 2 ms', [gateway1, direct1], () =>
      addedLatency(50, 2),
    ),
    row('added latency, c=1, p99', '≤ 10 ms', [gateway1, direct1], () => addedLatency(99, 10)),
    row(`creates/s at c=${c}: gateway vs straight to the emulator${perNode}`, '≥ 50 %', [gateway16, direct16], () => {
      const g = gateway16 as Phase;
      const d = direct16 as Phase;
      const ratio = rate(g) / rate(d);
      return {
        text: `${rate(g).toFixed(0)} vs ${rate(d).toFixed(0)} = ${(ratio * 100).toFixed(0)} %`,
        met: ratio >= 0.5,
        goalName: 'create ratio',
      };
    }),
    row('gateway CPU per create', '≤ 0.6 ms', [gateway16], () => {
      const g = gateway16 as Phase;
      const cpu = per(g, g.gatewayCpuMs);
      return {
        text: `${f2(cpu)} ms (${f2(per(g, g.gatewayCpuSettledMs))} ms with its payment_pending notifications)${pgPer(g)}`,
        met: cpu <= 0.6,
        goalName: 'cpu per create',
      };
    }),
    row(`full lifecycles/s at c=${c}${perNode}`, `≥ ${lifecycleGoal}`, [lifecycles], () => {
      const l = lifecycles as Phase;
      return {
        text: `${rate(l).toFixed(0)} (${l.result.succeeded} in ${l.result.seconds.toFixed(1)} s)`,
        met: rate(l) >= lifecycleGoal,
        goalName: 'lifecycles/s',
      };
    }),
    row('gateway CPU per lifecycle', '≤ 3 ms', [lifecycles], () => {
      const l = lifecycles as Phase;
      const cpu = per(l, l.gatewayCpuMs);
      return {
        text: `${f2(cpu)} ms (${f2(per(l, l.gatewayCpuSettledMs))} ms settled)${pgPer(l)}`,
        met: cpu <= 3,
        goalName: 'cpu per lifecycle',
      };
    }),
    row(
      'notification → payment.captured at the receiver, from its arrival at the gateway: p50 / p99',
      'p99 < 100 ms',
      [lifecycles],
      () => ({
        text: `${f1(percentile(fromNotification, 50))} / ${f1(percentile(fromNotification, 99))} ms (max ${f1(fromNotification.at(-1) ?? Number.NaN)}; the gateway's received_at, ms clock)`,
        met: percentile(fromNotification, 99) < 100,
        goalName: 'webhook p99',
      }),
    ),
    row("  the same from the emulator's completion call answered: p50 / p99", '', [lifecycles], () => ({
      text: `${f1(percentile(after, 50))} / ${f1(percentile(after, 99))} ms (max ${f1(after.at(-1) ?? Number.NaN)}; includes the emulator's notification queue)`,
    })),
    row(
      "  the gateway's answer to a provider notification during the lifecycles, timed by the emulator: p50 / p99",
      '',
      [lifecycles],
      () => {
        const hooks = hookAnswers(checks, lifecycles as Phase);
        return { text: `${f1(percentile(hooks, 50))} / ${f1(percentile(hooks, 99))} ms (whole ms)` };
      },
    ),
    row('emulator CPU per lifecycle', '(reference)', [lifecycles], () => {
      const l = lifecycles as Phase;
      const straight = direct16 ? ` (per straight create: ${f2(per(direct16, direct16.emulatorCpuMs))} ms)` : '';
      return { text: `${f2(per(l, l.emulatorCpuSettledMs))} ms${straight}` };
    }),
    [
      'gateway resident memory: idle / end',
      `${rss.idle.map(mib).join(', ')} / ${rss.end.map(mib).join(', ')}`,
      '(shown)',
      '',
    ],
    [
      `gateway CPU at idle${NODES > 1 ? ` (${NODES} nodes)` : ''}`,
      `${(rss.idleCpuShare * 100).toFixed(1)} % of a core`,
      '(shown)',
      '',
    ],
    row(`bare Fastify hello world req/s at c=${c}`, '(platform limit)', [hello], () => {
      const h = hello as Phase;
      return { text: `${rate(h).toFixed(0)} (its CPU ${f2(per(h, h.gatewayCpuMs))} ms per request)` };
    }),
  ];

  const detail: string[][] = [
    [
      'phase',
      'ok',
      'failed',
      'per s',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'max ms',
      'CPU ms/op: gateway',
      'emulator',
      'load+receiver',
      'postgres',
      'machine busy',
      'settled after',
      'reconciles due',
    ],
  ];
  for (const ph of phases) {
    const r = ph.result;
    const n = r.succeeded || 1;
    detail.push([
      ph.label,
      String(r.succeeded),
      String(r.problems.total),
      rate(ph).toFixed(0),
      f2(percentile(r.latencies, 50)),
      f2(percentile(r.latencies, 90)),
      f2(percentile(r.latencies, 99)),
      f2(r.latencies.at(-1) ?? Number.NaN),
      ph.label.startsWith('Fastify') ? `(hello) ${f2(ph.gatewayCpuMs / n)}` : f2(ph.gatewayCpuMs / n),
      ph.label.startsWith('Fastify') ? '-' : f2(ph.emulatorCpuMs / n),
      f2(ph.benchCpuMs / n),
      ph.databaseCpuMs === undefined ? '-' : f2(ph.databaseCpuMs / n),
      `${((100 * (ph.gatewayCpuMs + ph.emulatorCpuMs + ph.benchCpuMs + (ph.databaseCpuMs ?? 0))) / (ph.result.seconds * 1000 * availableParallelism())).toFixed(0)} %`,
      ph.settleMs > 0 ? `${(ph.settleMs / 1000).toFixed(1)} s` : '-',
      ph.label.startsWith('gateway') || ph.label.startsWith('lifecycles') ? String(ph.reconcilesDue) : '-',
    ]);
  }

  return [
    '',
    `Bawaba bench — database: ${bench.databaseLabel}${NODES > 1 ? `, ${NODES} gateway nodes (API requests round-robin; provider notifications to node 1; every node runs a worker)` : ''}; ${SECONDS} s per phase; merchant endpoint subscribed to ${WEBHOOK_EVENTS.join(', ')}${SMOKE ? ' (smoke: goals not judged)' : ''}`,
    `This machine has ${availableParallelism()} CPU cores, shared by every process: emulator, gateway${NODES > 1 ? 's' : ''}, hello world, and this one (load generator and webhook receiver).`,
    '',
    table(rows),
    '',
    table(detail),
    '',
    ...(p.lifecycles ? tableReport(p.lifecycles) : []),
    'Notes:',
    ...notes(p, checks).map((l) => `  ${l}`),
    '',
    'Checks:',
    ...checks.lines.map((l) => `  ${l}`),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------

function databaseFor(): { url: string | undefined; label: string } {
  if (DATABASE_KIND === 'sqlite') return { url: undefined, label: 'SQLite (file, WAL)' };
  const url = new URL(POSTGRES_URL as string);
  const schema = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  url.searchParams.set('schema', schema);
  const shown = new URL(url);
  if (shown.password) shown.password = '***';
  return { url: url.toString(), label: `PostgreSQL (${shown.host}${shown.pathname}, schema ${schema})` };
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bawaba-bench-'));
  if (!KEEP) removeOnExit(dir);
  const database = databaseFor();
  let bench: Bench | undefined;
  let output = '';
  /** Which process each CPU profile is of (by pid). */
  const profiled = new Map<number, string>();
  try {
    console.log(`bench: ${database.label}, ${SECONDS} s per phase, logs in ${dir}`);
    const p: Phases = {};
    if (PHASES.includes('hello')) p.hello = await helloPhase(dir);
    bench = await setUp(dir, database.url, database.label);
    const b = bench;
    // A quiet moment: what the gateway costs doing nothing (its worker's polling, timers).
    const idleCpu0 = gatewayCpu(b);
    const idleStart = performance.now();
    await sleep(SMOKE ? 500 : 3000);
    const idleCpuShare = (gatewayCpu(b) - idleCpu0) / (performance.now() - idleStart);
    const idle = b.nodes.map((n) => n.child.rssKb());
    const samples: LifecycleSamples = { webhookAfterCompletion: [], ids: [] };
    const warmSamples: LifecycleSamples = { webhookAfterCompletion: [], ids: [] };
    let warm = false;
    for (const name of PHASES) {
      if (!warm && (name === 'lifecycles' || name === 'creates')) {
        // The gateway and its emulator run far slower until V8 has optimised their hot paths:
        // lifecycles (whose payments end captured, so they leave no reconciliation behind)
        // for a while before the first measured phase.
        warm = true;
        await warmUp(b, warmSamples);
      }
      if (name === 'direct') {
        // Straight creates go to an emulator of their own, stopped once measured: the payments
        // they leave would otherwise weigh on the emulator the gateway uses (it sweeps them all).
        const direct = await startEmulator(dir, 'emulator for straight creates');
        const directPool = pool(direct.url, CONCURRENCY);
        const straight = () => directCreate(directPool, direct.secretKey);
        const options = { emulator: direct.child };
        p.direct1 = await phase(b, 'emulator POST /payments, c=1', 1, WARMUP, straight, options);
        p.direct16 = await phase(
          b,
          `emulator POST /payments, c=${CONCURRENCY}`,
          CONCURRENCY,
          WARMUP,
          straight,
          options,
        );
        await directPool.close();
        await direct.child.stop();
        profiled.set(direct.child.pid, 'emulator for straight creates');
      } else if (name === 'lifecycles') {
        p.lifecycles = await phase(
          b,
          `lifecycles, c=${CONCURRENCY}`,
          CONCURRENCY,
          Math.max(1, Math.round(WARMUP / 3)),
          (measured) => lifecycle(b, measured ? samples : warmSamples),
          { tableStats: true },
        );
      } else if (name === 'creates') {
        const create = () => gatewayCreate(b).then(() => {});
        p.gateway1 = await phase(b, 'gateway POST /v1/payments, c=1', 1, WARMUP, create);
        p.gateway16 = await phase(b, `gateway POST /v1/payments, c=${CONCURRENCY}`, CONCURRENCY, WARMUP, create);
      }
    }
    const end = b.nodes.map((n) => n.child.rssKb());
    // A graceful stop (a CPU profile, when asked for, is written then) before the last counts.
    for (const node of b.nodes) await node.child.stop();
    const checks = await check(b, new Set(samples.ids));
    output = report(b, p, samples, checks, {
      idle,
      end,
      idleCpuShare,
    });
    console.log(output);
    if (PROFILE_DIR) {
      await b.emulator.stop();
      profiled.set(b.emulator.pid, 'emulator');
      for (const n of b.nodes) profiled.set(n.child.pid, n.child.name);
      console.log(`\n${summarizeProfiles(PROFILE_DIR, 25, profiled)}`);
    }
  } finally {
    if (bench) {
      await Promise.all(bench.nodes.map((n) => n.pool.close()));
      await bench.emulatorPool.close();
      for (const node of bench.nodes) await node.child.stop();
      await bench.emulator.stop();
      await bench.receiver.close();
      await bench.store.close();
    }
    if (database.url && !KEEP) await dropSchema(database.url);
  }
  if (problems.length > 0) {
    console.error(`\nFAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'}:`);
    for (const p of problems) console.error(`  - ${p}`);
    return 1;
  }
  const missed = goals.filter((g) => !g.met);
  if (ASSERT_GOALS && missed.length > 0) {
    console.error(`\ngoals missed: ${missed.map((g) => g.figure).join(', ')}`);
    return 2;
  }
  console.log(`\nbench passed: every request answered 2xx, and payments, events and deliveries add up.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`\nbench FAILED: ${err instanceof Error ? err.message : String(err)}`);
    if (problems.length > 0) console.error(`before that:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    if (err instanceof Error && !err.message.includes(' ended (')) console.error(err.stack);
    process.exit(1);
  },
);

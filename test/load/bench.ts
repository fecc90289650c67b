/**
 * `npm run bench`: the payment path with every party in its own process on this machine.
 *
 *   emulators  `bawaba emulate <provider>`, one process per provider: Checkout.com, and Tap, Qattah
 *              and Akurateco for their phases (payments, control API, hosted pages, notifications)
 *   gateway    `bawaba serve` in production mode with its worker (`--nodes N`: N of them, one PostgreSQL)
 *   hello      a bare Fastify hello world (the platform's reference)
 *   floor      test/load/floor-server.ts, the least a durable gateway does per create (the
 *              payment path's reference), against a Checkout.com emulator of its own
 *   this       the load generator (undici, closed loop) and the merchant's webhook receiver
 *
 * Phases, each after a warm-up and with every notification and delivery of the one before
 * settled: the hello world; creates straight to an emulator of their own at concurrency 1 and
 * 16; the same creates through the floor at concurrency 1 and 16, each notified; full lifecycles through the gateway at concurrency 16 (create → the provider captures →
 * its signed notification → `payment.captured` at the merchant); creates through the gateway at
 * concurrency 1 (added latency) and 16 (throughput, CPU per create). Between the lifecycles and
 * the creates, lifecycles through each other provider at concurrency 16, a few seconds each
 * (`tap`, `qattah`: an order split between 3 payers, `akurateco`: the card form on its hosted
 * page; test/load/bench-connectors.ts), so the report shows every emulator's CPU per lifecycle
 * beside the gateway's. CPU time and memory come from /proc (a local PostgreSQL's too).
 *
 * Usage: node --import tsx test/load/bench.ts [--smoke] [--database sqlite|postgres] [--nodes N]
 *          [--phases hello,direct,floor,lifecycles,tap,qattah,akurateco,creates,checkout]   (a subset, in order)
 *
 * Environment:
 *   BENCH_SECONDS               length of each measured phase (default 10; smoke 1.5)
 *   BENCH_MAX_REQUESTS          at most this many operations per measured phase (default 200000)
 *   BENCH_WARMUP_SECONDS        lifecycles through the gateway before its first phase (default 10)
 *   BENCH_WARMUP                operations before each phase (default 300, lifecycles a third)
 *   BENCH_CONNECTOR_SECONDS     length of the tap, qattah and akurateco phases (default 5; smoke 0.5)
 *   BENCH_CONNECTOR_WARMUP_SECONDS  their warm-up (default 3; smoke 0.2)
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
 * time, and each emulator sent as many as its lifecycles call for (test/load/bench-checks.ts);
 * the floor stored each of its creates and each of their notifications once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { freePort } from '../soak/gateway-process.ts';
import { checkoutVisit, newCheckoutSamples } from './bench-checkout.ts';
import { check, type NotifyingProvider } from './bench-checks.ts';
import {
  CONNECTOR_BENCHES,
  CONNECTORS,
  type ConnectorId,
  type Created,
  type ProviderEmulator,
  startProviderEmulator,
} from './bench-connectors.ts';
import { startFloor } from './bench-floor.ts';
import {
  ASSERT_GOALS,
  CAPTURE_TIMEOUT_MS,
  CONCURRENCY,
  CONNECTOR_SECONDS,
  CONNECTOR_WARMUP_SECONDS,
  DATABASE_KIND,
  KEEP,
  MAX_REQUESTS,
  NODES,
  PHASES,
  POSTGRES_URL,
  PROFILE_DIR,
  SECONDS,
  SECONDS_WARMUP,
  SETTLE_TIMEOUT_MS,
  SMOKE,
  WARMUP,
  WEBHOOK_EVENTS,
} from './bench-options.ts';
import { goals, type Phase, type Phases, report } from './bench-report.ts';
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
import { closedLoop, Failure, fetchJson, pool, send } from './load.ts';
import { summarizeProfiles } from './profile.ts';
import { dropSchema, openPostgresStore, openSqliteStore, type Store, type TableStats } from './store.ts';
import { type BenchReceiver, startBenchReceiver } from './webhook-receiver.ts';

// ---------------------------------------------------------------------------------------------
// What is sent straight to an emulator

/** What the gateway's Checkout.com connector sends for its payment, near enough. */
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
  /** The provider emulators the phases asked for use, each in its own process. */
  readonly emulators: ReadonlyMap<ConnectorId, ProviderEmulator>;
  readonly nodes: GatewayNode[];
  readonly apiKey: string;
  readonly receiver: BenchReceiver;
  readonly store: Store;
  readonly databaseLabel: string;
}

/** Counts every phase adds to: what the database and the emulators must hold at the end. */
const totals = {
  gatewayCreated: new Set<string>(),
  gatewayCreatedCount: 0,
  directCreated: 0,
  lifecyclePayments: [] as string[],
  /** Provider notifications each emulator must have sent the gateway. */
  notifications: new Map<ConnectorId, number>(),
};

const expectedNotifications = () => [...totals.notifications.values()].reduce((a, b) => a + b, 0);
function expectNotifications(connector: ConnectorId, n: number): void {
  if (n > 0) totals.notifications.set(connector, (totals.notifications.get(connector) ?? 0) + n);
}

function jsonHeaders(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
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
    // Shoppers reach the checkout pages from addresses of their own, through a proxy on loopback
    // (the pages limit views per address): test/load/bench-checkout.ts gives each one.
    BAWABA_TRUST_PROXY: '127.0.0.1',
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

/** The connectors whose lifecycles the chosen phases run (`lifecycles` and `creates` use Checkout.com). */
function connectorsRun(): ConnectorId[] {
  return CONNECTORS.filter((id) =>
    id === 'checkout_com'
      ? PHASES.some((n) => n === 'lifecycles' || n === 'creates' || n === 'checkout')
      : PHASES.includes(id),
  );
}

const emulatorLabel = (id: ConnectorId) => (id === 'checkout_com' ? 'emulator' : `${id} emulator`);

/** The gateway's connector to `emulator`, as a merchant of its own there, and its notifications pointed at the gateway. */
async function configureConnector(first: GatewayNode, apiKey: string, emulator: ProviderEmulator): Promise<void> {
  const spec = CONNECTOR_BENCHES[emulator.connector];
  const account = await spec.account(emulator);
  const connector = await fetchJson(`${first.url}/v1/connectors/${emulator.connector}`, 'PUT', jsonHeaders(apiKey), {
    credentials: account.credentials,
    settings: { base_url: emulator.url },
  });
  const hookUrl = connector.json.webhook_url;
  if (connector.status !== 200 || typeof hookUrl !== 'string') {
    throw new Error(`connector ${emulator.connector}: ${connector.text}`);
  }
  await account.afterConnector(hookUrl);
}

async function setUp(dir: string, databaseUrl: string | undefined, databaseLabel: string): Promise<Bench> {
  const emulators = new Map<ConnectorId, ProviderEmulator>();
  await Promise.all(
    connectorsRun().map(async (id) => {
      emulators.set(id, await startProviderEmulator(dir, id, emulatorLabel(id), CONCURRENCY, profileArgs()));
    }),
  );

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
  for (const emulator of emulators.values()) await configureConnector(first, apiKey, emulator);

  const receiver = await startBenchReceiver();
  const endpoint = await fetchJson(
    `${first.url}/v1/webhook_endpoints`,
    'POST',
    { ...jsonHeaders(apiKey), 'idempotency-key': randomUUID() },
    { url: `${receiver.url}/webhooks`, enabled_events: WEBHOOK_EVENTS },
  );
  if (endpoint.status !== 201) throw new Error(`webhook endpoint: ${endpoint.text}`);

  const store = databaseUrl ? await openPostgresStore(databaseUrl) : openSqliteStore(join(dir, 'data', 'bawaba.db'));
  return { dir, emulators, nodes, apiKey, receiver, store, databaseLabel };
}

function emulatorOf(bench: Bench, connector: ConnectorId): ProviderEmulator {
  const emulator = bench.emulators.get(connector);
  if (!emulator) throw new Error(`no ${connector} emulator`);
  return emulator;
}

// ---------------------------------------------------------------------------------------------
// Operations

let roundRobin = 0;
function nextNode(bench: Bench): GatewayNode {
  const node = bench.nodes[roundRobin++ % bench.nodes.length];
  if (!node) throw new Error('no gateway node');
  return node;
}

async function gatewayCreate(bench: Bench, connector: ConnectorId = 'checkout_com'): Promise<Created> {
  const node = nextNode(bench);
  const spec = CONNECTOR_BENCHES[connector];
  const answer = await send(
    node.pool,
    'POST',
    '/v1/payments',
    { ...jsonHeaders(bench.apiKey), 'idempotency-key': randomUUID() },
    spec.createBody,
  );
  if (answer.status !== 201) throw new Failure(`gateway create answered ${answer.status}`, answer.text);
  let payment: { id?: unknown; status?: unknown; provider_payment_id?: unknown; next_action?: { url?: unknown } };
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
  expectNotifications(connector, spec.notificationsPerCreate);
  return {
    id: payment.id,
    providerPaymentId: String(payment.provider_payment_id),
    redirectUrl: String(payment.next_action?.url),
  };
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
  /** From the customer's payment answered to `payment.captured` at the receiver, ms. */
  readonly webhookAfterCompletion: number[];
  /** The payments of those lifecycles. */
  readonly ids: string[];
}

/** One payment through `connector`: created at the gateway, paid at the provider, `payment.captured` at the merchant. */
async function lifecycle(bench: Bench, samples: LifecycleSamples, connector: ConnectorId): Promise<void> {
  const payment = await gatewayCreate(bench, connector);
  const spec = CONNECTOR_BENCHES[connector];
  await spec.pay(emulatorOf(bench, connector), payment);
  expectNotifications(connector, spec.notificationsPerPayment);
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
 * no webhook delivery is pending; a problem if it never did.
 */
async function settle(bench: Bench, label: string): Promise<void> {
  const started = performance.now();
  // Counted as the lifecycles went (Checkout.com notifies each create, every provider each payment).
  const expected = expectedNotifications();
  let notifications = 0;
  let pending = 0;
  for (;;) {
    assertRunning(bench, label);
    notifications = await bench.store.count('select count(*) as n from provider_notifications');
    pending = await bench.store.count("select count(*) as n from webhook_deliveries where status = 'pending'");
    if (notifications >= expected && pending === 0) return;
    if (performance.now() - started > SETTLE_TIMEOUT_MS) {
      problems.push(
        `${label}: not settled after ${SETTLE_TIMEOUT_MS / 1000} s: ${notifications} of ${expected} provider notifications received, ${pending} webhook deliveries pending`,
      );
      return;
    }
    await sleep(100);
  }
}

/** Throws, with its log's end, if a process of the bench ended while it should run. */
function assertRunning(bench: Bench, label: string, extra: readonly Child[] = []): void {
  const emulators = [...bench.emulators.values()].map((e) => e.child);
  for (const child of [...emulators, ...bench.nodes.map((n) => n.child), ...extra]) {
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
  options: {
    tableStats?: boolean;
    emulator?: Child;
    seconds?: number;
    warmupSeconds?: number;
    /** Another server loaded in the gateway's place (the floor): its CPU, and the wait for its aftermath. */
    server?: { readonly child: Child; settled(ms: number): Promise<void> };
  } = {},
): Promise<Phase> {
  const emulator = options.emulator ?? emulatorOf(bench, 'checkout_com').child;
  const server = options.server;
  const serverCpu = () => (server ? server.child.cpuMs() : gatewayCpu(bench));
  const seconds = options.seconds ?? SECONDS;
  if (warmupOperations > 0 || options.warmupSeconds !== undefined) {
    const warm = await closedLoop({
      concurrency,
      ...(options.warmupSeconds !== undefined && { seconds: options.warmupSeconds }),
      maxOperations: options.warmupSeconds === undefined ? warmupOperations : MAX_REQUESTS,
      operation: () => operation(false),
    });
    problems.push(...warm.problems.lines(`${label} (warm-up)`));
    await settle(bench, `${label} (warm-up)`);
    await server?.settled(10_000);
  }
  const gateway0 = serverCpu();
  const emulator0 = emulator.cpuMs();
  const bench0 = process.cpuUsage();
  const database0 = databaseCpu();
  const tables0 = options.tableStats ? await settledStats(bench) : undefined;
  // Reconciliations of earlier payments that fall due within the run, counted beforehand (a
  // run moves a job's time on, and a final payment's job goes).
  const reconcilesDue = await reconcilesDueBy(bench, Date.now() + seconds * 1000);
  const from = Date.now();
  const result = await closedLoop({
    concurrency,
    seconds,
    maxOperations: MAX_REQUESTS,
    operation: () => operation(true),
  });
  assertRunning(bench, label, [emulator, ...(server ? [server.child] : [])]);
  const gateway1 = serverCpu();
  const emulator1 = emulator.cpuMs();
  const benchCpu = process.cpuUsage(bench0);
  const database1 = databaseCpu();
  const tables1 = tables0 ? await settledStats(bench) : undefined;
  const settleStart = performance.now();
  await settle(bench, label);
  await server?.settled(10_000);
  const settleMs = performance.now() - settleStart;
  const done: Phase = {
    label,
    concurrency,
    result,
    gatewayCpuMs: gateway1 - gateway0,
    gatewayCpuSettledMs: serverCpu() - gateway0,
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
    operation: () => lifecycle(bench, samples, 'checkout_com'),
  });
  problems.push(...run.problems.lines('gateway warm-up'));
  await settle(bench, 'gateway warm-up');
  console.log(`  gateway warm-up: ${run.succeeded} lifecycles in ${run.seconds.toFixed(1)} s`);
}

/**
 * Lifecycles through one more provider, on its own emulator: a warm-up of that emulator (and
 * of the gateway's connector) for a few seconds, then a few seconds measured.
 */
async function connectorPhase(bench: Bench, connector: Exclude<ConnectorId, 'checkout_com'>): Promise<Phase> {
  const { shares } = CONNECTOR_BENCHES[connector];
  const samples: LifecycleSamples = { webhookAfterCompletion: [], ids: [] };
  return phase(
    bench,
    `lifecycles (${connector}${shares > 1 ? `, ${shares} shares` : ''}), c=${CONCURRENCY}`,
    CONCURRENCY,
    0,
    () => lifecycle(bench, samples, connector),
    {
      emulator: emulatorOf(bench, connector).child,
      seconds: CONNECTOR_SECONDS,
      warmupSeconds: CONNECTOR_WARMUP_SECONDS,
    },
  );
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
    console.log(
      `bench: ${database.label}, ${SECONDS} s per phase (${CONNECTOR_SECONDS} s per other provider), logs in ${dir}`,
    );
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
    const checkoutSamples = newCheckoutSamples();
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
        const direct = await startProviderEmulator(
          dir,
          'checkout_com',
          'emulator for straight creates',
          CONCURRENCY,
          profileArgs(),
        );
        const secretKey = /Secret key:\s+(sk_sbox_\S+)/.exec(direct.child.log())?.[1];
        if (!secretKey) throw new Error(`no secret key in the emulator's output:\n${direct.child.log()}`);
        const straight = () => directCreate(direct.pool, secretKey);
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
        await direct.pool.close();
        await direct.child.stop();
        profiled.set(direct.child.pid, 'emulator for straight creates');
      } else if (name === 'floor') {
        const floor = await startFloor(dir, database.url, profileArgs());
        try {
          const create = () => floor.create();
          const options = { emulator: floor.emulator.child, server: { child: floor.server, settled: floor.settled } };
          p.floor1 = await phase(b, 'floor POST /v1/payments, c=1', 1, WARMUP, create, options);
          p.floor16 = await phase(b, `floor POST /v1/payments, c=${CONCURRENCY}`, CONCURRENCY, WARMUP, create, options);
          problems.push(...(await floor.check()));
        } finally {
          await floor.close();
        }
        profiled.set(floor.server.pid, 'floor server');
        profiled.set(floor.emulator.child.pid, 'emulator for the floor');
      } else if (name === 'lifecycles') {
        p.lifecycles = await phase(
          b,
          `lifecycles, c=${CONCURRENCY}`,
          CONCURRENCY,
          Math.max(1, Math.round(WARMUP / 3)),
          (measured) => lifecycle(b, measured ? samples : warmSamples, 'checkout_com'),
          { tableStats: true },
        );
      } else if (name === 'tap' || name === 'qattah' || name === 'akurateco') {
        p[name] = await connectorPhase(b, name);
      } else if (name === 'creates') {
        const create = () => gatewayCreate(b).then(() => {});
        p.gateway1 = await phase(b, 'gateway POST /v1/payments, c=1', 1, WARMUP, create);
        p.gateway16 = await phase(b, `gateway POST /v1/payments, c=${CONCURRENCY}`, CONCURRENCY, WARMUP, create);
      } else if (name === 'checkout') {
        const visit = async (measured: boolean) => {
          const id = await checkoutVisit(nextNode(b).pool, b.apiKey, measured ? checkoutSamples : undefined);
          totals.gatewayCreatedCount++;
          totals.gatewayCreated.add(id);
          expectNotifications('checkout_com', CONNECTOR_BENCHES.checkout_com.notificationsPerCreate);
        };
        p.checkout = await phase(b, 'checkout: session, page, QPay chosen, c=1', 1, Math.round(WARMUP / 3), visit);
      }
    }
    const end = b.nodes.map((n) => n.child.rssKb());
    // A graceful stop (a CPU profile, when asked for, is written then) before the last counts.
    for (const node of b.nodes) await node.child.stop();
    const providers: NotifyingProvider[] = CONNECTORS.flatMap((id) => {
      const emulator = b.emulators.get(id);
      if (!emulator) return [];
      return [{ bench: CONNECTOR_BENCHES[id], emulator, expected: totals.notifications.get(id) ?? 0 }];
    });
    const checks = await check({
      store: b.store,
      receiver: b.receiver,
      providers,
      created: totals.gatewayCreatedCount,
      createdIds: totals.gatewayCreated,
      lifecycles: totals.lifecyclePayments,
      webhookEvents: WEBHOOK_EVENTS,
      measured: new Set(samples.ids),
    });
    problems.push(...checks.failures);
    output = report({
      databaseLabel: b.databaseLabel,
      phases,
      p,
      webhookAfterCompletion: samples.webhookAfterCompletion,
      checkout: checkoutSamples,
      checks,
      rss: { idle, end, idleCpuShare },
    });
    console.log(output);
    if (PROFILE_DIR) {
      for (const emulator of b.emulators.values()) {
        await emulator.child.stop();
        profiled.set(emulator.child.pid, emulator.child.name);
      }
      for (const n of b.nodes) profiled.set(n.child.pid, n.child.name);
      console.log(`\n${summarizeProfiles(PROFILE_DIR, 25, profiled)}`);
    }
  } finally {
    if (bench) {
      await Promise.all(bench.nodes.map((n) => n.pool.close()));
      await Promise.all([...bench.emulators.values()].map((e) => e.pool.close()));
      for (const node of bench.nodes) await node.child.stop();
      for (const emulator of bench.emulators.values()) await emulator.child.stop();
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

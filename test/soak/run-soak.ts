/**
 * The crash soak: concurrent QPay payment lifecycles against a gateway child process that is
 * killed with SIGKILL at random moments and started again at once. What must hold whatever the
 * moment of the kill:
 * - no acknowledged payment (a 201 the merchant got) is lost: it exists and ends `captured`;
 * - one Idempotency-Key never makes two gateway payments, nor two payments at the provider;
 * - every capture reaches the merchant's webhook receiver at least once;
 * - every payment has exactly one `payment.captured` event.
 *
 * This process hosts what must outlive the gateway's deaths: the Checkout.com emulator (the
 * provider, which retries its notifications on its own schedule) and the merchant's receiver.
 * Everything listens on 127.0.0.1; every count and wait is bounded.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createAccountWithKey } from '../../src/api-key-admin.ts';
import { loadConfig } from '../../src/config.ts';
import type { CheckoutComControl } from '../../src/emulators/checkout-com/control.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulators/registry.ts';
import { adminDeps, type Core, openCore } from '../../src/main.ts';
import { configureSandboxConnector } from '../../src/sandbox.ts';
import { type BenchReceiver, startBenchReceiver } from '../load/webhook-receiver.ts';
import type { SharedDatabase, TestDatabase } from '../support/databases.ts';
import { freePort, type GatewayProcess, gatewayProcess, removeNow, removeOnExit } from './gateway-process.ts';

/** What one soak run does. */
export interface SoakOptions {
  readonly database: TestDatabase;
  readonly rounds: number;
  readonly lifecycles: number;
  readonly concurrency: number;
  /**
   * Kills per round, each once the round has started a random share of its lifecycles (so the
   * kills land in the load however fast the machine) and the gateway has been up a random
   * time in `killUptimeMs`; fewer when every lifecycle has started first.
   */
  readonly killsPerRound: number;
  /** How long the gateway is up before each kill: uniform in [min, max]. */
  readonly killUptimeMs: readonly [number, number];
  /**
   * Kills happen only this long into a round. Kept under the idempotency lock (a minute): a key
   * whose request a kill cut short is retried after its lock lapses, and a kill landing on those
   * retries would stall them another minute, round after round.
   */
  readonly killWindowMs: number;
  /** How long one lifecycle keeps retrying its create before giving up. */
  readonly lifecycleTimeoutMs: number;
  /** How long, after the load, to wait for every capture to be stored and delivered. */
  readonly settleTimeoutMs: number;
  /** Seeds the kill timings and retry jitter. */
  readonly seed: number;
  readonly log: (line: string) => void;
  /** A directory to copy the gateway's log into at the end (the temporary one is removed). */
  readonly keepLogIn?: string;
}

export const DEFAULT_SOAK: Omit<SoakOptions, 'database' | 'log'> = {
  rounds: 3,
  lifecycles: 1000,
  concurrency: 32,
  killsPerRound: 5,
  killUptimeMs: [300, 2000],
  killWindowMs: 45_000,
  lifecycleTimeoutMs: 180_000,
  settleTimeoutMs: 150_000,
  seed: 1,
};

/** The figures of one run. The defect counts must all be 0. */
export interface SoakReport {
  readonly database: string;
  readonly rounds: number;
  readonly lifecycles: number;
  readonly kills: number;
  readonly acknowledged: number;
  /** Lifecycles that never got their 201 (gave up, or refused with a 4xx other than 409). */
  readonly unacknowledged: number;
  readonly lost: number;
  readonly doublePayments: number;
  readonly doubleProviderPayments: number;
  readonly undelivered: number;
  readonly capturedEventsNotOne: number;
  readonly durationMs: number;
  /** Retries of creates, by cause. */
  readonly retries: Readonly<Record<RetryCause, number>>;
  readonly deliveries: number;
  readonly redelivered: number;
  readonly gatewayErrorLines: number;
  /** Restarts after kills: how long the gateway took to answer `/healthz` again. */
  readonly restartMs: { readonly median: number; readonly max: number };
  /** What was found, by kind: how many, and the first few, for the reader. */
  readonly notes: readonly SoakNote[];
}

/** Findings of one kind: how many, and a few of them in full. */
export interface SoakNote {
  readonly kind: string;
  count: number;
  readonly examples: string[];
}

const EXAMPLES_PER_NOTE = 5;

type RetryCause = 'connection' | 'status_5xx' | 'status_409' | 'status_202';

type Note = (kind: string, line: string) => void;

/** The number of defects a report shows (0 for a pass). */
export function defects(r: SoakReport): number {
  return (
    r.unacknowledged + r.lost + r.doublePayments + r.doubleProviderPayments + r.undelivered + r.capturedEventsNotOne
  );
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A small seeded generator (mulberry32): the same seed, the same kill timings asked for. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Acknowledged {
  readonly key: string;
  readonly paymentId: string;
  readonly providerPaymentId: string | null;
}

/** Runs the soak on one database and reports; throws only when it cannot run at all. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const started = performance.now();
  const log = (line: string) => options.log(`[soak ${options.database.name}] ${line}`);
  const rand = random(options.seed);
  const notes = new Map<string, SoakNote>();
  const note: Note = (kind, line) => {
    let n = notes.get(kind);
    if (!n) {
      n = { kind, count: 0, examples: [] };
      notes.set(kind, n);
    }
    n.count++;
    if (n.examples.length < EXAMPLES_PER_NOTE) n.examples.push(line);
  };
  const restarts: number[] = [];
  const retries: Record<RetryCause, number> = { connection: 0, status_5xx: 0, status_409: 0, status_202: 0 };
  const acknowledged = new Map<string, Acknowledged>();
  const unacknowledgedKeys: string[] = [];
  let kills = 0;

  const dir = mkdtempSync(join(tmpdir(), 'bawaba-soak-'));
  removeOnExit(dir);
  let shared: SharedDatabase | undefined;
  let emulator: RunningEmulator<CheckoutComControl> | undefined;
  let receiver: BenchReceiver | undefined;
  let gateway: GatewayProcess | undefined;
  try {
    shared = await options.database.openShared();
    emulator = await startEmulator('checkout_com', { port: 0, host: '127.0.0.1' });
    receiver = await startBenchReceiver();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    const settings: Record<string, string> = {
      BAWABA_MODE: 'production',
      BAWABA_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      BAWABA_DATABASE_URL: shared.url,
      BAWABA_PUBLIC_URL: publicUrl,
      BAWABA_DATA_DIR: join(dir, 'data'),
      BAWABA_WORKER: 'on',
      LOG_LEVEL: 'warn',
      // One emulator on loopback sends every notification of one connector account; the
      // public-route limits would only delay them (this soak is about crashes, not limits).
      BAWABA_RATE_LIMIT_HOOKS_PER_ADDRESS: '0',
      BAWABA_RATE_LIMIT_HOOKS_PER_CONNECTOR_ACCOUNT: '0',
    };

    // The merchant and its Checkout.com connector, sealed with the key the gateway will use.
    const apiKey = await setUpMerchant(loadConfig({ ...settings, PORT: String(port) }), emulator, publicUrl);
    gateway = gatewayProcess(port, settings, join(dir, 'gateway.log'));
    await gateway.start();
    await createEndpoint(gateway.url, apiKey, `${receiver.url}/webhooks`);
    log(`gateway ${gateway.url}, emulator ${emulator.baseUrl}, receiver ${receiver.url}, log ${gateway.logFile}`);

    const api = { url: gateway.url, apiKey };
    const control = emulator.control;
    for (let round = 1; round <= options.rounds; round++) {
      const roundStart = performance.now();
      let next = 0;
      const killer = killAtRandom(gateway, options, rand, () => next, restarts);
      const worker = async () => {
        for (let i = next++; i < options.lifecycles; i = next++) {
          const outcome = await lifecycle(api, control, round, i, options, rand, retries, note);
          if (outcome) acknowledged.set(outcome.key, outcome);
          else unacknowledgedKeys.push(`soak-${round}-${i}`);
        }
      };
      try {
        await Promise.all(Array.from({ length: options.concurrency }, worker));
      } finally {
        next = options.lifecycles;
        kills += await killer;
      }
      log(
        `round ${round}: ${acknowledged.size} acknowledged so far, ${kills} kills so far, ` +
          `${((performance.now() - roundStart) / 1000).toFixed(1)} s`,
      );
    }

    // The gateway stays up: notifications the emulator retries, early provider checks and
    // retaken jobs settle every payment, and its worker delivers the captures.
    const ids = [...acknowledged.values()].map((a) => a.paymentId);
    const rx = receiver;
    const settleStart = Date.now();
    let lastLog = settleStart;
    while (ids.some((id) => !rx.captured.has(id)) && Date.now() - settleStart < options.settleTimeoutMs) {
      if (Date.now() - lastLog >= 10_000) {
        lastLog = Date.now();
        log(`settling: ${ids.filter((id) => !rx.captured.has(id)).length} captures not delivered yet`);
      }
      await sleep(250);
    }
    log(`settled in ${((Date.now() - settleStart) / 1000).toFixed(1)} s`);

    const statuses = await fetchStatuses(api, ids);
    const providerSide = providerView(control);
    let lost = 0;
    for (const a of acknowledged.values()) {
      const status = statuses.get(a.paymentId);
      if (status !== 'captured') {
        lost++;
        note(
          'lost (acknowledged, not captured at the gateway when the wait ended)',
          `${a.key} -> ${a.paymentId} is ${status ?? 'not found'}; ${providerSide(a.providerPaymentId)}`,
        );
      }
    }
    let undelivered = 0;
    for (const a of acknowledged.values()) {
      if (!rx.captured.has(a.paymentId)) {
        undelivered++;
        note('undelivered (no payment.captured at the receiver)', `${a.paymentId} (${a.key})`);
      }
    }
    for (const [paymentId, eventIds] of rx.captured) {
      if (eventIds.size > 1) {
        note('receiver got several distinct payment.captured events', `${eventIds.size} for ${paymentId}`);
      }
    }
    if (rx.malformed() > 0) note('receiver got bodies that were not events', String(rx.malformed()));

    await gateway.stop();
    const stored = await readDatabase(shared, acknowledged, unacknowledgedKeys, note);
    const doubleProviderPayments = countProviderDoubles(control, note);
    const gatewayErrors = gateway.errorLines();
    for (const line of gatewayErrors) note('gateway error log lines', line.slice(0, 400));

    return {
      database: options.database.name,
      rounds: options.rounds,
      lifecycles: options.lifecycles,
      kills,
      acknowledged: acknowledged.size,
      unacknowledged: unacknowledgedKeys.length,
      lost,
      doublePayments: stored.doublePayments,
      doubleProviderPayments,
      undelivered,
      capturedEventsNotOne: stored.capturedEventsNotOne,
      durationMs: performance.now() - started,
      retries,
      deliveries: rx.deliveries(),
      redelivered: rx.redelivered(),
      gatewayErrorLines: gatewayErrors.length,
      restartMs: {
        median: [...restarts].sort((a, b) => a - b)[Math.floor(restarts.length / 2)] ?? 0,
        max: Math.max(0, ...restarts),
      },
      notes: [...notes.values()],
    };
  } finally {
    await gateway?.kill();
    if (gateway && options.keepLogIn) {
      mkdirSync(options.keepLogIn, { recursive: true });
      const kept = join(options.keepLogIn, `gateway-${options.database.name}-${Date.now()}.log`);
      copyFileSync(gateway.logFile, kept);
      log(`gateway log kept in ${kept}`);
    }
    await receiver?.close();
    await emulator?.close();
    await shared?.dispose();
    removeNow(dir);
  }
}

/**
 * Creates the merchant's account and test key, and its Checkout.com connector against the
 * emulator (its webhooks to the gateway's future public URL), through a core opened once.
 */
async function setUpMerchant(
  config: ReturnType<typeof loadConfig>,
  emulator: RunningEmulator<CheckoutComControl>,
  publicUrl: string,
): Promise<string> {
  let core: Core | undefined;
  // On a PostgreSQL shared with test files running in parallel, a schema dropped during the
  // (no-op) migration scan can fail the open: it is tried again, nothing having been written.
  for (let attempt = 1; !core; attempt++) {
    try {
      core = await openCore(config);
    } catch (err) {
      if (attempt >= 3) throw err;
      await sleep(500);
    }
  }
  try {
    const deps = adminDeps(core);
    const { secret } = await createAccountWithKey(deps, 'Soak merchant', 'test');
    await configureSandboxConnector(deps, emulator, publicUrl);
    return secret;
  } finally {
    await core.database.close();
  }
}

async function createEndpoint(gatewayUrl: string, apiKey: string, url: string): Promise<void> {
  const res = await fetch(`${gatewayUrl}/v1/webhook_endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json', 'idempotency-key': 'soak-we' },
    body: JSON.stringify({ url, enabled_events: ['*'] }),
  });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`creating the webhook endpoint: ${res.status} ${body}`);
}

/**
 * Kills the gateway (and starts it again at once) at random moments of the round's load: once
 * `started()` lifecycles pass each of `killsPerRound` random thresholds and the gateway has been
 * up a random while. Stops once every lifecycle has started (only stalled retries remain), or
 * when the round's kill window closes. Returns how many kills it made.
 */
async function killAtRandom(
  gateway: GatewayProcess,
  options: SoakOptions,
  rand: () => number,
  started: () => number,
  restarts: number[],
): Promise<number> {
  const { lifecycles, concurrency } = options;
  // The first `concurrency` lifecycles start at once: thresholds past them spread the kills.
  const from = lifecycles > concurrency ? concurrency : 0;
  const thresholds = Array.from(
    { length: options.killsPerRound },
    () => from + Math.floor(rand() * (lifecycles - from)),
  ).sort((a, b) => a - b);
  const [min, max] = options.killUptimeMs;
  const windowEnd = Date.now() + options.killWindowMs;
  const over = () => started() >= lifecycles || Date.now() >= windowEnd;
  let kills = 0;
  for (const threshold of thresholds) {
    const upUntil = Date.now() + min + rand() * (max - min);
    while ((Date.now() < upUntil || started() < threshold) && !over()) await sleep(20);
    if (over()) break;
    const down = performance.now();
    await gateway.kill();
    kills++;
    await gateway.start();
    restarts.push(performance.now() - down);
  }
  return kills;
}

/**
 * One payment lifecycle: create with its own Idempotency-Key, retried with that same key until
 * a 201 (connection errors, 5xx, 409 and 202 are retried), then the customer pays at the
 * emulator. Undefined when no 201 came within the time limit.
 */
async function lifecycle(
  api: { url: string; apiKey: string },
  control: CheckoutComControl,
  round: number,
  i: number,
  options: SoakOptions,
  rand: () => number,
  retries: Record<RetryCause, number>,
  note: Note,
): Promise<Acknowledged | undefined> {
  const key = `soak-${round}-${i}`;
  const body = JSON.stringify({
    amount: 1500,
    currency: 'QAR',
    payment_method: 'qpay',
    reference: key,
    // The provider is sent the gateway's payment id as its reference; the description (kept
    // alphanumeric, as QPay wants) ties each provider payment back to its idempotency key.
    description: `Soak ${round} ${i}`,
    return_url: `http://127.0.0.1/soak/return/${key}`,
  });
  const deadline = Date.now() + options.lifecycleTimeoutMs;
  let last = '';
  // What each try got, runs of the same answer merged: "t+<seconds>s <answer> x<count>".
  const history: { at: number; answer: string; count: number }[] = [];
  const begun = Date.now();
  const record = (answer: string) => {
    const previous = history.at(-1);
    if (previous?.answer === answer) previous.count++;
    else history.push({ at: Date.now() - begun, answer, count: 1 });
  };
  while (Date.now() < deadline) {
    let wait = 100 + rand() * 200;
    try {
      const res = await fetch(`${api.url}/v1/payments`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json', 'idempotency-key': key },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      last = `${res.status} ${text.slice(0, 200)}`;
      record(String(res.status));
      if (res.status === 201) {
        const payment = JSON.parse(text) as { id: string; status: string; provider_payment_id: string | null };
        if (payment.status !== 'requires_action')
          note('201 with a status other than requires_action', `${key}: ${payment.status}`);
        const acknowledged = { key, paymentId: payment.id, providerPaymentId: payment.provider_payment_id };
        pay(control, acknowledged, note);
        return acknowledged;
      }
      if (res.status === 409) {
        retries.status_409++;
        // The key is held by a request the kill cut short; its lock lapses after a minute.
        wait = 1000 + rand() * 1000;
      } else if (res.status === 202) retries.status_202++;
      else if (res.status >= 500) retries.status_5xx++;
      else {
        note('create refused', `${key}: ${last}`);
        return undefined;
      }
    } catch (err) {
      retries.connection++;
      last = String((err as Error).cause ?? err);
      record('connection error');
    }
    await sleep(wait);
  }
  const tries = history.map((h) => `t+${(h.at / 1000).toFixed(1)}s ${h.answer} x${h.count}`).join(', ');
  note('no 201 in time', `${key} (${options.lifecycleTimeoutMs} ms); tries: ${tries}; last answer: ${last}`);
  return undefined;
}

/** The customer pays on the provider's page: approved at the emulator. */
function pay(control: CheckoutComControl, a: Acknowledged, note: Note): void {
  if (!a.providerPaymentId) {
    note('acknowledged without a provider payment id', `${a.key}: ${a.paymentId}`);
    return;
  }
  const done = control.completePayment(a.providerPaymentId, 'approve');
  if (!done.ok)
    note('completion refused by the emulator', `${a.key} (${a.providerPaymentId}): ${JSON.stringify(done)}`);
}

/**
 * What the provider (emulator) knows of a payment: its status, and what became of each of its
 * notifications to the gateway (a capture the gateway missed is explained here).
 */
function providerView(control: CheckoutComControl): (providerPaymentId: string | null) => string {
  const payments = new Map(control.listPayments().map((p) => [p.id, p]));
  const notifications = new Map<string, string[]>();
  for (const n of control.notifications()) {
    const last = n.attempts.at(-1);
    const fate = n.delivered
      ? `delivered after ${n.attempts.length} attempts`
      : `${n.attempts.length} attempts failed (last ${last?.at ?? '-'} ${last?.error ?? last?.status_code ?? ''}), ` +
        `${n.next_attempt_at ? `next at ${n.next_attempt_at}` : 'no retry left'}`;
    notifications.set(n.payment_id, [...(notifications.get(n.payment_id) ?? []), `${n.event_type} ${fate}`]);
  }
  return (id) => {
    const p = id ? payments.get(id) : undefined;
    if (!id || !p) return `provider: no payment ${id ?? ''}`;
    return `provider: ${p.status} (completed ${p.completed_on}); notifications: ${(notifications.get(id) ?? []).join('; ')}`;
  };
}

/** Each payment's status through the API (undefined: not found). */
async function fetchStatuses(api: { url: string; apiKey: string }, ids: readonly string[]) {
  const statuses = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const id = ids[i]!;
      for (let attempt = 1; attempt <= 5; attempt++) {
        try {
          const res = await fetch(`${api.url}/v1/payments/${id}`, {
            headers: { authorization: `Bearer ${api.apiKey}` },
            signal: AbortSignal.timeout(10_000),
          });
          const body = (await res.json()) as { status?: string };
          if (res.status === 200 && body.status) statuses.set(id, body.status);
          if (res.status === 200 || res.status === 404) break;
        } catch {
          // The next attempt.
        }
        await sleep(200);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return statuses;
}

/** Double payments per key, and `payment.captured` counts per payment, from the database itself. */
async function readDatabase(
  shared: SharedDatabase,
  acknowledged: ReadonlyMap<string, Acknowledged>,
  unacknowledgedKeys: readonly string[],
  note: Note,
): Promise<{ doublePayments: number; capturedEventsNotOne: number }> {
  const database = await shared.open();
  try {
    const { db } = database;
    // What the database says of each key that never got its 201, for whoever reads the report.
    const now = Date.now();
    for (const key of unacknowledgedKeys.slice(0, 10)) {
      const record = await db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();
      const payments = await db
        .selectFrom('payments')
        .select(['id', 'status', 'provider_payment_id', 'created_at', 'updated_at'])
        .where('reference', '=', key)
        .execute();
      const lock = record ? Number(record.locked_until) - now : undefined;
      note(
        'unacknowledged keys in the database',
        `${key}: idempotency record ${
          record
            ? `state ${record.state}, resource ${record.resource_id}, response ${record.response_status}, ` +
              `lock ${lock !== undefined && lock > 0 ? `held ${lock} ms more` : 'lapsed'}`
            : 'absent'
        }; payments ${JSON.stringify(payments)}`,
      );
    }
    const byKey = await db
      .selectFrom('payments')
      .select(['reference', (eb) => eb.fn.countAll<number>().as('n')])
      .where('reference', 'like', 'soak-%')
      .groupBy('reference')
      .having(sql`count(*)`, '>', 1)
      .execute();
    for (const row of byKey) note('double payments', `${Number(row.n)} gateway payments for key ${row.reference}`);
    const events = await db
      .selectFrom('events')
      .select(['object_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('type', '=', 'payment.captured')
      .groupBy('object_id')
      .execute();
    const counts = new Map(events.map((row) => [row.object_id, Number(row.n)]));
    const wrong = new Set<string>();
    for (const a of acknowledged.values()) if ((counts.get(a.paymentId) ?? 0) !== 1) wrong.add(a.paymentId);
    for (const [id, n] of counts) if (n !== 1) wrong.add(id);
    for (const id of wrong) note('payment.captured events != 1', `${counts.get(id) ?? 0} for ${id}`);
    return { doublePayments: byKey.length, capturedEventsNotOne: wrong.size };
  } finally {
    await database.close();
  }
}

/** Idempotency keys with more than one payment at the provider (the emulator's own records). */
function countProviderDoubles(control: CheckoutComControl, note: Note): number {
  const byKey = new Map<string, string[]>();
  for (const p of control.listPayments()) {
    const key = p.description;
    byKey.set(key, [...(byKey.get(key) ?? []), p.id]);
  }
  let doubles = 0;
  for (const [key, ids] of byKey) {
    if (ids.length > 1) {
      doubles++;
      note('double provider payments', `${ids.length} emulator payments (${ids.join(', ')}) for "${key}"`);
    }
  }
  return doubles;
}

const HEADERS = [
  'database',
  'rounds',
  'lifecycles',
  'kills',
  'acknowledged',
  'lost',
  'double payments',
  'double provider payments',
  'undelivered',
  'captured events != 1',
  'duration',
] as const;

/** The reports as a table, then one line of details per report and its notes. */
export function formatReports(reports: readonly SoakReport[]): string {
  const rows = reports.map((r) => [
    r.database,
    String(r.rounds),
    String(r.lifecycles),
    String(r.kills),
    String(r.acknowledged),
    String(r.lost),
    String(r.doublePayments),
    String(r.doubleProviderPayments),
    String(r.undelivered),
    String(r.capturedEventsNotOne),
    `${(r.durationMs / 1000).toFixed(1)} s`,
  ]);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(HEADERS), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)];
  for (const r of reports) {
    const retried = Object.entries(r.retries)
      .map(([cause, n]) => `${cause} ${n}`)
      .join(', ');
    out.push(
      '',
      `${r.database}: ${r.unacknowledged} of ${r.rounds * r.lifecycles} lifecycles never acknowledged; ` +
        `create retries: ${retried}; webhook deliveries ${r.deliveries} (${r.redelivered} webhook-ids redelivered); ` +
        `gateway error log lines ${r.gatewayErrorLines}; ` +
        `restart after a kill: median ${Math.round(r.restartMs.median)} ms, max ${Math.round(r.restartMs.max)} ms; ` +
        `defects ${defects(r)}`,
    );
    for (const n of r.notes) {
      out.push(`  ${n.kind}: ${n.count}${n.count > n.examples.length ? ` (first ${n.examples.length})` : ''}`);
      for (const e of n.examples) out.push(`    - ${e}`);
    }
  }
  return out.join('\n');
}

/**
 * Load benchmark (opt-in, `npm run bench`): `POST /v1/payments` through Bawaba against the
 * Checkout.com emulator, beside the same create sent straight to the emulator's `POST /payments`.
 * The difference is what the gateway adds: validation, idempotency, storage, the provider call.
 *
 * Everything runs in this one process on 127.0.0.1: the gateway, its emulator and the load
 * generator (autocannon) share one event loop, so absolute figures are conservative; both
 * targets are measured the same way, so the difference is fair.
 *
 * Environment:
 *   BENCH_SECONDS               length of each measured run (default 10)
 *   BENCH_CONNECTIONS           concurrent connections (default 10)
 *   BENCH_MAX_REQUESTS          upper bound of requests per measured run (default 50000)
 *   BENCH_WARMUP_REQUESTS       requests per target before measuring (default 200)
 *   BAWABA_BENCH_DATABASE_URL   run Bawaba on this database (e.g. postgres://…?schema=bench);
 *                               default: SQLite in a temporary data directory. A database kept
 *                               between runs works: every run seals with the same bench key and
 *                               uses a fresh merchant when the sandbox one's key file is gone.
 *
 * Exits non-zero when any request fails, answers non-2xx or answers something unexpected, or
 * when the payments Bawaba and the emulator hold do not add up to the 2xx answers.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import type { CheckoutComControl } from '../../src/emulators/checkout-com/control.ts';
import type { RunningEmulator } from '../../src/emulators/registry.ts';
import { adminDeps, type Gateway, startGateway } from '../../src/main.ts';
import { configureSandboxCheckout, createAccountWithKey } from '../../src/sandbox.ts';

// autocannon ships no type declarations: the part of its API used here.
interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  timeout: number;
  sampleInt: number;
  duration?: number;
  amount?: number;
  maxOverallRequests?: number;
  requests: AutocannonRequest[];
  verifyBody: (body: string) => boolean;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  resets: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  requests: { sent: number };
}
type AutocannonInstance = EventEmitter & PromiseLike<AutocannonResult> & { stop(): void };
type Autocannon = (options: AutocannonOptions) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** A create request and how to recognise a right answer to it (returns the created id). */
interface Target {
  readonly label: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly idempotencyHeader: string;
  readonly check: (body: string) => string | undefined;
}

interface Run {
  readonly target: Target;
  readonly result: AutocannonResult;
  /** Response times in milliseconds, as measured by autocannon (sub-millisecond precision). */
  readonly latencies: number[];
  readonly ids: string[];
  readonly badBodies: string[];
  /** From the start to the last answer, in seconds (autocannon's own figure ends on a sampling tick). */
  readonly seconds: number;
}

type Limit = { readonly amount: number } | { readonly seconds: number; readonly maxRequests: number };

function positiveNumber(name: string, fallback: number, integer: boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

const SECONDS = positiveNumber('BENCH_SECONDS', 10, false);
const CONNECTIONS = positiveNumber('BENCH_CONNECTIONS', 10, true);
const MAX_REQUESTS = Math.max(positiveNumber('BENCH_MAX_REQUESTS', 50_000, true), CONNECTIONS);
const WARMUP_REQUESTS = Math.max(positiveNumber('BENCH_WARMUP_REQUESTS', 200, true), CONNECTIONS);
const DATABASE_URL = process.env.BAWABA_BENCH_DATABASE_URL;
/**
 * The sandbox makes a new encryption key in each (temporary) data directory; a database kept
 * between runs would then hold credentials no later run can open. A fixed key avoids that.
 */
const BENCH_ENCRYPTION_KEY = 'be'.repeat(32);

const BAWABA_BODY = JSON.stringify({
  amount: 100,
  currency: 'QAR',
  payment_method: 'qpay',
  return_url: 'https://shop.example/thanks?order=bench',
  description: 'Bench order',
  customer: { national_id: '28463400123' },
});
const EMULATOR_BODY = JSON.stringify({
  amount: 100,
  currency: 'QAR',
  source: {
    type: 'qpay',
    description: 'QPay Demo Payment',
    language: 'en',
    quantity: '1',
    national_id: '070AYY010BU234M',
  },
});

/** Both APIs answer a create with the new payment's `"id":"pay_…"` first. */
const PAYMENT_ID = /"id":"(pay_[0-9a-z]{26})"/;

function matchId(body: string, status: string): string | undefined {
  return body.includes(status) ? PAYMENT_ID.exec(body)?.[1] : undefined;
}

async function runLoad(target: Target, limit: Limit): Promise<Run> {
  const latencies: number[] = [];
  const ids: string[] = [];
  const badBodies: string[] = [];
  const startedAt = performance.now();
  let lastAnswerAt = startedAt;
  const instance = autocannon({
    url: target.url,
    connections: CONNECTIONS,
    method: 'POST',
    headers: target.headers,
    body: target.body,
    timeout: 30,
    // How often autocannon samples (and notices that the run is over); 1 s by default.
    sampleInt: 100,
    ...('amount' in limit
      ? { amount: limit.amount }
      : { duration: limit.seconds, maxOverallRequests: limit.maxRequests }),
    // A setupRequest on the request (not on the options) runs before every request, so each
    // one carries a fresh key: the run measures creations, not idempotent replays.
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, [target.idempotencyHeader]: randomUUID() },
        }),
      },
    ],
    verifyBody(body) {
      const id = target.check(body);
      if (id !== undefined) ids.push(id);
      else if (badBodies.length < 3) badBodies.push(body.slice(0, 400));
      return id !== undefined;
    },
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
    lastAnswerAt = performance.now();
  });
  const result = await instance;
  return { target, result, latencies, ids, badBodies, seconds: (lastAnswerAt - startedAt) / 1000 };
}

/** Everything wrong with a run; empty when every answer was a right 2xx. */
function problems(run: Run): string[] {
  const { result, ids, target } = run;
  const out: string[] = [];
  if (result.errors > 0) out.push(`${result.errors} connection errors (${result.timeouts} timeouts)`);
  if (result.non2xx > 0) {
    const codes = Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${code}×${count}`);
    out.push(`${result.non2xx} non-2xx answers (${codes.join(', ')})`);
  }
  if (result.mismatches > 0) out.push(`${result.mismatches} unexpected answer bodies`);
  if (result.resets > 0) out.push(`${result.resets} request pipeline resets`);
  if (result['2xx'] === 0) out.push('no 2xx answers at all');
  if (new Set(ids).size !== ids.length) out.push(`${ids.length - new Set(ids).size} duplicate ids (replays?)`);
  if (ids.length !== result['2xx']) out.push(`${ids.length} right bodies but ${result['2xx']} 2xx answers`);
  for (const body of run.badBodies) out.push(`sample unexpected body: ${body}`);
  return out.map((p) => `${target.label}: ${p}`);
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? Number.NaN;
}

interface Figures {
  readonly requests: number;
  readonly rps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

function figures(run: Run): Figures {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    requests: run.result['2xx'],
    rps: run.result['2xx'] / run.seconds,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))))
    .map((row) => row.join('  '))
    .join('\n');
}

const ms = (value: number) => value.toFixed(2);

function report(gateway: Run, direct: Run, database: string): void {
  const g = figures(gateway);
  const d = figures(direct);
  const row = (label: string, f: Figures) => [
    label,
    String(f.requests),
    f.rps.toFixed(0),
    ms(f.p50),
    ms(f.p90),
    ms(f.p99),
    ms(f.max),
  ];
  console.log(
    `\nPOST create payment, ${CONNECTIONS} connections, ${SECONDS} s per target (max ${MAX_REQUESTS} requests), database: ${database}\n`,
  );
  console.log(
    table([
      ['', 'requests', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      row(gateway.target.label, g),
      row(direct.target.label, d),
    ]),
  );
  console.log(`\ngateway overhead: p50 +${ms(g.p50 - d.p50)} ms, p99 +${ms(g.p99 - d.p99)} ms`);
}

/** Counts the key's payments through the API, page by page; returns their ids. */
async function listPaymentIds(baseUrl: string, key: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let after: string | undefined;
  for (;;) {
    const query = new URLSearchParams({ limit: '100', ...(after ? { starting_after: after } : {}) });
    const res = await fetch(`${baseUrl}/v1/payments?${query}`, { headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 200) throw new Error(`GET /v1/payments answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as { data: { id: string }[]; has_more: boolean };
    for (const p of page.data) ids.add(p.id);
    after = page.data.at(-1)?.id;
    if (!page.has_more || after === undefined) return ids;
  }
}

/** The sandbox test key; on a database that already has accounts, a fresh bench merchant. */
async function merchantKey(gateway: Gateway, emulator: Gateway['emulators'][number]): Promise<string> {
  if (gateway.sandboxKey?.secret) return gateway.sandboxKey.secret;
  console.log('the database already has accounts: using a fresh bench merchant');
  const deps = adminDeps(gateway.core);
  const { secret } = await createAccountWithKey(deps, 'Bench merchant', 'test');
  await configureSandboxCheckout(deps, emulator as RunningEmulator<CheckoutComControl>, gateway.url);
  return secret;
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bawaba-bench-'));
  let gateway: Gateway | undefined;
  try {
    gateway = await startGateway(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        BAWABA_MODE: 'sandbox',
        BAWABA_DATA_DIR: dataDir,
        BAWABA_EMULATOR_HOST: '127.0.0.1',
        BAWABA_EMULATOR_CHECKOUT_COM_PORT: '0',
        BAWABA_EMULATOR_TAP_PORT: '0',
        BAWABA_EMULATOR_AKURATECO_PORT: '0',
        BAWABA_EMULATOR_QATTAH_PORT: '0',
        LOG_LEVEL: 'silent',
        BAWABA_ENCRYPTION_KEY: BENCH_ENCRYPTION_KEY,
        ...(DATABASE_URL ? { BAWABA_DATABASE_URL: DATABASE_URL } : {}),
      }),
    );
    const emulator = gateway.emulators[0];
    if (!emulator) throw new Error('sandbox mode started no emulator');
    const control = emulator.control as CheckoutComControl;
    const key = await merchantKey(gateway, emulator);
    const database = DATABASE_URL ? `${gateway.core.database.dialect} (${redact(DATABASE_URL)})` : 'sqlite (file, WAL)';

    const bawaba: Target = {
      label: 'Bawaba POST /v1/payments',
      url: `${gateway.url}/v1/payments`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: BAWABA_BODY,
      idempotencyHeader: 'idempotency-key',
      check: (body) => matchId(body, '"status":"requires_action"'),
    };
    const direct: Target = {
      label: 'emulator POST /payments direct',
      url: `${emulator.baseUrl}/payments`,
      headers: { authorization: `Bearer ${emulator.credentials.secretKey}`, 'content-type': 'application/json' },
      body: EMULATOR_BODY,
      idempotencyHeader: 'cko-idempotency-key',
      check: (body) => matchId(body, '"status":"Pending"'),
    };
    for (const url of [bawaba.url, direct.url]) {
      if (!new URL(url).hostname.startsWith('127.')) throw new Error(`not on loopback: ${url}`);
    }

    console.log(`warming up: ${WARMUP_REQUESTS} requests to each target`);
    const warmups = [
      await runLoad(bawaba, { amount: WARMUP_REQUESTS }),
      await runLoad(direct, { amount: WARMUP_REQUESTS }),
    ];
    const warmupProblems = warmups.flatMap(problems);
    if (warmupProblems.length > 0) throw new Error(`warm-up failed:\n  ${warmupProblems.join('\n  ')}`);

    const before = await listPaymentIds(gateway.url, key);
    const emulatorBefore = control.listPayments().length;
    const limit = { seconds: SECONDS, maxRequests: MAX_REQUESTS };
    console.log(`measuring: ${bawaba.label}`);
    const gatewayRun = await runLoad(bawaba, limit);
    console.log(`measuring: ${direct.label}`);
    const directRun = await runLoad(direct, limit);

    const failures = [...problems(gatewayRun), ...problems(directRun)];
    // A run that ends on time closes its connections with up to one request each still in
    // flight: the server may or may not have created those, but their answers go unread.
    // So the store must hold at least every 2xx and at most every request sent.
    const after = await listPaymentIds(gateway.url, key);
    const created = after.size - before.size;
    const gw = { ok: gatewayRun.result['2xx'], sent: gatewayRun.result.requests.sent };
    if (created < gw.ok || created > gw.sent) {
      failures.push(`Bawaba lists ${created} new payments; expected from ${gw.ok} (2xx) to ${gw.sent} (requests sent)`);
    }
    const unlisted = gatewayRun.ids.filter((id) => !after.has(id)).length;
    if (unlisted > 0) failures.push(`${unlisted} payment ids Bawaba answered are not in its list`);
    const atEmulator = control.listPayments().length - emulatorBefore;
    const emu = { ok: gw.ok + directRun.result['2xx'], sent: gw.sent + directRun.result.requests.sent };
    if (atEmulator < emu.ok || atEmulator > emu.sent) {
      failures.push(`the emulator holds ${atEmulator} new payments; expected from ${emu.ok} to ${emu.sent}`);
    }

    report(gatewayRun, directRun, database);
    if (failures.length > 0) {
      console.error(`\nFAILED:\n  ${failures.join('\n  ')}`);
      return 1;
    }
    console.log(
      `\nchecked: every answer was a 2xx with a new payment id; Bawaba lists ${created} new payments ` +
        `(${gw.ok} answered + ${created - gw.ok} cut off in flight at the end), the emulator ${atEmulator}`,
    );
    return 0;
  } finally {
    await gateway?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('bench failed:', error);
    if (DATABASE_URL && String(error).includes('SecretBox')) {
      console.error('hint: that database holds data sealed under another key; use a fresh schema or drop this one');
    }
    // A gateway that failed half-way through starting may leave servers or pools open.
    process.exit(1);
  },
);

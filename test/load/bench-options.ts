/**
 * What `npm run bench` runs with: its command-line options and BENCH_* settings (described in
 * test/load/bench.ts), read and checked once.
 */

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

export const SMOKE = argv.includes('--smoke');
export const NODES = Number(flag('--nodes') ?? '1');
if (!Number.isInteger(NODES) || NODES < 1 || NODES > 8) throw new Error('--nodes must be an integer from 1 to 8');
export const DATABASE_KIND = (flag('--database') ??
  (!SMOKE && process.env.BAWABA_BENCH_DATABASE_URL ? 'postgres' : 'sqlite')) as 'sqlite' | 'postgres';
if (DATABASE_KIND !== 'sqlite' && DATABASE_KIND !== 'postgres') throw new Error('--database is sqlite or postgres');
export const POSTGRES_URL = process.env.BAWABA_BENCH_DATABASE_URL || process.env.BAWABA_TEST_DATABASE_URL;
if (DATABASE_KIND === 'postgres' && !POSTGRES_URL) {
  throw new Error('--database postgres needs BAWABA_BENCH_DATABASE_URL (or BAWABA_TEST_DATABASE_URL)');
}
if (NODES > 1 && DATABASE_KIND !== 'postgres')
  throw new Error('--nodes above 1 needs PostgreSQL (--database postgres)');

/**
 * `floor` loads test/load/floor-server.ts, the least a durable gateway does per create;
 * `lifecycles` goes through Checkout.com; `tap`, `qattah` and `akurateco` through those providers;
 * `checkout` opens checkout sessions and chooses QPay on their pages (test/load/bench-checkout.ts).
 */
export const PHASE_NAMES = [
  'hello',
  'direct',
  'floor',
  'lifecycles',
  'tap',
  'qattah',
  'akurateco',
  'creates',
  'checkout',
] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];
/**
 * The default order runs the lifecycles before the create-only phases: every payment gets a
 * reconciliation 30 s after its creation, and the payments those phases leave open would
 * otherwise be reconciled in the middle of the lifecycles ("reconciles due" shows any).
 */
export const PHASES = (flag('--phases') ?? PHASE_NAMES.join(',')).split(',').map((name) => name.trim()) as PhaseName[];
for (const name of PHASES) {
  if (!(PHASE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`--phases takes a comma-separated list of ${PHASE_NAMES.join(', ')}; got ${name}`);
  }
}
export const SECONDS_WARMUP = positive('BENCH_WARMUP_SECONDS', SMOKE ? 0.5 : 10, false);
export const SECONDS = positive('BENCH_SECONDS', SMOKE ? 1.5 : 10, false);
/** The other providers' lifecycle phases: shorter, each after a warm-up of its own emulator. */
export const CONNECTOR_SECONDS = positive('BENCH_CONNECTOR_SECONDS', SMOKE ? 0.5 : 5, false);
export const CONNECTOR_WARMUP_SECONDS = positive('BENCH_CONNECTOR_WARMUP_SECONDS', SMOKE ? 0.2 : 3, false);
export const MAX_REQUESTS = positive('BENCH_MAX_REQUESTS', SMOKE ? 400 : 200_000, true);
export const WARMUP = positive('BENCH_WARMUP', SMOKE ? 20 : 300, true);
export const CONCURRENCY = positive('BENCH_CONCURRENCY', 16, true);
export const KEEP = process.env.BENCH_KEEP_DATABASE === '1';
export const PROFILE_DIR = process.env.BENCH_CPU_PROFILE;
export const WEBHOOK_EVENTS = (process.env.BENCH_WEBHOOK_EVENTS || 'payment.captured').split(',').map((e) => e.trim());
if (!WEBHOOK_EVENTS.includes('*') && !WEBHOOK_EVENTS.includes('payment.captured')) {
  throw new Error('BENCH_WEBHOOK_EVENTS must include payment.captured (or *): the lifecycles wait for it');
}
export const ASSERT_GOALS = process.env.BENCH_ASSERT_GOALS === '1' && !SMOKE;
/** How long one lifecycle waits for its `payment.captured` before it counts as undelivered. */
export const CAPTURE_TIMEOUT_MS = 30_000;
/** How long the bench waits, after a phase, for its notifications and deliveries to settle. */
export const SETTLE_TIMEOUT_MS = 120_000;

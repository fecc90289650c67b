/**
 * `npm run fuzz`: the fuzzer at full size (FUZZ_RUNS requests per route and method, 1,000 by
 * default) on SQLite, and on PostgreSQL when BAWABA_TEST_DATABASE_URL is set. Prints one table
 * per database and exits non-zero on any 5xx, hang, missing answer or shape violation.
 * FUZZ_SEED replays a run; FUZZ_TIMEOUT_MS and FUZZ_CONCURRENCY tune it; FUZZ_VERBOSE=1 lists the
 * error codes each route answered (which checks the requests reach).
 */
import { TEST_DATABASES } from '../support/databases.ts';
import { formatReport, fuzzGateway } from './fuzz.ts';

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const runs = intFromEnv('FUZZ_RUNS', 1_000);
const seed = intFromEnv('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
const timeoutMs = intFromEnv('FUZZ_TIMEOUT_MS', 10_000);
const concurrency = intFromEnv('FUZZ_CONCURRENCY', 4);

let failed = false;
for (const kind of TEST_DATABASES) {
  const started = Date.now();
  // The gateway closes (and so removes) the database when the run ends.
  const database = kind.name === 'sqlite' ? undefined : await kind.open();
  const report = await fuzzGateway({ runs, seed, timeoutMs, concurrency, ...(database ? { database } : {}) });
  console.log(formatReport(report, `${kind.name}, ${runs} per route`, process.env.FUZZ_VERBOSE === '1'));
  console.log(`${kind.name}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  failed ||= report.failed;
}
process.exit(failed ? 1 : 0);

/**
 * Crash soak (opt-in, `npm run soak`): payment lifecycles against a gateway child process that
 * is killed with SIGKILL at random moments; fails when an acknowledged payment is lost, an
 * Idempotency-Key made two payments (or two at the provider), a capture was never delivered, or
 * a payment has other than one `payment.captured` event. See run-soak.ts.
 *
 * Environment: SOAK_ROUNDS (3), SOAK_LIFECYCLES (1000), SOAK_CONCURRENCY (32),
 * SOAK_KILLS (most kills per round, 5), SOAK_SEED (1), SOAK_DATABASE = sqlite | postgres | both
 * (both when BAWABA_TEST_DATABASE_URL is set, else sqlite), SOAK_LOG_DIR (copy the gateway's
 * log there; by default it goes with the temporary directory).
 */
import { TEST_DATABASES } from '../support/databases.ts';
import { DEFAULT_SOAK, defects, formatReports, runSoak, type SoakReport } from './run-soak.ts';

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function databases() {
  const hasPostgres = !!process.env.BAWABA_TEST_DATABASE_URL;
  const wanted = process.env.SOAK_DATABASE || (hasPostgres ? 'both' : 'sqlite');
  if (!['sqlite', 'postgres', 'both'].includes(wanted)) {
    throw new Error(`SOAK_DATABASE must be sqlite, postgres or both, got ${JSON.stringify(wanted)}`);
  }
  if (wanted !== 'sqlite' && !hasPostgres) {
    throw new Error(
      `SOAK_DATABASE=${wanted} needs BAWABA_TEST_DATABASE_URL (a PostgreSQL database to make schemas in)`,
    );
  }
  return TEST_DATABASES.filter((d) => wanted === 'both' || d.name === wanted);
}

async function main(): Promise<number> {
  const settings = {
    ...DEFAULT_SOAK,
    rounds: integer('SOAK_ROUNDS', DEFAULT_SOAK.rounds, 1, 100),
    lifecycles: integer('SOAK_LIFECYCLES', DEFAULT_SOAK.lifecycles, 1, 100_000),
    concurrency: integer('SOAK_CONCURRENCY', DEFAULT_SOAK.concurrency, 1, 512),
    killsPerRound: integer('SOAK_KILLS', DEFAULT_SOAK.killsPerRound, 0, 1000),
    seed: integer('SOAK_SEED', DEFAULT_SOAK.seed, 0, 2 ** 32 - 1),
  };
  const reports: SoakReport[] = [];
  for (const database of databases()) {
    const keepLogIn = process.env.SOAK_LOG_DIR;
    reports.push(
      await runSoak({ ...settings, database, log: (line) => console.log(line), ...(keepLogIn ? { keepLogIn } : {}) }),
    );
  }
  console.log(`\n${formatReports(reports)}`);
  const total = reports.reduce((sum, r) => sum + defects(r), 0);
  console.log(total === 0 ? '\nsoak passed: no defects' : `\nsoak FAILED: ${total} defects`);
  return total === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(2);
  },
);

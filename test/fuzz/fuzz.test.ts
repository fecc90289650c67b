import assert from 'node:assert/strict';
import { test } from 'node:test';
import { forEachDatabase } from '../support/databases.ts';
import { formatReport, fuzzGateway } from './fuzz.ts';

// A small run of `npm run fuzz` on every database: 100 requests per route and method.
const RUNS = 100;

forEachDatabase((kind) => {
  test(`${RUNS} fuzzed requests per route: no 5xx, no hang, every error in the one shape`, async (t) => {
    const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    // The gateway closes (and so removes) the database when the run ends.
    const database = kind.name === 'sqlite' ? undefined : await kind.open();
    const report = await fuzzGateway({
      runs: RUNS,
      seed,
      timeoutMs: 10_000,
      concurrency: 4,
      ...(database ? { database } : {}),
    });
    const table = formatReport(report, `${kind.name}, ${RUNS} per route`);
    for (const line of table.split('\n')) t.diagnostic(line);
    assert.ok(!report.failed, table);
    assert.ok(report.rows.every((r) => r.requests === RUNS));
  });
});

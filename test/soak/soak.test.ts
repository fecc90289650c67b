import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TEST_DATABASES } from '../support/databases.ts';
import { DEFAULT_SOAK, defects, formatReports, runSoak } from './run-soak.ts';

// A smoke of the crash soak (`npm run soak` is the long one): 100 lifecycles, a few kills, on
// every test database at once. A kill can leave a key locked for a minute (its request was cut
// short), so each run takes a little over that; run side by side, the file stays well under
// the three minutes of the suite's per-test limit.
test('crash soak smoke: SIGKILLs of the gateway lose no payment, double none, miss no capture', {
  concurrency: true,
}, async (t) => {
  await Promise.all(
    TEST_DATABASES.map((database) =>
      t.test(database.name, async () => {
        const report = await runSoak({
          ...DEFAULT_SOAK,
          database,
          rounds: 1,
          lifecycles: 100,
          killsPerRound: 3,
          // 100 lifecycles take a second or two: short uptimes, so the kills land in them.
          killUptimeMs: [50, 400],
          lifecycleTimeoutMs: 110_000,
          settleTimeoutMs: 50_000,
          log: (line) => t.diagnostic(line),
        });
        const table = formatReports([report]);
        for (const line of table.split('\n')) t.diagnostic(line);
        assert.ok(report.kills > 0, `the gateway was killed at least once\n${table}`);
        assert.equal(defects(report), 0, table);
      }),
    ),
  );
});

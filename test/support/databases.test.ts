import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';

// The harness decides at import time, from the environment, so each case runs a child process.
const dir = mkdtempSync(join(tmpdir(), 'bawaba-harness-'));
const probe = join(dir, 'probe.test.mts');
writeFileSync(
  probe,
  `import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachDatabase, withDatabase } from ${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'databases.ts')).href)};
forEachDatabase((kind) => {
  it('opens and queries', () => withDatabase(kind, async ({ db }) => {
    assert.deepEqual(await db.selectFrom('accounts').selectAll().execute(), []);
  }));
});
`,
);

function runProbe(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
  // NODE_TEST_CONTEXT would make the child report into this runner instead of running.
  const childEnv: Record<string, string | undefined> = { ...process.env, NODE_TEST_CONTEXT: undefined, ...env };
  for (const [name, value] of Object.entries(childEnv)) if (value === undefined) delete childEnv[name];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', probe], {
      env: childEnv,
      cwd: join(import.meta.dirname, '..', '..'),
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('test database harness', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('outside CI without a URL, runs SQLite only and says PostgreSQL was skipped', async () => {
    const { code, output } = await runProbe({ CI: undefined, BAWABA_TEST_DATABASE_URL: undefined });
    assert.equal(code, 0, output);
    assert.match(output, /PostgreSQL pass skipped: BAWABA_TEST_DATABASE_URL is not set/);
    assert.match(output, /# pass 1\n/);
  });

  it('in CI without a URL, fails the PostgreSQL tests with a clear message', async () => {
    const { code, output } = await runProbe({ CI: 'true', BAWABA_TEST_DATABASE_URL: undefined });
    assert.notEqual(code, 0, output);
    assert.match(output, /CI=true but BAWABA_TEST_DATABASE_URL is not set/);
    assert.match(output, /# fail 1\n/);
  });

  it('with an unreachable database, fails (never skips) naming it', async () => {
    const { code, output } = await runProbe({
      CI: undefined,
      BAWABA_TEST_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
    });
    assert.notEqual(code, 0, output);
    assert.match(
      output,
      /PostgreSQL test pass \(BAWABA_TEST_DATABASE_URL\): cannot use PostgreSQL at 127\.0\.0\.1:1\/nowhere/,
    );
    assert.match(output, /# fail 1\n/);
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(import.meta.dirname, '..', '..');

/** This environment without any bench setting of the caller's, plus small bounds. */
function smokeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('BENCH_')) env[name] = value;
  return {
    ...env,
    BENCH_SECONDS: '1',
    BENCH_MAX_REQUESTS: '300',
    BENCH_WARMUP: '10',
    BENCH_WARMUP_SECONDS: '0.5',
    BENCH_CONCURRENCY: '16',
  };
}

// `npm run bench:smoke`: the multi-process bench for a second or two per phase on SQLite, to
// keep it working. Figures are not judged here (the test suite shares the machine); what must
// hold is that every request succeeded and payments, events and deliveries added up.
test('bench smoke: every party in its own process, every request 2xx, every count adds up', async (t) => {
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'load', 'bench.ts'), '--smoke'], {
      cwd: root,
      env: smokeEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), 120_000);
    child.once('error', reject);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, output });
    });
  });
  for (const line of output.trimEnd().split('\n')) t.diagnostic(line);
  assert.equal(code, 0, output);
  assert.match(output, /\| figure +\| measured +\| goal/);
  assert.match(output, /full lifecycles\/s at c=16/);
  // Each provider's lifecycle printed with the gateway's and its emulator's CPU side by side,
  // both real numbers (a phase that did not run prints "n/a" instead).
  for (const title of [/Checkout\.com QPay/, /Tap QPay charge/, /Qattah split bill/, /Akurateco card/]) {
    const line = output.split('\n').find((l) => title.test(l));
    assert.ok(line, `no row for ${title}`);
    assert.match(line, /\| +\d+\.\d\d \/ \d+\.\d\d ms/, line);
  }
  assert.match(output, /per share \d+\.\d\d \/ \d+\.\d\d ms/);
  // The floor beside the gateway: its CPU per create, its rate against straight creates.
  assert.match(output, /\| the floor \(test\/load\/floor-server\.ts[^|]*\| \d+\.\d\d ms; \d+ = \d+ % of straight; \+/);
  assert.match(output, /bench passed/);
  assert.doesNotMatch(output, /FAIL /);
});

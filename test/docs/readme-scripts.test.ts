// What the README has people run on the project itself, run for real but small: `npm start`
// (its banner's curl command included), `npm test -- <paths>` (only the files under those paths
// run) and the emulator bench for a moment. readme-commands.test.ts maps the README lines to
// these tests.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { root, waitFor } from '../cli/running-gateway.ts';
import { freeEmulatorPorts } from '../support/emulator-ports.ts';
import { run } from './readme-tools.ts';

/** This process's environment for a child that is not part of this test run. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT; // would make a nested test runner report here instead of running
  return env;
}

test('`npm start` boots the gateway and its emulators, prints a test key it saved and a curl command that creates a payment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bawaba-npm-start-'));
  const env = { ...childEnv(), PORT: '0', ...freeEmulatorPorts(), BAWABA_DATA_DIR: dir, LOG_LEVEL: 'silent' };
  // Its own process group: npm, its shell and the gateway are stopped together.
  const child = spawn('npm', ['start'], { cwd: root, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
  });
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  const group = (signal: NodeJS.Signals) => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, signal);
  };
  try {
    await waitFor(() => out.includes('Open next_action.url') || child.exitCode !== null, 60_000, 'the banner');
    assert.match(out, /Bawaba is running \(sandbox mode\)/, err);
    const key = /Test API key: +(sk_test_\w+) +\(new; saved in /.exec(out)?.[1];
    assert.equal(readFileSync(join(dir, 'test-api-key.txt'), 'utf8').trim(), key);
    for (const name of ['checkout_com', 'tap', 'akurateco', 'qattah']) {
      assert.match(out, new RegExp(`Emulator: +${name} at http://`), name);
    }
    const curl = /^ {2}curl -s [\s\S]*?'$/m.exec(out)?.[0];
    assert.ok(curl, 'the banner shows a curl command');
    const done = await run('sh', ['-c', curl], childEnv());
    assert.equal(done.status, 0, done.stderr);
    const payment = JSON.parse(done.stdout) as { status: string; next_action: { url: string } };
    assert.equal(payment.status, 'requires_action', done.stdout);
  } finally {
    group('SIGINT');
    const timer = setTimeout(() => group('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('`npm test -- <paths>` runs the test files under those paths and no others', async () => {
  const paths = ['src/core/ids', 'src/core/money'];
  const done = await run('npm', ['test', '--', ...paths], childEnv(), 120_000);
  assert.equal(done.status, 0, `${done.stdout}${done.stderr}`);
  assert.match(done.stdout, /^# fail 0$/m);
  assert.match(done.stdout, /^# pass [1-9]\d*$/m);
  const sources = paths.map((p) => readFileSync(join(root, `${p}.test.ts`), 'utf8')).join('\n');
  const names = [...done.stdout.matchAll(/^# Subtest: (.+)$/gm)].map((m) => m[1] as string);
  assert.ok(names.length > 0);
  for (const name of names) assert.ok(sources.includes(`'${name}'`), `"${name}" is a test of ${paths.join(' or ')}`);

  const none = await run('npm', ['test', '--', 'no/such/path'], childEnv());
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no test files match no\/such\/path/);
});

test('`node --import tsx test/load/emulator-bench.ts --emulator <name>`, a moment each: every step runs, every notification arrives', async () => {
  // Tap, as the README's example; Checkout.com, whose lifecycle sends the most notifications.
  for (const emulator of ['tap', 'checkout_com']) {
    const done = await run(
      process.execPath,
      [
        ...['--import', 'tsx', 'test/load/emulator-bench.ts', '--emulator', emulator, '--repeat', '1'],
        ...['--ops', '8', '--seconds', '0.2', '--warmup-seconds', '0'],
      ],
      childEnv(),
      60_000,
    );
    assert.equal(done.status, 0, `${emulator}: ${done.stdout}${done.stderr}`);
    assert.match(done.stdout, new RegExp(`^${emulator} emulator, concurrency 16`, 'm'));
    assert.match(done.stdout, /^lifecycle .* \d+ +\d+ +[\d.]+$/m, `${emulator}: the whole lifecycle step ran`);
    const [, received, expected] = /notifications received: (\d+) \(expected (\d+)\)/.exec(done.stdout) ?? [];
    assert.equal(received, expected, `${emulator}: ${done.stdout}`);
  }
});

// The real binary (`node bin/bawaba.mjs`), as a merchant runs it, against a running gateway.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { verifyWebhook } from '../../packages/sdk/src/index.ts';
import { BIN, type RunningGateway, root, runCli, runNode, startRunningGateway, waitFor } from './running-gateway.ts';

const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { version: string };

/** Records how much CPU the process used, from its start, when it exits. */
const CPU_PROBE = `process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write('cpu-ms=' + Math.round((u.user + u.system) / 1000) + '\\n'); });`;

describe('without a gateway', () => {
  test('--help lists every command and answers fast: under 1 s of CPU', async () => {
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const run = await runNode(['--import', `data:text/javascript,${encodeURIComponent(CPU_PROBE)}`, BIN, '--help']);
      runs.push({ ...run, wallMs: performance.now() - started, cpuMs: Number(/cpu-ms=(\d+)/.exec(run.stderr)?.[1]) });
    }
    const best = runs.reduce((a, b) => (a.cpuMs <= b.cpuMs ? a : b));
    assert.equal(best.status, 0, best.stderr);
    for (const command of ['serve', 'keys', 'payments', 'refunds', 'events', 'listen', 'trigger', 'users', 'emulate']) {
      assert.match(best.stdout, new RegExp(`^  ${command} `, 'm'), command);
    }
    assert.ok(best.cpuMs < 1000, `--help used ${best.cpuMs} ms of CPU (wall ${Math.round(best.wallMs)} ms)`);
  });

  test('--version prints the package version', async () => {
    const run = await runCli(['--version']);
    assert.equal(run.status, 0);
    assert.equal(run.stdout.trim(), pkg.version);
  });

  test('an API command without a gateway says so in one line and exits 1', async () => {
    const env = { ...process.env, BAWABA_URL: 'http://127.0.0.1:9', BAWABA_API_KEY: 'sk_test_x' };
    const run = await runCli(['payments', 'list'], env);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^bawaba: GET \/v1\/payments failed.*Is the gateway running/);
  });
});

describe('against a running gateway', () => {
  let gw: RunningGateway;
  before(async () => {
    gw = await startRunningGateway();
  });
  after(() => gw?.close());

  const api = (path: string, key: string) => fetch(`${gw.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const cli = async (...args: string[]) => {
    const run = await runCli(args, gw.env);
    assert.equal(run.status, 0, `bawaba ${args.join(' ')}: ${run.stderr}`);
    return run.stdout;
  };
  const cliJson = async <T>(...args: string[]): Promise<T> => JSON.parse(await cli(...args, '--json')) as T;

  test("logs tail: the account's API requests as the gateway answered them, filtered, never its own polls", async () => {
    const key = gw.env.BAWABA_API_KEY ?? '';
    assert.equal((await api('/v1/payments/pay_00000000000000000000000000', key)).status, 404);
    assert.equal((await api('/v1/payments?limit=1', key)).status, 200);
    const lines = (await cli('logs', 'tail', '--no-follow', '--json', '--path', '/v1/payments'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { method: string; path: string; status: number; error_code: string | null });
    const last = lines.slice(-2).map((e) => [e.method, e.path, e.status, e.error_code]);
    assert.deepEqual(last, [
      ['GET', '/v1/payments/pay_00000000000000000000000000', 404, 'resource_not_found'],
      ['GET', '/v1/payments?limit=1', 200, null],
    ]);
    const errors = await cli('logs', 'tail', '--no-follow', '--status', '4xx');
    assert.match(errors, /^TIME\s+STATUS\s+METHOD\s+PATH/);
    assert.match(errors, /404\s+GET\s+\/v1\/payments\/pay_0+\s/);
    assert.doesNotMatch(errors, /\s200\s/);
    assert.doesNotMatch(await cli('logs', 'tail', '--no-follow'), /request_log/, 'the tail does not see its own polls');
  });

  test('keys list: a table by default, JSON that parses with --json', async () => {
    const table = await cli('keys', 'list');
    assert.match(table, /^ID\s+ACCOUNT\s+MODE\s+PREFIX\s+STATUS/);
    const keys = await cliJson<{ id: string; status: string; livemode: boolean }[]>('keys', 'list');
    assert.equal(keys.length, 1);
    assert.equal(keys[0]?.status, 'active');
    assert.ok(table.includes(keys[0]?.id ?? 'missing'));
  });

  test('keys roll: the new key works and the old one keeps working until it is revoked', async () => {
    const [old] = await cliJson<{ id: string }[]>('keys', 'list');
    assert.ok(old);
    const rolled = await cliJson<{ new_key: { id: string; secret: string }; old_key: { id: string; status: string } }>(
      'keys',
      'roll',
      old.id,
    );
    assert.equal(rolled.old_key.id, old.id);
    assert.equal(rolled.old_key.status, 'active');
    assert.match(rolled.new_key.secret, /^sk_test_/);
    assert.equal((await api('/v1/payments', rolled.new_key.secret)).status, 200);
    assert.equal((await api('/v1/payments', gw.key)).status, 200, 'the old key still works');

    const revoked = await cliJson<{ id: string; status: string }>('keys', 'revoke', old.id);
    assert.equal(revoked.status, 'revoked');
    await waitFor(async () => (await api('/v1/payments', gw.key)).status === 401, 5_000, 'the old key to be refused');
    assert.equal((await api('/v1/payments', rolled.new_key.secret)).status, 200);
    gw.env.BAWABA_API_KEY = rolled.new_key.secret;
  });

  test('payments create, get and list; events list and get; --json parses everywhere', async () => {
    const created = await cliJson<{ id: string; status: string }>(
      'payments',
      'create',
      '--amount',
      '1500',
      '--reference',
      'CLI-1',
    );
    assert.equal(created.status, 'requires_action');
    assert.equal((await cliJson<{ id: string }>('payments', 'get', created.id)).id, created.id);
    assert.match(await cli('payments', 'get', created.id), new RegExp(`^id\\s+${created.id}$`, 'm'));
    const listed = await cliJson<{ object: string; data: { id: string }[] }>(
      'payments',
      'list',
      '--reference',
      'CLI-1',
    );
    assert.deepEqual(
      listed.data.map((p) => p.id),
      [created.id],
    );
    assert.match(await cli('payments', 'list'), new RegExp(`^${created.id}\\s+requires_action\\s+1500\\s+QAR`, 'm'));
    const events = await cliJson<{ data: { id: string; type: string }[] }>('events', 'list', '--object', created.id);
    assert.deepEqual(
      events.data.map((e) => e.type),
      ['payment.requires_action'],
    );
    const event = await cliJson<{ id: string }>('events', 'get', events.data[0]?.id ?? '');
    assert.equal(event.id, events.data[0]?.id);
  });

  test('an API error is one line with its code, exit status 1', async () => {
    const run = await runCli(['payments', 'get', 'pay_00000000000000000000000000'], gw.env);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^bawaba: 404 resource_not_found/);
  });

  test('trigger payment.part_paid splits a Qattah bill in SAR and pays one share, for real', async () => {
    const triggered = await cliJson<{
      data: { type: string; data: { object: { status: string; currency: string } } }[];
    }>('trigger', 'payment.part_paid');
    const types = triggered.data.map((e) => e.type);
    assert.equal(types[0], 'payment.requires_action');
    assert.ok(types.includes('payment.part_paid'), types.join(', '));
    assert.ok(!types.includes('payment.captured'), 'one share of two: not captured');
    assert.equal(triggered.data[0]?.data.object.currency, 'SAR');
  });

  test('trigger payment.captured makes the real sequence happen; listen forwards it, signed, and removes its endpoint', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const app = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString() });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhooks`;

    const listener = spawn(
      process.execPath,
      [BIN, 'listen', '--forward-to', appUrl, '--events', 'payment.captured', '--json'],
      {
        env: gw.env,
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    listener.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => listener.on('close', resolve));
    try {
      await waitFor(() => out.includes('\n'), 30_000, 'listen to start');
      const started = JSON.parse(out.split('\n')[0] ?? '') as { endpoint_id: string; secret: string };
      assert.match(started.secret, /^whsec_/);

      const triggered = await cliJson<{ data: { id: string; type: string; data: { object: { id: string } } }[] }>(
        'trigger',
        'payment.captured',
      );
      const types = triggered.data.map((e) => e.type);
      assert.deepEqual(types.slice(0, 1), ['payment.requires_action']);
      assert.equal(types.at(-1), 'payment.captured');
      const captured = triggered.data.at(-1);

      await waitFor(() => received.length > 0, 20_000, 'the forwarded event');
      const [delivery] = received;
      assert.ok(delivery);
      const event = (await verifyWebhook(delivery.body, delivery.headers, started.secret)) as {
        id: string;
        type: string;
      };
      assert.equal(event.type, 'payment.captured');
      assert.equal(event.id, captured?.id);
      await waitFor(() => out.includes('forwarded_event'), 5_000, 'listen to report the delivery');
      const line = JSON.parse(out.trim().split('\n').at(-1) ?? '') as { event_id: string; status: number };
      assert.deepEqual([line.event_id, line.status], [captured?.id, 200]);

      listener.kill('SIGINT');
      assert.equal(await exited, 0);
      const endpoints = (await (await api('/v1/webhook_endpoints', gw.env.BAWABA_API_KEY ?? '')).json()) as {
        data: unknown[];
      };
      assert.deepEqual(endpoints.data, [], 'the temporary endpoint is gone');
    } finally {
      listener.kill('SIGKILL');
      app.close();
    }
  });
});

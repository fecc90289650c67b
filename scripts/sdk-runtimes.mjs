/**
 * `npm run test:runtimes`: the SDK as a merchant installs it (the packed tarball, in a project of
 * its own), run under Node.js, Bun and Deno. Each runtime verifies a Standard Webhooks signature,
 * refuses a forged one, and calls a local HTTP server through the client's own fetch (an error
 * answer and a list answer), so the parts that touch the platform (Web Crypto, fetch, streams)
 * run for real.
 *
 * Bun and Deno come from the npm registry at pinned versions (`npx --yes`, about 100 MB each on
 * the first run); that download is why this is not part of `npm test`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BUN = 'bun@1.4.5';
const DENO = 'deno@2.9.6';
const root = resolve(import.meta.dirname, '..');

const SMOKE = `
import * as sdk from '@bawaba/sdk';
const { createBawabaClient, verifyWebhook, BawabaError, WebhookVerificationError } = sdk;
const raw = new TextEncoder().encode('0123456789abcdef0123456789abcdef');
const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)));
const secret = 'whsec_' + b64(raw);
const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment.captured' });
const ts = Math.floor(Date.now() / 1000);
const key = await crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
const mac = b64(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('msg_1.' + ts + '.' + body)));
const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': 'v1,' + mac };
const event = await verifyWebhook(body, headers, secret);
if (event.type !== 'payment.captured') throw new Error('the signed event was not verified');
const forged = await verifyWebhook(body.replace('captured', 'failed'), headers, secret).catch((e) => e);
if (!(forged instanceof WebhookVerificationError)) throw new Error('a forged body was accepted');
const client = createBawabaClient({ apiKey: 'sk_test_runtime', baseUrl: process.env.SMOKE_API, maxRetries: 0 });
const missing = await client.payments.retrieve('pay_missing').catch((e) => e);
if (!(missing instanceof BawabaError) || missing.code !== 'resource_not_found' || missing.status !== 404) {
  throw new Error('the 404 was not a typed error: ' + missing);
}
const ids = [];
for await (const payment of client.payments.list({ limit: 2 })) ids.push(payment.id);
if (ids.join() !== 'pay_1,pay_2,pay_3') throw new Error('iteration gave ' + ids.join());
console.log('ok');
`;

/** Answers like the gateway: a 404 in the error shape, and a list of three payments in two pages. */
function fakeGateway() {
  const payment = (id) => ({ id, object: 'payment', status: 'captured', amount: 1000, currency: 'QAR' });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const send = (status, value) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    if (request.headers.authorization !== 'Bearer sk_test_runtime') return send(401, {});
    if (url.pathname === '/v1/payments' && !url.searchParams.has('starting_after')) {
      return send(200, { object: 'list', data: [payment('pay_1'), payment('pay_2')], has_more: true });
    }
    if (url.pathname === '/v1/payments')
      return send(200, { object: 'list', data: [payment('pay_3')], has_more: false });
    const error = { type: 'invalid_request_error', code: 'resource_not_found', message: 'No such payment' };
    return send(404, { error: { ...error, request_id: 'req_1' } });
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/** Runs a runtime on the smoke script; asynchronously, so the fake gateway in this process answers. */
async function run(label, command, args, cwd, env) {
  const started = Date.now();
  const result = await new Promise((done) =>
    execFile(command, args, { cwd, env: { ...process.env, ...env }, timeout: 600_000 }, (error, stdout, stderr) =>
      done({ status: error ? (error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
  const out = `${result.stdout}${result.stderr}`.trim();
  const ok = result.status === 0 && out.split('\n').pop() === 'ok';
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)${ok ? '' : `\n${out}`}`,
  );
  return ok;
}

const scratch = mkdtempSync(join(tmpdir(), 'bawaba-sdk-runtimes-'));
const server = await fakeGateway();
try {
  const project = join(scratch, 'shop');
  // --ignore-scripts: pack the dist that `npm install` built, without rebuilding it.
  const pack = spawnSync(
    'npm',
    ['pack', join(root, 'packages/sdk'), '--ignore-scripts', '--pack-destination', scratch],
    {
      encoding: 'utf8',
    },
  );
  if (pack.status !== 0) throw new Error(`npm pack: ${pack.stderr}`);
  const tarball = join(scratch, pack.stdout.trim().split('\n').pop() ?? '');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'shop', private: true, type: 'module' }));
  const install = spawnSync('npm', ['install', tarball, '--offline', '--ignore-scripts', '--no-audit'], {
    cwd: project,
    encoding: 'utf8',
  });
  if (install.status !== 0) throw new Error(`npm install: ${install.stderr}`);
  writeFileSync(join(project, 'smoke.mjs'), SMOKE);
  const env = { SMOKE_API: `http://127.0.0.1:${server.address().port}` };
  const results = [
    await run(`node ${process.version}`, process.execPath, ['smoke.mjs'], project, env),
    await run(BUN, 'npx', ['--yes', BUN, 'smoke.mjs'], project, env),
    await run(
      DENO,
      'npx',
      ['--yes', DENO, 'run', '--allow-read', '--allow-env', '--allow-net=127.0.0.1', 'smoke.mjs'],
      project,
      env,
    ),
  ];
  process.exitCode = results.every(Boolean) ? 0 : 1;
} finally {
  server.close();
  rmSync(scratch, { recursive: true, force: true });
}

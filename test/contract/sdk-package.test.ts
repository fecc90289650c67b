// The SDK as merchants get it: the built JavaScript and declarations in packages/sdk/dist,
// imported by plain `node` (no loader, no TypeScript), from this repository and from a project
// that installs the package by path or from its packed tarball.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const root = resolve(import.meta.dirname, '../..');
const sdk = join(root, 'packages/sdk');
const scratch = mkdtempSync(join(tmpdir(), 'bawaba-sdk-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Plain node: no --import, no NODE_OPTIONS, nothing that could load TypeScript. */
function plainNode(cwd: string, args: string[]) {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const run = spawnSync(process.execPath, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

function npm(cwd: string, args: string[]) {
  const run = spawnSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 0, `npm ${args.join(' ')}: ${run.stdout}${run.stderr}`);
  return run.stdout.trim();
}

/** Signs like the gateway (Standard Webhooks), verifies with the SDK, calls the API through a stub fetch. */
const SMOKE = `
import { createHmac } from 'node:crypto';
import * as sdk from '@bawaba/sdk';
const { createBawabaClient, verifyWebhook, BawabaError, WebhookVerificationError } = sdk;
const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment.captured' });
const ts = Math.floor(Date.now() / 1000);
const mac = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update('msg_1.' + ts + '.' + body).digest('base64');
const event = await verifyWebhook(body, { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': 'v1,' + mac }, secret);
if (event.type !== 'payment.captured') throw new Error('verify');
const bad = await verifyWebhook(body, { 'webhook-id': 'msg_2', 'webhook-timestamp': String(ts), 'webhook-signature': 'v1,' + mac }, secret).catch((e) => e);
if (!(bad instanceof WebhookVerificationError) || bad.reason !== 'no_matching_signature') throw new Error('refuse');
const client = createBawabaClient({ apiKey: 'sk_test_1', baseUrl: 'http://bawaba.test', maxRetries: 0,
  fetch: async () => new Response(JSON.stringify({ error: { type: 'not_found_error', code: 'resource_not_found', message: 'No such payment', request_id: 'req_1' } }), { status: 404 }) });
const error = await client.payments.retrieve('pay_1').catch((e) => e);
if (!(error instanceof BawabaError) || error.code !== 'resource_not_found') throw new Error('error');
console.log(JSON.stringify({ exports: Object.keys(sdk).sort(), loaders: process.execArgv }));
`;

const EXPORTS = [
  'BawabaConnectionError',
  'BawabaError',
  'DEFAULT_WEBHOOK_TOLERANCE_SECONDS',
  'WebhookVerificationError',
  'createBawabaClient',
  'verifyWebhook',
];

/** Runs the smoke script as a file placed in `dir`, so that `@bawaba/sdk` resolves from there. */
function assertSmoke(dir: string) {
  const file = join(dir, `bawaba-sdk-smoke-${process.pid}.mjs`);
  writeFileSync(file, SMOKE);
  const run = plainNode(dir, [file]);
  rmSync(file, { force: true });
  assert.equal(run.status, 0, run.out);
  assert.deepEqual(JSON.parse(run.out.trim().split('\n').pop() ?? ''), { exports: EXPORTS, loaders: [] });
}

test('the build is current: dist is newer than every source file (npm install builds it)', () => {
  const built = statSync(join(sdk, 'dist/index.js'), { throwIfNoEntry: false });
  assert.ok(built, 'packages/sdk/dist is missing: run `npm install` (or `npm run build -w @bawaba/sdk`)');
  const sources = readdirSync(join(sdk, 'src')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const file of sources) {
    const js = join(sdk, 'dist', file.replace(/\.ts$/, '.js'));
    const dts = join(sdk, 'dist', file.replace(/\.ts$/, '.d.ts'));
    assert.ok(statSync(js, { throwIfNoEntry: false }), `dist has no ${file.replace(/\.ts$/, '.js')}`);
    assert.ok(statSync(dts, { throwIfNoEntry: false }), `dist has no ${file.replace(/\.ts$/, '.d.ts')}`);
    assert.ok(
      statSync(js).mtimeMs >= statSync(join(sdk, 'src', file)).mtimeMs,
      `dist is older than src/${file}: run \`npm run build -w @bawaba/sdk\``,
    );
  }
});

test('plain node imports the built package from the repository root, with import and with require', () => {
  const cache = join(root, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  assertSmoke(cache);
  const required = plainNode(root, ['-e', "console.log(typeof require('@bawaba/sdk').verifyWebhook)"]);
  assert.equal(required.out.trim(), 'function', required.out);
});

test('a project that installs the package by path, or from its tarball, imports it with plain node and type-checks against it', () => {
  for (const how of ['path', 'tarball'] as const) {
    const project = join(scratch, how);
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: `shop-${how}`, private: true, type: 'module' }),
    );
    let spec = sdk;
    if (how === 'tarball') {
      // --ignore-scripts: pack the dist that exists, without rebuilding it under other tests' feet.
      const name = npm(scratch, ['pack', sdk, '--ignore-scripts', '--pack-destination', scratch]).split('\n').pop();
      spec = join(scratch, name ?? '');
    }
    // --ignore-scripts: installing a folder runs its `prepare`, which would rebuild dist under
    // the other tests' feet; the build is checked above.
    npm(project, ['install', spec, '--offline', '--ignore-scripts']);
    assertSmoke(project);
    writeFileSync(
      join(project, 'shop.ts'),
      `import { createBawabaClient, type Payment } from '@bawaba/sdk';
const bawaba = createBawabaClient({ apiKey: 'sk_test_1', baseUrl: 'http://localhost:3000' });
export async function pay(): Promise<Payment['status']> {
  const p = await bawaba.payments.create({ amount: 1000, currency: 'QAR', payment_method: 'qpay', return_url: 'https://shop.example/r' });
  for await (const e of bawaba.events.list({ object_id: p.id })) if (e.type === 'payment.captured') break;
  return p.status;
}
// @ts-expect-error: amounts are integers of minor units, never strings
void bawaba.payments.create({ amount: '10.00', currency: 'QAR', payment_method: 'qpay', return_url: 'x' });
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2022',
          lib: ['es2023', 'dom'],
          types: [],
          module: 'nodenext',
          strict: true,
          noEmit: true,
        },
        files: ['shop.ts'],
      }),
    );
    const tsc = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-p', project], { encoding: 'utf8' });
    assert.equal(tsc.status, 0, `${how}: ${tsc.stdout}${tsc.stderr}`);
  }
});

// The SDK's examples in the READMEs are files of packages/sdk/examples, included verbatim (a
// `<!-- example: path -->` line, then the file in a code block), and each runs here against a
// real gateway with plain `node` and the built package.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { signWebhook } from '../../src/webhooks/sign.ts';
import { type RunningGateway, root, runNode, startRunningGateway } from '../cli/running-gateway.ts';

const READMES = ['README.md', 'packages/sdk/README.md'];
const EXAMPLES = 'packages/sdk/examples';

/** Every code block of a README: its language, its text, and the example it says it includes. */
function codeBlocks(readme: string) {
  const text = readFileSync(join(root, readme), 'utf8');
  return [...text.matchAll(/(?:<!-- example: (\S+) -->\n)?```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
    include: m[1],
    lang: m[2] ?? '',
    code: m[3] ?? '',
  }));
}

test('every SDK code block of the READMEs is an example file, included verbatim, and every example is shown', () => {
  const shown = new Set<string>();
  for (const readme of READMES) {
    for (const block of codeBlocks(readme)) {
      if (block.include) {
        assert.equal(
          block.code,
          readFileSync(join(root, block.include), 'utf8'),
          `${readme}: ${block.include} drifted`,
        );
        shown.add(block.include);
      } else {
        assert.ok(
          !block.code.includes('@bawaba/sdk'),
          `${readme}: an SDK code block that no test runs; move it to ${EXAMPLES}/ and include it:\n${block.code}`,
        );
      }
    }
  }
  const files = readdirSync(join(root, EXAMPLES)).map((f) => `${EXAMPLES}/${f}`);
  assert.deepEqual([...shown].sort(), files.sort());
});

let gw: RunningGateway;
before(async () => {
  gw = await startRunningGateway();
});
after(() => gw?.close());

test('accept-a-payment.mjs: creates a payment, iterates the list, catches a typed error', async () => {
  const run = await runNode([join(root, EXAMPLES, 'accept-a-payment.mjs')], gw.env);
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.match(lines[0] ?? '', /^requires_action http:\/\/127\.0\.0\.1:\d+\/qpay-external\//);
  assert.match(lines[1] ?? '', /^pay_[0-9a-z]{26} requires_action 1500 QAR$/);
  assert.equal(lines[2], '400 amount_invalid amount');
});

test('receive-webhooks.mjs: subscribes a local receiver, which verifies the signed event', async () => {
  const run = await runNode([join(root, EXAMPLES, 'receive-webhooks.mjs')], { ...gw.env, PORT: '0' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^verified payment\.requires_action pay_[0-9a-z]{26}\n$/);
  const left = await fetch(`${gw.url}/v1/webhook_endpoints`, { headers: { authorization: `Bearer ${gw.key}` } });
  assert.deepEqual(((await left.json()) as { data: unknown[] }).data, [], 'the example removed its endpoint');
});

test("fetch-handler.mjs: 204 for the gateway's signature, 400 with the reason otherwise", async () => {
  const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
  process.env.BAWABA_WEBHOOK_SECRET = secret;
  const { POST } = (await import(join(root, EXAMPLES, 'fetch-handler.mjs'))) as {
    POST(request: Request): Promise<Response>;
  };
  const body = JSON.stringify({ id: 'evt_1', object: 'event', type: 'payment.captured', data: { object: {} } });
  const headers = signWebhook({ id: 'evt_1', timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] });
  const ok = await POST(new Request('http://shop.example/hooks', { method: 'POST', headers, body }));
  assert.equal(ok.status, 204);
  const forged = await POST(new Request('http://shop.example/hooks', { method: 'POST', headers, body: `${body} ` }));
  assert.equal(forged.status, 400);
  assert.equal(await forged.text(), 'no_matching_signature');
});

/**
 * Every shell command README.md shows is exercised by a test, so the README cannot drift from
 * the product. The commands are read from README.md (`shell-commands.ts` says what counts as
 * one). Each is either in RUN, run here as written, its placeholders (`$KEY`, `pay_...`,
 * `acct_...`, `localhost:4000`, ...) replaced by real values, against one sandbox gateway this
 * file starts (on SQLite in a fresh directory, as the other CLI tests, whatever database the
 * suite is given), with its exit status, HTTP status and output checked; or in MAPPED, with the
 * test (or CI script) that
 * exercises it, because it cannot run inside a test: installs, the whole suite, long benches.
 * A README command in neither table fails the first test.
 *
 * Longer than 300 lines: the two tables are the file's point, one entry per README command with
 * what its run must show, and they read best next to each other and to the checks over them.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyWebhook } from '../../packages/sdk/src/index.ts';
import { type RunningGateway, root, startRunningGateway, waitFor } from '../cli/running-gateway.ts';
import { type Receiver, startReceiver } from '../support/receiver.ts';
import { checkMapped, type Mapped } from './readme-mapped.ts';
import { CommandTools, checkInvocations } from './readme-tools.ts';
import { extractCommands, type ShellCommand } from './shell-commands.ts';

const README = readFileSync(join(root, 'README.md'), 'utf8');
const COMMANDS = extractCommands(README);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

// ---------------------------------------------------------------------------------------------
// What the commands run here share: the gateway, the merchant's webhook endpoint, and the ids
// one command makes and a later one uses.

let gw: RunningGateway;
let scratch: string;
/** The sandbox account (the test key's). */
let account: string;
/** The merchant's endpoint, subscribed to every event, and the app `listen` forwards to. */
let hooks: Receiver;
let app: Receiver;
let endpoint: string;
const ids = new Map<string, string>();
const need = (name: string): string => {
  const id = ids.get(name);
  assert.ok(id, `needs ${name}, which an earlier command makes`);
  return id;
};
/** The `connectors set` commands have run (the curl that sets a connector too waits for them). */
let connectorsSet: () => void = () => {};
const connectorsDone = new Promise<void>((resolve) => {
  connectorsSet = resolve;
});

/** A date the README's `--expires-at 2027-01-31T00:00:00Z` stands for: that one while it is ahead. */
const expiresAt = (): string => {
  const readme = '2027-01-31T00:00:00Z';
  if (Date.parse(readme) > Date.now() + 86_400_000) return readme;
  return `${new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 19)}Z`;
};

const api = async (path: string, init: RequestInit & { key?: string } = {}) => {
  const res = await fetch(`${gw.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${init.key ?? gw.key}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

type Obj = Record<string, unknown> & { id: string };
type List = { object: 'list'; data: Obj[]; has_more: boolean };
const idsOf = (list: List) => list.data.map((o) => o.id);

/** One README command run here: its text, exactly as `extractCommands` gives it, and its run. */
interface Run {
  readonly command: string;
  readonly run: (t: CommandTools) => Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// RUN: in chains that run side by side; within a chain, in order (a later command uses what an
// earlier one made).

const API_CHAIN: Run[] = [
  {
    command: 'KEY=$(cat data/test-api-key.txt)',
    run: async (t) => {
      const done = await t.shell({ 'data/': `${gw.env.BAWABA_DATA_DIR}/` }, ' && printf %s "$KEY"', { KEY: '' });
      assert.equal(done.stdout, gw.key);
    },
  },
  {
    command: `curl -s http://localhost:4000/v1/payments -H "Authorization: Bearer $KEY" -H "Idempotency-Key: order-1001-try-1" -H "Content-Type: application/json" -d '{"amount": 1500, "currency": "QAR", "payment_method": "qpay", "return_url": "http://localhost:4000/sandbox/return", "description": "Order 1001", "reference": "ORDER-1001", "customer": {"name": "Mariam", "national_id": "28463400123"}}'`,
    run: async (t) => {
      const first = await t.curl();
      assert.equal(first.status, 201);
      const payment = first.body as Obj & {
        status: string;
        provider_payment_id: string;
        next_action: { type: string; url: string };
      };
      assert.equal(payment.status, 'requires_action');
      assert.equal(payment.next_action.type, 'redirect');
      assert.match(payment.next_action.url, /^http:\/\/127\.0\.0\.1:\d+\/qpay-external\/redirect-to-qpay\?pun=/);
      const again = await t.curl();
      assert.equal(again.status, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal((again.body as Obj).id, payment.id, 'the same payment, not a second one');
      ids.set('payment', payment.id);
      // What "pay on the QPay page" does, through the emulator's control API (see `listen` below).
      ids.set(
        'complete',
        `${new URL(payment.next_action.url).origin}/__control/payments/${payment.provider_payment_id}/complete`,
      );
    },
  },
  {
    command: `curl -s http://localhost:4000/v1/payments -H "Authorization: Bearer $KEY" -H "Idempotency-Key: dinner-7-try-1" -H "Content-Type: application/json" -d '{"amount": 20001, "currency": "SAR", "payment_method": "qattah", "return_url": "http://localhost:4000/sandbox/return", "description": "Dinner"}'`,
    run: async (t) => {
      const { status, body } = await t.curl();
      assert.equal(status, 201, JSON.stringify(body));
      assert.deepEqual([body.status, body.currency, body.connector], ['requires_action', 'SAR', 'qattah']);
    },
  },
  {
    command: 'curl -s http://localhost:4000/v1/payments/pay_... -H "Authorization: Bearer $KEY"',
    run: async (t) => {
      const { status, body } = await t.curl({ 'pay_...': need('payment') });
      assert.equal(status, 200);
      assert.equal((body as Obj).id, need('payment'));
    },
  },
  {
    command:
      'npx bawaba payments create --amount 1500 [--currency QAR] [--method qpay] [--return-url URL] [--reference ...]',
    run: async (t) => {
      const payment = await t.cliJson<Obj>(
        ...['payments', 'create', '--amount', '1500', '--currency', 'QAR', '--method', 'qpay'],
        ...['--return-url', `${gw.url}/sandbox/return`, '--reference', 'ORDER-1001'],
      );
      assert.deepEqual([payment.status, payment.amount, payment.payment_method], ['requires_action', 1500, 'qpay']);
      ids.set('created', payment.id);
    },
  },
  {
    command: 'npx bawaba payments get pay_...',
    run: async (t) => {
      const shown = await t.cli(...t.argv({ 'pay_...': need('payment') }));
      assert.match(shown, new RegExp(`^id\\s+${need('payment')}$`, 'm'));
      assert.match(shown, /^amount\s+1500$/m);
    },
  },
  {
    command: 'npx bawaba payments cancel pay_...',
    run: async (t) => {
      assert.match(await t.cli(...t.argv({ 'pay_...': need('created') })), /^status\s+canceled$/m);
    },
  },
  {
    command: 'npx bawaba listen --forward-to http://localhost:3000/webhooks',
    run: async (t) => {
      const listening = t.start(...t.argv({ 'http://localhost:3000': app.url }));
      const [, secret] = await listening.waitFor(/Webhook signing secret for this session: (whsec_\S+)/);
      assert.ok(secret);
      assert.equal(await listening.stop(), 0);
      assert.match(listening.stdout(), /^removed we_\w+$/m, 'Ctrl-C removes the endpoint');
    },
  },
  {
    command:
      'npx bawaba listen --forward-to http://localhost:3000/webhooks [--events payment.captured,refund.succeeded]',
    run: async (t) => {
      const forwardTo = `${app.url}/webhooks`;
      const before = app.received.length;
      const listening = t.start(
        'listen',
        '--forward-to',
        forwardTo,
        '--events',
        'payment.captured,refund.succeeded',
        '--json',
      );
      const [line = ''] = await listening.waitFor(/^\{.*\}$/m);
      const { secret } = JSON.parse(line) as { secret: string };
      // An event to forward: the walk-through's payment paid, as on the QPay page.
      const paid = await fetch(need('complete'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'approve' }),
      });
      assert.equal(paid.status, 200, await paid.text());
      const forwarded = () => app.received.slice(before).filter((r) => r.path === '/webhooks');
      await waitFor(() => forwarded().length > 0, 20_000, 'the forwarded event');
      for (const r of forwarded()) {
        const event = (await verifyWebhook(r.body, r.headers, secret)) as { type: string };
        assert.equal(event.type, 'payment.captured', 'only the --events types are forwarded');
      }
      assert.equal(await listening.stop(), 0);
    },
  },
  {
    command: 'npx bawaba trigger payment.captured',
    run: async (t) => {
      const events = JSON.parse(await t.cli(...t.argv(), '--json')) as List;
      const types = events.data.map((e) => e.type);
      assert.equal(types[0], 'payment.requires_action');
      assert.equal(types.at(-1), 'payment.captured');
      const captured = events.data.at(-1) as Obj & { data: { object: Obj } };
      ids.set('captured', captured.data.object.id);
      ids.set('capturedEvent', captured.id);
    },
  },
  {
    command: 'curl -s "http://localhost:4000/v1/payments?limit=10&status=captured" -H "Authorization: Bearer $KEY"',
    run: async (t) => {
      const { status, body } = await t.curl();
      assert.equal(status, 200);
      const list = body as List;
      assert.equal(list.object, 'list');
      assert.ok(list.data.length >= 1 && list.data.length <= 10);
      assert.deepEqual(new Set(list.data.map((p) => p.status)), new Set(['captured']));
      assert.ok(idsOf(list).includes(need('captured')));
    },
  },
  {
    command: 'npx bawaba payments list [--status captured] [--reference ORDER-1001] [--limit 50 | --all]',
    run: async (t) => {
      const captured = await t.cliJson<List>('payments', 'list', '--status', 'captured', '--limit', '50');
      assert.deepEqual(new Set(captured.data.map((p) => p.status)), new Set(['captured']));
      assert.ok(idsOf(captured).includes(need('captured')));
      const order = await t.cliJson<List>('payments', 'list', '--reference', 'ORDER-1001', '--all');
      assert.deepEqual(idsOf(order).sort(), [need('payment'), need('created')].sort());
      assert.equal(order.has_more, false);
    },
  },
  {
    command: 'npx bawaba refunds create pay_... [--amount 500] [--reason ...]',
    run: async (t) => {
      const refund = await t.cliJson<Obj>(
        ...['refunds', 'create', need('captured'), '--amount', '500', '--reason', 'One item returned'],
      );
      assert.deepEqual([refund.object, refund.amount, refund.payment_id], ['refund', 500, need('captured')]);
      assert.match(String(refund.id), /^re_/);
      ids.set('refund', refund.id);
    },
  },
  {
    command: 'npx bawaba refunds get re_...',
    run: async (t) => {
      assert.match(await t.cli(...t.argv({ 're_...': need('refund') })), new RegExp(`^id\\s+${need('refund')}$`, 'm'));
    },
  },
  {
    command: 'npx bawaba events list [--type payment.captured] [--object pay_...] [--limit 50 | --all]',
    run: async (t) => {
      const captures = await t.cliJson<List>('events', 'list', '--type', 'payment.captured', '--limit', '50');
      assert.deepEqual(new Set(captures.data.map((e) => e.type)), new Set(['payment.captured']));
      assert.ok(idsOf(captures).includes(need('capturedEvent')));
      const about = await t.cliJson<List>('events', 'list', '--object', need('captured'), '--all');
      const types = about.data.map((e) => e.type);
      assert.ok(types.includes('payment.requires_action') && types.includes('payment.captured'), types.join());
      for (const e of about.data) assert.equal((e.data as { object: Obj }).object.id, need('captured'));
    },
  },
  {
    command: 'npx bawaba events get evt_...',
    run: async (t) => {
      const shown = await t.cli(...t.argv({ 'evt_...': need('capturedEvent') }));
      assert.match(shown, new RegExp(`^id\\s+${need('capturedEvent')}$`, 'm'));
      assert.match(shown, /^type\s+payment\.captured$/m);
    },
  },
  {
    command: 'npx bawaba events resend evt_... [--endpoint we_...]',
    run: async (t) => {
      const event = need('capturedEvent');
      const delivered = () => hooks.received.filter((r) => r.headers['webhook-id'] === event).length;
      await waitFor(() => delivered() >= 1, 20_000, `${event} delivered to ${endpoint}`);
      const resent = await t.cliJson<List>('events', 'resend', event, '--endpoint', endpoint);
      assert.deepEqual(
        resent.data.map((d) => [d.endpoint_id, d.event_id]),
        [[endpoint, event]],
      );
      await waitFor(() => delivered() >= 2, 20_000, `${event} delivered again`);
    },
  },
  {
    command: 'npx bawaba logs tail [--status 4xx] [--method POST] [--path /v1/payments] [--no-follow]',
    run: async (t) => {
      const refused = await api('/v1/payments', {
        method: 'POST',
        headers: { 'idempotency-key': 'logs-tail-1' },
        body: JSON.stringify({ amount: '1500', currency: 'QAR', payment_method: 'qpay', return_url: gw.url }),
      });
      assert.equal(refused.status, 400);
      const lines = (
        await t.cli(...['logs', 'tail', '--status', '4xx', '--method', 'POST', '--path', '/v1/payments'], '--no-follow')
      ).trim();
      assert.match(lines, /^TIME\s+STATUS\s+METHOD\s+PATH/);
      const rows = lines.split('\n').slice(1);
      assert.ok(rows.length >= 1);
      for (const row of rows) assert.match(row, /^\S+\s+4\d\d\s+POST\s+\/v1\/payments/);
    },
  },
  {
    command: `curl -s localhost:4000/v1/checkout_sessions -H "Authorization: Bearer $KEY" -H "Idempotency-Key: order-2040" -H 'content-type: application/json' -d '{ "amount": 4750, "currency": "QAR", "success_url": "https://shop.example/paid?order=2040", "cancel_url": "https://shop.example/cart", "description": "Order 2040", "reference": "2040", "locale": "ar"}'`,
    run: async (t) => {
      const { status, body } = await t.curl();
      assert.equal(status, 201, JSON.stringify(body));
      assert.match(String(body.id), /^cs_/);
      assert.equal(body.status, 'open');
      assert.match(String(body.url), /^http:\/\/localhost:\d+\/c\/[\w-]+$/);
      assert.deepEqual(body.payment_methods, ['qpay', 'card']);
    },
  },
  {
    command: `curl -s localhost:4000/v1/payment_links -H "Authorization: Bearer $KEY" -H "Idempotency-Key: tips-1" -H 'content-type: application/json' -d '{ "min_amount": 1000, "max_amount": 50000, "currency": "QAR", "description": "A tip for the team", "max_payments": 100}'`,
    run: async (t) => {
      const { status, body } = await t.curl();
      assert.equal(status, 201, JSON.stringify(body));
      assert.match(String(body.id), /^plink_/);
      assert.match(String(body.url), /^http:\/\/localhost:\d+\/l\/[\w-]+$/);
      assert.deepEqual([body.active, body.qr_svg_url, body.completed_sessions], [true, `${body.url}/qr.svg`, 0]);
    },
  },
];

const KEYS_CHAIN: Run[] = [
  {
    command: 'npx bawaba keys create --mode test',
    run: async (t) => {
      const out = await t.cli(...t.argv());
      assert.match(out, new RegExp(`^account: ${account}$`, 'm'));
      assert.match(out, /^test API key \(shown once\): sk_test_\w+$/m);
      ids.set('testKey', /^key id: (key_\w+)$/m.exec(out)?.[1] ?? '');
    },
  },
  {
    command: 'npx bawaba keys create --mode live',
    run: async (t) => {
      const out = await t.cli(...t.argv());
      assert.match(out, new RegExp(`^account: ${account}$`, 'm'), 'prints the account id');
      ids.set('liveKey', /^live API key \(shown once\): (sk_live_\w+)$/m.exec(out)?.[1] ?? '');
    },
  },
  {
    command: 'npx bawaba keys roll key_...',
    run: async (t) => {
      const out = await t.cli(...t.argv({ 'key_...': need('testKey') }));
      assert.match(out, /^test API key \(shown once\): sk_test_\w+$/m);
      assert.match(out, new RegExp(`^${need('testKey')} still works`, 'm'));
    },
  },
  {
    command: 'npx bawaba keys list [--account acct_...] [--mode test|live] [--json]',
    run: async (t) => {
      const keys = await t.cliJson<Obj[]>('keys', 'list', '--account', account, '--mode', 'test');
      assert.ok(keys.map((k) => k.id).includes(need('testKey')));
      for (const k of keys) assert.deepEqual([k.account_id, k.livemode, 'secret' in k], [account, false, false]);
    },
  },
  {
    command:
      'npx bawaba keys create [--account acct_... | --new-account NAME] [--mode live] [--expires-in 90d | --expires-at 2027-01-31T00:00:00Z] [--description TEXT] [--json]',
    run: async (t) => {
      const live = await t.cliJson<Obj>(
        ...['keys', 'create', '--account', account, '--mode', 'live', '--expires-in', '90d'],
        ...['--description', 'Deploy key'],
      );
      assert.deepEqual([live.account_id, live.livemode, live.description], [account, true, 'Deploy key']);
      assert.match(String(live.secret), /^sk_live_/);
      assert.ok(Math.abs(Date.parse(String(live.expires_at)) - Date.now() - 90 * 86_400_000) < 600_000);
      const other = await t.cliJson<Obj>('keys', 'create', '--new-account', 'Second shop', '--expires-at', expiresAt());
      assert.notEqual(other.account_id, account);
      assert.equal(Date.parse(String(other.expires_at)), Date.parse(expiresAt()));
      ids.set('otherKey', other.id);
    },
  },
  {
    command: 'npx bawaba keys roll key_... [--expires-in 90d | --expires-at ...] [--json]',
    run: async (t) => {
      type Rolled = { new_key: Obj; old_key: Obj };
      const rolled = await t.cliJson<Rolled>('keys', 'roll', need('testKey'), '--expires-in', '90d');
      assert.deepEqual([rolled.old_key.id, rolled.old_key.status], [need('testKey'), 'active']);
      assert.match(String(rolled.new_key.secret), /^sk_test_/);
      const again = await t.cliJson<Rolled>('keys', 'roll', rolled.new_key.id, '--expires-at', expiresAt());
      assert.equal(Date.parse(String(again.new_key.expires_at)), Date.parse(expiresAt()));
    },
  },
  {
    command: 'npx bawaba keys revoke key_... [--force] [--json]',
    run: async (t) => {
      // The only key of the account `--new-account` made: its last active one.
      const revoked = await t.cliJson<Obj>('keys', 'revoke', need('otherKey'), '--force');
      assert.equal(revoked.status, 'revoked');
    },
  },
  {
    command: `curl -s -X PUT http://localhost:4000/v1/connectors/checkout_com -H "Authorization: Bearer sk_live_..." -H "Content-Type: application/json" -d '{"credentials": {"secret_key": "sk_...", "webhook_signature_key": "..."}, "settings": {"processing_channel_id": "pc_..."}}'`,
    run: async (t) => {
      await connectorsDone; // the same connector as `connectors set checkout_com`: one after the other
      const liveKey = need('liveKey');
      const { status, body } = await t.curl({
        'sk_live_...': liveKey,
        'sk_...': 'sk_readme_secret_4242',
        '"..."': '"readme-signature-key"',
        'pc_...': 'pc_readme',
      });
      assert.equal(status, 200, JSON.stringify(body));
      assert.deepEqual([body.connector, body.livemode], ['checkout_com', true]);
      assert.deepEqual(body.settings, { processing_channel_id: 'pc_readme' });
      assert.doesNotMatch(JSON.stringify(body), /sk_readme_secret_4242|readme-signature-key/, 'secrets masked');
      const live = await api('/v1/connectors', { key: liveKey });
      const connectors = (live.body as unknown as List).data.map((c) => c.connector);
      assert.deepEqual(connectors.sort(), ['akurateco', 'checkout_com', 'qattah', 'tap']);
    },
  },
];

const ADMIN_CHAIN: Run[] = [
  {
    command: 'npx bawaba users reset-password --email admin@sandbox.bawaba.test',
    run: async (t) => {
      assert.match(await t.cli(...t.argv()), /^one-time password: \S{12,}$/m);
    },
  },
  {
    command:
      'npx bawaba users create --account acct_... --email ops@shop.qa --role admin|viewer [--time-zone Asia/Qatar]',
    run: async (t) => {
      const admin = await t.cli(
        ...['users', 'create', '--account', account, '--email', 'ops@shop.qa', '--role', 'admin'],
        ...['--time-zone', 'Asia/Qatar'],
      );
      assert.match(admin, new RegExp(`^\\S+  ops@shop\\.qa  admin  ${account}\\none-time password: \\S+$`, 'm'));
    },
  },
  {
    command: 'npx bawaba users list --account acct_...',
    run: async (t) => {
      const out = await t.cli(...t.argv({ 'acct_...': account }));
      assert.match(out, /ops@shop\.qa {2}admin {2}Asia\/Qatar/);
      assert.match(out, /admin@sandbox\.bawaba\.test {2}admin/);
    },
  },
  ...(
    [
      [
        'npx bawaba connectors set checkout_com --account acct_... --mode live --credential secret_key=sk_... --credential webhook_signature_key=... --setting processing_channel_id=pc_...',
        { 'sk_...': 'sk_readme_1', '=...': '=readme-signature-key', 'pc_...': 'pc_readme' },
      ],
      [
        'npx bawaba connectors set tap --account acct_... --mode live --credential secret_key=sk_live_...',
        { 'sk_live_...': 'sk_live_readme' },
      ],
      [
        'npx bawaba connectors set qattah --account acct_... --mode live --credential api_token=...',
        { '=...': '=readme-token' },
      ],
      [
        'npx bawaba connectors set akurateco --account acct_... --mode live --credential merchant_key=... --credential password=... --setting base_url=https://checkout.tesspayments.com',
        { 'merchant_key=...': 'merchant_key=0b5d4a2e-1c3f-4e5a-9b7c-2d1e0f3a4b5c', 'password=...': 'password=readme' },
      ],
    ] as const
  ).map(
    ([command, replace]): Run => ({
      command,
      run: async (t) => {
        const connector = command.split(' ')[4];
        const out = await t.cli(...t.argv({ 'acct_...': account, ...replace }));
        assert.match(out, new RegExp(`^ca_\\w+: ${connector} configured for ${account} \\(live mode\\)$`, 'm'));
      },
    }),
  ),
];

const STANDALONE_CHAIN: Run[] = [
  {
    command: 'npx bawaba --help',
    run: async (t) => {
      const help = await t.cli(...t.argv());
      // The commands "The command line" names.
      const named = 'serve worker migrate emulate keys connectors users payments refunds events listen trigger logs';
      for (const c of named.split(' ')) assert.match(help, new RegExp(`^  ${c} `, 'm'), c);
    },
  },
  {
    command: 'npx bawaba --version',
    run: async (t) => {
      assert.equal((await t.shell()).stdout.trim(), pkg.version, 'npx finds the bawaba of this package');
    },
  },
  ...(
    [
      [
        'npx bawaba emulate checkout_com --port 4100 --webhook-url http://localhost:4000/hooks/checkout_com/ca_...',
        4100,
      ],
      ['npx bawaba emulate tap --port 4101', 4101],
      ['npx bawaba emulate akurateco --port 4102', 4102],
      ['npx bawaba emulate qattah --port 4103', 4103],
    ] as const
  ).map(
    ([command, port]): Run => ({
      command,
      run: async (t) => {
        const connectors = (await api('/v1/connectors')).body as unknown as List;
        const hook = String(connectors.data.find((c) => c.connector === 'checkout_com')?.webhook_url);
        const replace: Record<string, string> = { [`--port ${port}`]: '--port 0' };
        if (command.includes('ca_...'))
          replace[`${new URL(gw.url).host}/hooks/checkout_com/ca_...`] = new URL(hook).host + new URL(hook).pathname;
        const emulator = t.start(...t.argv(replace));
        const [, base = ''] = await emulator.waitFor(/emulator[^:]*: (http:\/\/127\.0\.0\.1:\d+)/);
        const credentials = await emulator.waitFor(/^ {2}(Secret key|Merchant key|API token): +(\S+)/m);
        if (command.includes('checkout_com')) {
          // `sk_sbox_` + 27 characters, and the key is what the API accepts (a wrong one: 401).
          assert.match(credentials[2] ?? '', /^sk_sbox_[a-z0-9]{27}$/);
          assert.match(emulator.stdout(), new RegExp(`Webhooks: +${hook.replace(/[.]/g, '\\.')}$`, 'm'));
          const lookup = (key: string) =>
            fetch(`${base}/payments/pay_00000000000000000000000000`, { headers: { authorization: `Bearer ${key}` } });
          assert.equal((await lookup(credentials[2] ?? '')).status, 404);
          assert.equal((await lookup('sk_sbox_wrong')).status, 401);
        } else {
          assert.ok((await fetch(base)).status < 500, `${base} answers`);
        }
        assert.equal(await emulator.stop(), 0);
      },
    }),
  ),
];

const RUN: Readonly<Record<string, readonly Run[]>> = {
  'the API, through curl and the CLI': API_CHAIN,
  'API keys, on the database': KEYS_CHAIN,
  'dashboard users and connectors, on the database': ADMIN_CHAIN,
  'the CLI alone: help, version, emulators': STANDALONE_CHAIN,
};

// ---------------------------------------------------------------------------------------------
// MAPPED: commands that cannot run inside a test, each with the file that exercises it and what
// that file must mention (the command, or the script it runs). Besides, every `npm run` script
// must exist, every option after `--` must be one the script reads, every path must exist, and
// every `NAME=value` must name a variable some source reads (readme-mapped.ts).

const MAPPED: Readonly<Record<string, Mapped>> = {
  // Installs: the SDK's build that `npm install` makes (its `prepare`) and installing it by path.
  'npm install': { test: 'test/contract/sdk-package.test.ts', mentions: ['npm install builds it'] },
  'npm install /path/to/bawaba/packages/sdk': {
    test: 'test/contract/sdk-package.test.ts',
    mentions: ['installs the package by path', "'install', spec"],
  },
  // A second gateway with the default start script: booted, its banner's curl run.
  'npm start': { test: 'test/docs/readme-scripts.test.ts', mentions: ['`npm start`', "spawn('npm', ['start']"] },
  // The whole suite: CI runs it, on SQLite and PostgreSQL; a narrowed run is run for real.
  'npm test': { test: '.ci/run', mentions: ['npm test'] },
  'BAWABA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm test': {
    test: '.ci/run',
    mentions: ['BAWABA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test', 'npm test'],
  },
  'npm test -- src/core test/api': {
    test: 'test/docs/readme-scripts.test.ts',
    mentions: ['`npm test -- <paths>`', "'test', '--'"],
  },
  'npm run typecheck': { test: '.ci/run', mentions: ['tsc --noEmit'] },
  'npm run lint': { test: '.ci/run', mentions: ['npm run lint'] },
  // A second worker process; on SQLite the gateway's own worker is the one to run.
  'npx bawaba worker': { test: 'test/integration/worker-processes.test.ts', mentions: ['spawnWorker('] },
  // The benches and the soak: minutes long; their smoke runs are in the suite.
  'npm run bench': { test: 'test/bench/bench-smoke.test.ts', mentions: ['npm run bench:smoke', "'bench.ts'"] },
  'BAWABA_BENCH_DATABASE_URL=postgres://… npm run bench -- --database postgres': {
    test: 'test/bench/bench-smoke.test.ts',
    mentions: ["'bench.ts'"],
  },
  'npm run bench -- --phases lifecycles': { test: 'test/bench/bench-smoke.test.ts', mentions: ["'bench.ts'"] },
  // Downloads Bun and Deno (about 200 MB): an opt-in script, run by hand.
  'npm run test:runtimes': { test: 'scripts/sdk-runtimes.mjs', mentions: ['npm run test:runtimes', 'smoke.mjs'] },
  'npm run bench -- --phases hello,direct,floor,lifecycles,creates': {
    test: 'test/bench/bench-smoke.test.ts',
    mentions: ["'bench.ts'", 'the floor'],
  },
  'BENCH_SECONDS=60 npm run bench -- --phases lifecycles,creates': {
    test: 'test/bench/bench-smoke.test.ts',
    mentions: ["'bench.ts'", 'BENCH_SECONDS'],
  },
  'BENCH_SECONDS=300 npm run bench -- --phases lifecycles': {
    test: 'test/bench/bench-smoke.test.ts',
    mentions: ["'bench.ts'", 'BENCH_SECONDS'],
  },
  'node --import tsx test/load/emulator-bench.ts --emulator <name> --repeat 3 --ops 3000 --seconds 10': {
    test: 'test/docs/readme-scripts.test.ts',
    mentions: ["'test/load/emulator-bench.ts'", "'--repeat'", "'--ops'", "'--seconds'"],
  },
  'node --import tsx test/load/emulator-bench.ts --emulator tap': {
    test: 'test/docs/readme-scripts.test.ts',
    mentions: ["'test/load/emulator-bench.ts'", "'--emulator'"],
  },
  'npm run fuzz': { test: 'test/fuzz/fuzz.test.ts', mentions: ['npm run fuzz'] },
  'npm run soak': { test: 'test/soak/soak.test.ts', mentions: ['npm run soak'] },
};

// ---------------------------------------------------------------------------------------------
// The checks.

const RUN_COMMANDS = Object.values(RUN).flatMap((chain) => chain.map((r) => r.command));

/** The commands of `commands` neither run nor mapped. */
const uncovered = (commands: readonly ShellCommand[]) =>
  commands.filter((c) => !RUN_COMMANDS.includes(c.text) && !(c.text in MAPPED));

test('every README command is run here or mapped to the test that exercises it, and nothing else is listed', () => {
  assert.ok(COMMANDS.length >= 40, `found ${COMMANDS.length} commands`);
  assert.deepEqual(
    uncovered(COMMANDS).map((c) => `README.md:${c.line}: ${c.text}`),
    [],
    'README commands no test exercises: run each in RUN, or map it in MAPPED to the test that does ' +
      '(a code block that is not shell needs its language: ```text, ```json)',
  );
  const shown = new Set(COMMANDS.map((c) => c.text));
  assert.deepEqual(
    [...RUN_COMMANDS, ...Object.keys(MAPPED)].filter((c) => !shown.has(c)),
    [],
    'entries for commands README.md does not show (any more)',
  );
  assert.deepEqual(
    RUN_COMMANDS.filter((c, i) => c in MAPPED || RUN_COMMANDS.indexOf(c) !== i),
    [],
    'listed twice',
  );
});

describe('finding the commands of a README', () => {
  const sample = [
    'Start with `npm start`, or `npx bawaba keys list --json`; `serve` and `bawaba worker` are names.',
    '',
    '```sh',
    'npm install && npm start     # the gateway on :4000',
    '# → {"id": "pay_..."}',
    'curl -s http://localhost:4000/v1/payments \\',
    '  -H "Authorization: Bearer $KEY" -d \'{"amount": 1500,',
    '  "currency": "QAR"}\'',
    'npm run typecheck; npm run lint',
    '```',
    '',
    '```json',
    '{"not": "a command"}',
    '```',
    '',
    '```console',
    '$ npx bawaba --version',
    '0.1.0',
    '```',
    '',
    '1. A step:',
    '',
    '   ```bash',
    '   BENCH_SECONDS=5 npm run bench',
    '   ```',
    '',
    '```',
    'npm run fuzz',
    '```',
    'And `KEY=$(cat data/test-api-key.txt)` too.',
  ].join('\n');

  test('sh, bash, console and plain blocks, continued lines, quotes over lines, comments, &&, ;, inline spans', () => {
    assert.deepEqual(
      extractCommands(sample).map((c) => [c.line, c.source, c.text]),
      [
        [1, 'inline', 'npm start'],
        [1, 'inline', 'npx bawaba keys list --json'],
        [4, 'block', 'npm install'],
        [
          6,
          'block',
          `curl -s http://localhost:4000/v1/payments -H "Authorization: Bearer $KEY" -d '{"amount": 1500, "currency": "QAR"}'`,
        ],
        [9, 'block', 'npm run typecheck'],
        [9, 'block', 'npm run lint'],
        [17, 'block', 'npx bawaba --version'],
        [24, 'block', 'BENCH_SECONDS=5 npm run bench'],
        [28, 'block', 'npm run fuzz'],
        [30, 'inline', 'KEY=$(cat data/test-api-key.txt)'],
      ],
    );
    const curl = extractCommands(sample).find((c) => c.text.startsWith('curl'));
    assert.equal(curl?.raw.split('\n').length, 3, 'the command as written, to run');
  });

  test('a command added to the README that neither table lists is caught', () => {
    const grown = `${README}\n\`\`\`sh\nnpx bawaba payments refund-all --yes\n\`\`\`\nOr \`npm run deploy\`.\n`;
    assert.deepEqual(
      uncovered(extractCommands(grown)).map((c) => c.text),
      ['npx bawaba payments refund-all --yes', 'npm run deploy'],
    );
    assert.deepEqual(uncovered(COMMANDS), []);
  });

  test("a run must use the README line's command and each option it shows, and no other", () => {
    const line = 'npx bawaba payments list [--status captured] [--limit 50 | --all]';
    assert.doesNotThrow(() =>
      checkInvocations(line, [
        ['payments', 'list', '--status', 'captured', '--limit', '50', '--json'],
        ['payments', 'list', '--all'],
      ]),
    );
    assert.throws(
      () => checkInvocations(line, [['payments', 'list', '--status', 'captured', '--limit', '5']]),
      /--all/,
    );
    assert.throws(
      () =>
        checkInvocations(line, [['payments', 'list', '--status', 'x', '--all', '--limit', '5', '--reference', 'r']]),
      /--reference/,
    );
    assert.throws(
      () => checkInvocations(line, [['payments', 'get', '--status', 'x', '--all', '--limit', '5']]),
      /payments get/,
    );
    assert.throws(() => checkInvocations(line, []), /never runs it/);
  });
});

describe('README commands mapped to the test that exercises them', () => {
  for (const [command, mapped] of Object.entries(MAPPED)) {
    test(`${command} → ${mapped.test}`, () => checkMapped(command, mapped));
  }
});

describe('README commands, run against a sandbox gateway', { concurrency: true }, () => {
  before(async () => {
    gw = await startRunningGateway();
    scratch = mkdtempSync(join(tmpdir(), 'bawaba-readme-'));
    hooks = await startReceiver();
    app = await startReceiver();
    const [sandbox] = await gw.gateway.core.repos.accounts.listAccounts();
    account = sandbox?.id ?? '';
    const created = await api('/v1/webhook_endpoints', {
      method: 'POST',
      headers: { 'idempotency-key': 'readme-endpoint' },
      body: JSON.stringify({ url: `${hooks.url}/hooks`, enabled_events: ['*'] }),
    });
    assert.equal(created.status, 201);
    endpoint = String(created.body.id);
  });
  after(async () => {
    await Promise.all([hooks?.close(), app?.close()]);
    await gw?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  for (const [chain, runs] of Object.entries(RUN)) {
    test(chain, async (t) => {
      // However its commands end, the chain that sets the connectors lets the curl that sets one go on.
      t.after(() => {
        if (runs === ADMIN_CHAIN) connectorsSet();
      });
      for (const { command, run } of runs) {
        await t.test(command, async () => {
          const found = COMMANDS.find((c) => c.text === command);
          assert.ok(found, 'README.md shows this command');
          const tools = new CommandTools(found, gw, scratch);
          try {
            await run(tools);
          } finally {
            await tools.close();
          }
          checkInvocations(command, tools.invocations);
        });
      }
    });
  }
});

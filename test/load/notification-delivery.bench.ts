/**
 * Latency benchmark (opt-in, `npm run bench`): from a provider notification to the merchant's
 * webhook delivery. The Checkout.com emulator captures payments at a steady rate and sends its
 * signed `payment_captured` notification to Bawaba; Bawaba verifies and applies it, writes the
 * `payment.captured` event and its delivery job in one transaction, and its worker delivers the
 * signed event to a merchant receiver. Measured: the time from the capture at the emulator to
 * the receiver getting the event.
 *
 * The second part does the same for Qattah Pay split bills, whose success callback is an
 * unsigned GET that only names the order: each order is split in two at the emulator, one
 * share paid, then the last share paid at the steady rate; the callback makes Bawaba fetch the
 * order from the emulator before it records anything. Measured: last share paid → the
 * merchant's `payment.captured` webhook.
 *
 * Environment: BENCH_PAYMENTS (default 400), BENCH_RATE per second (default 40),
 * BAWABA_BENCH_DATABASE_URL (default: SQLite in a temporary directory). Loopback only; bounded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import type { CheckoutComControl } from '../../src/emulators/checkout-com/control.ts';
import type { QattahControl } from '../../src/emulators/qattah/control.ts';
import { startGateway } from '../../src/main.ts';
import { createKey } from '../../src/sandbox.ts';

const PAYMENTS = Number(process.env.BENCH_PAYMENTS ?? 400);
const RATE = Number(process.env.BENCH_RATE ?? 40);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

type Scenario = 'checkout_com' | 'qattah';

async function main(): Promise<number> {
  for (const scenario of ['checkout_com', 'qattah'] as const) await run(scenario);
  return 0;
}

async function run(scenario: Scenario): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bawaba-bench-'));
  const arrived = new Map<string, number>();
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const event = JSON.parse(body) as { type: string; data: { object: { id: string } } };
      if (event.type === 'payment.captured' && !arrived.has(event.data.object.id)) {
        arrived.set(event.data.object.id, performance.now());
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const gateway = await startGateway(
    loadConfig({
      PORT: '0',
      BAWABA_EMULATOR_CHECKOUT_COM_PORT: '0',
      BAWABA_EMULATOR_TAP_PORT: '0',
      BAWABA_EMULATOR_AKURATECO_PORT: '0',
      BAWABA_EMULATOR_QATTAH_PORT: '0',
      BAWABA_DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      BAWABA_ENCRYPTION_KEY: 'b'.repeat(64),
      // One emulator sends every notification from loopback: measured here is latency, not the limits.
      BAWABA_RATE_LIMIT_HOOKS_PER_ADDRESS: '0',
      BAWABA_RATE_LIMIT_HOOKS_PER_CONNECTOR_ACCOUNT: '0',
      ...(process.env.BAWABA_BENCH_DATABASE_URL ? { BAWABA_DATABASE_URL: process.env.BAWABA_BENCH_DATABASE_URL } : {}),
    }),
  );
  try {
    // The second scenario on a PostgreSQL database the first one used: a new key of its own.
    const [account] = await gateway.core.repos.accounts.listAccounts();
    const key =
      gateway.sandboxKey?.secret ??
      (account &&
        (await createKey(
          { ...gateway.core.repos, ids: gateway.core.ids, clock: gateway.core.clock },
          account.id,
          'test',
        )));
    if (!key) throw new Error('no sandbox account');
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const endpoint = await fetch(`${gateway.url}/v1/webhook_endpoints`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-endpoint-${scenario}` },
      body: JSON.stringify({ url: receiverUrl, enabled_events: ['payment.captured'] }),
    });
    if (endpoint.status !== 201) throw new Error(`endpoint: ${endpoint.status} ${await endpoint.text()}`);
    console.log(`creating ${PAYMENTS} payments`);
    const payments: { id: string; provider: string }[] = [];
    for (let i = 0; i < PAYMENTS; i++) {
      const res = await fetch(`${gateway.url}/v1/payments`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': `bench-${scenario}-${i}` },
        body: JSON.stringify({
          amount: 1500 + i,
          currency: scenario === 'qattah' ? 'SAR' : 'QAR',
          payment_method: scenario === 'qattah' ? 'qattah' : 'qpay',
          return_url: `${gateway.url}/sandbox/return`,
        }),
      });
      const p = (await res.json()) as { id: string; provider_payment_id: string };
      if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(p)}`);
      payments.push({ id: p.id, provider: p.provider_payment_id });
    }
    const control = gateway.emulators.find((e) => e.name === scenario)?.control;
    const lastShare = new Map<string, () => void>();
    if (scenario === 'qattah') {
      const qattah = control as QattahControl;
      for (const p of payments) {
        const split = qattah.split(p.provider, { people: 2 });
        if (!split.ok) throw new Error(`split: ${JSON.stringify(split)}`);
        const [first, second] = split.order.invoices.map((inv) => inv.id);
        if (!qattah.pay(p.provider, first as string, 'MADA').ok) throw new Error('pay first share');
        lastShare.set(p.id, () => {
          if (!qattah.pay(p.provider, second as string, 'APPLEPAY').ok) throw new Error('pay last share');
        });
      }
    }
    console.log(`${scenario === 'qattah' ? 'paying the last shares' : 'capturing them'} at ${RATE}/s at the emulator`);
    const started = new Map<string, number>();
    const interval = 1000 / RATE;
    const t0 = performance.now();
    for (const [i, p] of payments.entries()) {
      const due = t0 + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      started.set(p.id, performance.now());
      if (scenario === 'qattah') {
        lastShare.get(p.id)?.();
        continue;
      }
      const done = (control as CheckoutComControl).completePayment(p.provider, 'approve');
      if (!done.ok) throw new Error(`complete: ${JSON.stringify(done)}`);
    }
    const deadline = Date.now() + 60_000;
    while (arrived.size < PAYMENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (arrived.size < PAYMENTS) throw new Error(`only ${arrived.size} of ${PAYMENTS} events arrived`);
    const latencies = payments.map((p) => (arrived.get(p.id) ?? 0) - (started.get(p.id) ?? 0)).sort((a, b) => a - b);
    const f = (n: number) => n.toFixed(1).padStart(8);
    const what =
      scenario === 'qattah'
        ? 'Qattah last share paid → unsigned callback → order fetched → merchant webhook'
        : 'Checkout.com signed notification → merchant webhook';
    console.log(`\n${what}, ${PAYMENTS} payments at ${RATE}/s, database: ${gateway.core.database.dialect}`);
    console.log('      p50      p90      p99      max  (ms)');
    console.log(
      `${f(percentile(latencies, 50))} ${f(percentile(latencies, 90))} ${f(percentile(latencies, 99))} ${f(latencies.at(-1) ?? 0)}`,
    );
  } finally {
    await gateway.close();
    await new Promise<void>((r) => receiver.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

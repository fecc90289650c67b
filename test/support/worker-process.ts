import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createManualClock } from '../../src/core/clock.ts';
import { createIdGenerator } from '../../src/core/ids.ts';
import type { Payment } from '../../src/core/payment/payment.ts';
import { paymentEvent } from '../../src/core/services/outbox.ts';
import type { Database } from '../../src/storage/db.ts';
import { createRepos, type Repos } from '../../src/storage/repos/index.ts';
import type { JobSignal } from '../../src/storage/repos/job-signal.ts';
import { createSecretBox, parseEncryptionKey } from '../../src/storage/secret-box.ts';
import { TEST_ENCRYPTION_KEY } from './gateway.ts';

const root = join(import.meta.dirname, '..', '..');

/** Starts `bawaba worker` as a child process on `databaseUrl`. */
export function spawnWorker(databaseUrl: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [join(root, 'bin', 'bawaba.mjs'), 'worker'], {
    cwd: root,
    env: {
      ...process.env,
      BAWABA_MODE: 'production',
      BAWABA_DATABASE_URL: databaseUrl,
      BAWABA_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
      BAWABA_JOB_LEASE_MS: '1500',
      BAWABA_WORKER_POLL_MS: '50',
      BAWABA_WORKER_CONCURRENCY: '8',
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Resolves with the exit code (or signal) of a child. */
export function exited(child: ChildProcess): Promise<number | string> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
}

/**
 * Fills a database with `count` captured payments whose `payment.captured` events go to one
 * webhook endpoint at `url`: `count` deliveries waiting for a worker. `signal` hears of the
 * jobs written, as a gateway's would.
 */
export async function seedDeliveries(
  database: Database,
  url: string,
  count: number,
  signal?: JobSignal,
): Promise<{ repos: Repos; eventIds: string[] }> {
  const clock = createManualClock(Date.now());
  const ids = createIdGenerator(clock);
  const repos = createRepos(database, createSecretBox(parseEncryptionKey(TEST_ENCRYPTION_KEY)), ids, signal);
  const accountId = ids.next('acct');
  await repos.accounts.createAccount({ id: accountId, name: 'Crash test', createdAt: clock.now() });
  await repos.webhookEndpoints.create({
    id: ids.next('we'),
    accountId,
    mode: 'test',
    url,
    enabledEvents: ['*'],
    status: 'enabled',
    disabledReason: null,
    description: null,
    secret: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
    previousSecret: null,
    previousSecretExpiresAt: null,
    createdAt: clock.now(),
    updatedAt: clock.now(),
  });
  const eventIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const p: Payment = {
      id: ids.next('pay'),
      accountId,
      mode: 'test',
      status: 'requires_action',
      amount: 100 + i,
      currency: 'QAR',
      paymentMethod: 'qpay',
      connector: 'checkout_com',
      connectorAccountId: 'ca_none',
      providerPaymentId: `pay_provider_${i}`,
      providerStatus: 'Pending',
      nextActionUrl: null,
      returnUrl: 'https://shop.example',
      reference: null,
      description: null,
      customer: null,
      metadata: {},
      failureCode: null,
      failureMessage: null,
      expiresAt: null,
      amountRefunded: 0,
      amountRefundPending: 0,
      canceledBy: null,
      capturedAfterCancel: false,
      connectorAttempts: [],
      parts: [],
      capturedAt: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
      version: 0,
    };
    await repos.payments.insert(p);
    const captured: Payment = { ...p, status: 'captured', version: 1 };
    const event = paymentEvent({ ids, clock }, captured);
    eventIds.push(event.id);
    if (!(await repos.payments.update(captured, 0, { events: [event] }))) throw new Error('seed update lost');
  }
  return { repos, eventIds };
}

/** How many deliveries are not yet succeeded. */
export async function undelivered(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '!=', 'succeeded')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Resolves once a spawned worker says it is running (it listens for jobs by then). */
export function running(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('bawaba worker running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it ran: ${out}`)));
  });
}

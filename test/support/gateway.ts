import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createAccountWithKey } from '../../src/api-key-admin.ts';
import type { Config } from '../../src/config.ts';
import type { ConnectorRegistry } from '../../src/core/connector-contract.ts';
import type { Principal } from '../../src/core/repositories.ts';
import {
  EMULATORS,
  type EmulatorControl,
  type EmulatorName,
  type RunningEmulator,
  startEmulators,
} from '../../src/emulators/registry.ts';
import type { Worker } from '../../src/jobs/worker.ts';
import {
  adminDeps,
  type Core,
  createApp,
  createConnectors,
  createJobWorker,
  openCore,
  type PublicUrl,
  type StartOptions,
} from '../../src/main.ts';
import { configureSandboxConnector } from '../../src/sandbox.ts';
import type { Database } from '../../src/storage/db.ts';

/** A merchant of the test gateway: an account and its test key. */
export interface TestMerchant {
  readonly accountId: string;
  readonly key: string;
  readonly principal: Principal;
}

/**
 * A gateway built for tests: the app listening on loopback (so the emulator's notifications
 * reach it; tests mostly use `inject()`), its core, an emulator, two merchants, and a worker
 * that runs only when a test asks (`worker.runDue()`), on the core's clock.
 */
export interface TestGateway {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly core: Core;
  readonly config: Config;
  /** The Checkout.com emulator. */
  readonly emulator: RunningEmulator<EmulatorControl<'checkout_com'>>;
  readonly tap: RunningEmulator<EmulatorControl<'tap'>>;
  readonly akurateco: RunningEmulator<EmulatorControl<'akurateco'>>;
  readonly qattah: RunningEmulator<EmulatorControl<'qattah'>>;
  /** Every emulator of the registry's list, by name. */
  readonly emulators: { readonly [N in EmulatorName]: RunningEmulator<EmulatorControl<N>> };
  /** The connectors the app and the worker share (a test may wrap one to count its calls). */
  readonly connectors: ConnectorRegistry;
  readonly worker: Worker;
  readonly merchant: TestMerchant;
  readonly other: TestMerchant;
  /** Creates a payment through the API as `merchant`. */
  createPayment(body?: Record<string, unknown>, key?: string): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export const TEST_ENCRYPTION_KEY = 'a'.repeat(64);

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    host: '127.0.0.1',
    publicUrl: undefined,
    mode: 'sandbox',
    dataDir: '/nonexistent',
    databaseUrl: 'sqlite::memory:',
    encryptionKey: TEST_ENCRYPTION_KEY,
    providerTimeoutMs: 2000,
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    emulatorHost: '127.0.0.1',
    emulatorState: 'memory',
    emulatorPorts: Object.fromEntries(EMULATORS.map((e) => [e.name, 0])) as Record<EmulatorName, number>,
    runWorker: false,
    workerConcurrency: 16,
    jobLeaseMs: 60_000,
    workerPollMs: 50,
    notificationRetentionDays: 90,
    unverifiedNotificationRetentionDays: 7,
    rateLimitReturnsPerAddress: 60,
    rateLimitReturnsPerPayment: 30,
    rateLimitHooksPerAddress: 1200,
    rateLimitHooksPerConnectorAccount: 600,
    trustProxy: undefined,
    ...overrides,
  };
}

export const PAYMENT_BODY = {
  amount: 1500,
  currency: 'QAR',
  payment_method: 'qpay',
  return_url: 'https://shop.example/thanks?order=1001',
  description: 'Order 1001',
  reference: 'ORDER-1001',
  customer: { name: 'Mariam Al-Thani', email: 'mariam@example.qa', phone: '+97455501234', national_id: '28463400123' },
  metadata: { order_id: '1001' },
} as const;

let keyCounter = 0;

/**
 * Builds a gateway over an in-memory SQLite (or `database`) with a Checkout.com emulator, and a
 * Tap emulator whose connector is configured only with `tap: true`.
 */
export async function createTestGateway(
  options: { database?: Database; config?: Partial<Config>; start?: StartOptions; tap?: boolean } = {},
): Promise<TestGateway> {
  const config = testConfig(options.config);
  const core = await openCore(config, {
    ...options.start,
    ...(options.database ? { database: options.database } : {}),
  });
  const emulators = await startEmulators(() => ({ port: 0 }));
  const deps = adminDeps(core);
  const a = await createAccountWithKey(deps, 'Merchant A', 'test');
  const b = await createAccountWithKey(deps, 'Merchant B', 'test');
  const connectors = createConnectors(config, options.start?.dispatcher, options.start?.liveDispatcher);
  const publicUrl: PublicUrl = { value: '' };
  const app = await createApp(config, core, connectors, publicUrl);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  publicUrl.value = config.publicUrl ?? url;
  for (const running of Object.values(emulators)) {
    // Tap behind Checkout.com changes what a Checkout.com fault does (failover): only when asked.
    if (running.name === 'tap' && !options.tap) continue;
    await configureSandboxConnector(deps, running, publicUrl.value);
  }
  const worker = createJobWorker(
    config,
    core,
    connectors,
    publicUrl,
    options.start?.dispatcher,
    options.start?.liveDispatcher,
  );
  const merchant = (acc: { accountId: string; secret: string }): TestMerchant => ({
    accountId: acc.accountId,
    key: acc.secret,
    principal: { accountId: acc.accountId, mode: 'test', apiKeyId: '' },
  });
  return {
    app,
    url,
    core,
    config,
    emulator: emulators.checkout_com,
    tap: emulators.tap,
    akurateco: emulators.akurateco,
    qattah: emulators.qattah,
    emulators,
    worker,
    connectors,
    merchant: merchant(a),
    other: merchant(b),
    async createPayment(body = PAYMENT_BODY, key = a.secret) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/payments',
        headers: { authorization: `Bearer ${key}`, 'idempotency-key': `k-${++keyCounter}-${Date.now()}` },
        payload: body,
      });
      if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
      return res.json();
    },
    async close() {
      await worker.stop(1000);
      await app.close();
      for (const running of Object.values(emulators)) await running.close();
      await core.database.close();
    },
  };
}

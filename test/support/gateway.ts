import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.ts';
import type { Principal } from '../../src/core/ports.ts';
import type { CheckoutComControl } from '../../src/emulators/checkout-com/control.ts';
import { type RunningEmulator, startEmulator } from '../../src/emulators/registry.ts';
import { adminDeps, type Core, createApp, createConnectors, openCore } from '../../src/main.ts';
import { configureSandboxConnector, createAccountWithKey } from '../../src/sandbox.ts';
import type { Database } from '../../src/storage/db.ts';

/** A merchant of the test gateway: an account and its test key. */
export interface TestMerchant {
  readonly accountId: string;
  readonly key: string;
  readonly principal: Principal;
}

/** A gateway built for tests: app (not listening unless asked), core, emulator, two merchants. */
export interface TestGateway {
  readonly app: FastifyInstance;
  readonly core: Core;
  readonly config: Config;
  readonly emulator: RunningEmulator<CheckoutComControl>;
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
    publicUrl: 'http://bawaba.test',
    mode: 'sandbox',
    dataDir: '/nonexistent',
    databaseUrl: 'sqlite::memory:',
    encryptionKey: TEST_ENCRYPTION_KEY,
    providerTimeoutMs: 2000,
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    emulatorHost: '127.0.0.1',
    checkoutComEmulatorPort: 0,
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

/** Builds a gateway over an in-memory SQLite (or `database`) with a Checkout.com emulator. */
export async function createTestGateway(
  options: { database?: Database; config?: Partial<Config> } = {},
): Promise<TestGateway> {
  const config = testConfig(options.config);
  const core = await openCore(config, options.database ? { database: options.database } : {});
  const emulator = await startEmulator('checkout_com', { port: 0 });
  const deps = adminDeps(core);
  const a = await createAccountWithKey(deps, 'Merchant A', 'test');
  const b = await createAccountWithKey(deps, 'Merchant B', 'test');
  await configureSandboxConnector(deps, 'checkout_com', emulator.baseUrl, {
    secret_key: emulator.credentials.secretKey,
    webhook_signature_key: emulator.credentials.webhookSignatureKey,
  });
  const app = await createApp(config, core, createConnectors(config));
  const merchant = (acc: { accountId: string; secret: string }): TestMerchant => ({
    accountId: acc.accountId,
    key: acc.secret,
    principal: { accountId: acc.accountId, mode: 'test', apiKeyId: '' },
  });
  return {
    app,
    core,
    config,
    emulator,
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
      await app.close();
      await emulator.close();
      await core.database.close();
    },
  };
}

import type { FastifyInstance } from 'fastify';
import type { Dispatcher } from 'undici';
import { type Config, ConfigError } from './config.ts';
import { CHECKOUT_BASE_URLS, createCheckoutComConnector } from './connectors/checkout-com/index.ts';
import { createConnectorRegistry } from './connectors/registry.ts';
import { type Clock, systemClock } from './core/clock.ts';
import { createIdGenerator, type IdGenerator } from './core/ids.ts';
import type { ConnectorRegistry } from './core/ports.ts';
import { type RunningEmulator, startEmulator } from './emulators/registry.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics } from './observability/metrics.ts';
import {
  configureSandboxConnector,
  ensureSandboxAccount,
  type SandboxKey,
  sandboxEmulatorSecrets,
  sandboxEncryptionKey,
  saveSandboxEmulatorSecrets,
} from './sandbox.ts';
import { buildApp } from './server/app.ts';
import { type Database, openDatabase } from './storage/db.ts';
import { migrateToLatest } from './storage/migrate.ts';
import { createRepos } from './storage/repos/index.ts';
import { createSecretBox, parseEncryptionKey } from './storage/secret-box.ts';

/** The storage side of the gateway: database, repositories, clock and ids. */
export interface Core {
  readonly database: Database;
  readonly repos: ReturnType<typeof createRepos>;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

/** Repositories plus clock and ids: what administration helpers take. */
export function adminDeps(core: Core) {
  return { ...core.repos, ids: core.ids, clock: core.clock };
}

/** Options that tests and benchmarks change; production uses the defaults. */
export interface StartOptions {
  readonly clock?: Clock;
  readonly dispatcher?: Dispatcher;
  readonly logDestination?: NodeJS.WritableStream;
  /** An already opened database (tests); otherwise `config.databaseUrl` is opened. */
  readonly database?: Database;
}

/** Opens and migrates the database and builds the repositories. */
export async function openCore(config: Config, options: StartOptions = {}): Promise<Core> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const key = config.encryptionKey ?? sandboxEncryptionKey(config.dataDir);
  const box = createSecretBox(parseEncryptionKey(key));
  const database = options.database ?? (await openDatabase(config.databaseUrl));
  const applied = await migrateToLatest(database);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const clock = options.clock ?? systemClock;
  return { database, repos: createRepos(database, box), clock, ids: createIdGenerator(clock), logger };
}

/** Every connector Bawaba has. */
export function createConnectors(config: Config, dispatcher?: Dispatcher): ConnectorRegistry {
  return createConnectorRegistry([
    createCheckoutComConnector({
      defaultBaseUrls: CHECKOUT_BASE_URLS,
      timeoutMs: config.providerTimeoutMs,
      ...(dispatcher ? { dispatcher } : {}),
    }),
  ]);
}

/** Where customers' browsers reach the gateway; settled once the listening port is known. */
export interface PublicUrl {
  value: string;
}

/** Builds the HTTP app over an opened core. */
export function createApp(
  config: Config,
  core: Core,
  connectors: ConnectorRegistry,
  publicUrl: PublicUrl = { value: config.publicUrl ?? `http://localhost:${config.port}` },
): Promise<FastifyInstance> {
  const { repos, clock, ids, logger } = core;
  return buildApp({
    payment: {
      payments: repos.payments,
      connectorAccounts: repos.connectorAccounts,
      connectors,
      clock,
      ids,
      log: logger,
      get publicUrl() {
        return publicUrl.value;
      },
    },
    payments: repos.payments,
    accounts: repos.accounts,
    connectorAccounts: repos.connectorAccounts,
    idempotency: repos.idempotency,
    clock,
    ids,
    logger,
    metrics: createMetrics(),
    connectors,
    sandbox: config.mode === 'sandbox',
  });
}

/** A running gateway. */
export interface Gateway {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly core: Core;
  readonly emulators: readonly RunningEmulator[];
  readonly sandboxKey: SandboxKey | undefined;
  close(): Promise<void>;
}

const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60_000;

/** Deletes idempotency records past their 24 hours; a failure is logged and tried next time. */
async function purgeIdempotencyKeys(core: Core): Promise<void> {
  try {
    const purged = await core.repos.idempotency.purgeExpired(core.clock.now());
    if (purged > 0) core.logger.info({ purged }, 'expired idempotency keys purged');
  } catch (err) {
    core.logger.warn({ err }, 'purging idempotency keys failed');
  }
}

/** Starts the sandbox emulators and points test-mode connectors at them. */
async function startSandbox(
  config: Config,
  core: Core,
  closers: (() => Promise<void>)[],
): Promise<{ emulators: RunningEmulator[]; key: SandboxKey }> {
  const key = await ensureSandboxAccount(adminDeps(core), config.dataDir);
  const saved = sandboxEmulatorSecrets(config.dataDir);
  const cko = await startEmulator('checkout_com', {
    port: config.checkoutComEmulatorPort,
    host: config.emulatorHost,
    ...(saved.checkout_com?.secret_key ? { secretKey: saved.checkout_com.secret_key } : {}),
    ...(saved.checkout_com?.webhook_signature_key
      ? { webhookSignatureKey: saved.checkout_com.webhook_signature_key }
      : {}),
  });
  closers.push(() => cko.close());
  const credentials = {
    secret_key: cko.credentials.secretKey,
    webhook_signature_key: cko.credentials.webhookSignatureKey,
  };
  saveSandboxEmulatorSecrets(config.dataDir, { ...saved, checkout_com: credentials });
  await configureSandboxConnector(adminDeps(core), 'checkout_com', cko.baseUrl, credentials);
  return { emulators: [cko], key };
}

/** Starts the whole gateway: storage, sandbox emulators (in sandbox mode), HTTP API. */
export async function startGateway(config: Config, options: StartOptions = {}): Promise<Gateway> {
  const core = await openCore(config, options);
  const closers: (() => Promise<void>)[] = [() => core.database.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const sandbox = config.mode === 'sandbox' ? await startSandbox(config, core, closers) : undefined;
    const publicUrl = { value: config.publicUrl ?? '' };
    const app = await createApp(config, core, createConnectors(config, options.dispatcher), publicUrl);
    closers.push(() => app.close());
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    publicUrl.value ||= `http://localhost:${port}`;
    const purge = setInterval(() => void purgeIdempotencyKeys(core), IDEMPOTENCY_PURGE_INTERVAL_MS).unref();
    closers.push(async () => clearInterval(purge));
    void purgeIdempotencyKeys(core);
    return {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
      app,
      core,
      emulators: sandbox?.emulators ?? [],
      sandboxKey: sandbox?.key,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw explainStartError(err, config);
  }
}

/** A stored secret that will not open means the encryption key changed: say which one. */
function explainStartError(err: unknown, config: Config): unknown {
  if (!(err instanceof Error) || !err.message.startsWith('SecretBox: cannot open')) return err;
  const source = config.encryptionKey
    ? 'BAWABA_ENCRYPTION_KEY'
    : `the key in ${config.dataDir}/encryption.key (generated because BAWABA_ENCRYPTION_KEY is unset)`;
  return new ConfigError(
    `stored credentials cannot be decrypted with ${source}: start with the BAWABA_ENCRYPTION_KEY they were sealed with (or the data directory that holds its key file)`,
  );
}

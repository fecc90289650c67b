/**
 * The composition root: configuration, database, repositories, connectors, jobs, the API and the
 * pages, wired together; `startGateway` runs them.
 *
 * Longer than 300 lines: it is the one place every part is wired to every other, by design.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Dispatcher } from 'undici';
import { type Config, ConfigError } from './config.ts';
import type { ConnectorRegistry } from './core/connector-contract.ts';
import type { CheckoutDeps } from './core/services/checkout-sessions.ts';
import type { PaymentLinkDeps } from './core/services/payment-links.ts';
import type { NotificationDeps } from './core/services/receive-notification.ts';
import { dashboardServices } from './dashboard-users.ts';
import type { RunningEmulator } from './emulators/registry.ts';
import { createHandlers } from './jobs/handlers/index.ts';
import { createWorker, type Worker } from './jobs/worker.ts';
import { createMetrics } from './observability/metrics.ts';
import { type Core, type CoreOptions, JOBS_TOPIC, openCore } from './open-core.ts';
import { createConnectors, liveDispatcherOf } from './outbound.ts';
import { registerPaymentLinkPages } from './pages/checkout/links.ts';
import { registerCheckoutPages } from './pages/checkout/plugin.ts';
import type { DashboardOptions } from './pages/dashboard/deps.ts';
import { registerDashboard } from './pages/dashboard/plugin.ts';
import { type SandboxKey, startSandbox } from './sandbox.ts';
import { buildApp } from './server/app.ts';
import type { Listening } from './storage/db.ts';

/** The storage side, opened alone by the administration commands (see open-core.ts). */
export { adminDeps, type Core, openCore } from './open-core.ts';
export { createConnectors } from './outbound.ts';

/** Options that tests and benchmarks change; production uses the defaults. */
export interface StartOptions extends CoreOptions {
  /** Every outbound call of both modes (tests pass a `MockAgent`); live mode too, unless `liveDispatcher` is set. */
  readonly dispatcher?: Dispatcher;
  /**
   * Live-mode outbound calls: webhooks to live endpoints, live connector accounts. By default
   * `dispatcher` when given, else an agent that connects to public addresses only.
   */
  readonly liveDispatcher?: Dispatcher;
}

/** Where customers' browsers reach the gateway; settled once the listening port is known. */
export interface PublicUrl {
  value: string;
}

/** The use cases' dependencies. */
export function paymentDeps(core: Core, connectors: ConnectorRegistry, publicUrl: PublicUrl): NotificationDeps {
  const { repos, clock, ids, logger } = core;
  return {
    payments: repos.payments,
    refunds: repos.refunds,
    connectorAccounts: repos.connectorAccounts,
    customerReturns: repos.customerReturns,
    notifications: repos.notifications,
    jobs: repos.jobs,
    connectors,
    clock,
    ids,
    log: logger,
    get publicUrl() {
      return publicUrl.value;
    },
  };
}

/** The checkout sessions' dependencies. */
export function checkoutDeps(core: Core, connectors: ConnectorRegistry, publicUrl: PublicUrl): CheckoutDeps {
  return { sessions: core.repos.checkoutSessions, payment: paymentDeps(core, connectors, publicUrl) };
}

/** The payment links' dependencies. */
export function paymentLinkDeps(core: Core, connectors: ConnectorRegistry, publicUrl: PublicUrl): PaymentLinkDeps {
  return { links: core.repos.paymentLinks, checkout: checkoutDeps(core, connectors, publicUrl) };
}

/** Builds the HTTP app over an opened core. */
export async function createApp(
  config: Config,
  core: Core,
  connectors: ConnectorRegistry,
  publicUrl: PublicUrl = { value: config.publicUrl ?? `http://localhost:${config.port}` },
  /** Dashboard limits and session lifetimes other than the defaults (tests). */
  dashboard?: Partial<DashboardOptions>,
): Promise<FastifyInstance> {
  const { repos, clock, ids, logger } = core;
  const app = await buildApp({
    payment: paymentDeps(core, connectors, publicUrl),
    payments: repos.payments,
    accounts: repos.accounts,
    connectorAccounts: repos.connectorAccounts,
    idempotency: repos.idempotency,
    events: repos.events,
    webhookEndpoints: repos.webhookEndpoints,
    deliveries: repos.webhookDeliveries,
    jobs: repos.jobs,
    notifications: repos.notifications,
    checkout: checkoutDeps(core, connectors, publicUrl),
    paymentLinks: paymentLinkDeps(core, connectors, publicUrl),
    logos: repos.accountLogos,
    clock,
    ids,
    logger,
    metrics: createMetrics(),
    connectors,
    sandbox: config.mode === 'sandbox',
    hsts: config.publicUrl?.startsWith('https://') ?? false,
    rateLimits: {
      returnsPerAddress: config.rateLimitReturnsPerAddress,
      returnsPerPayment: config.rateLimitReturnsPerPayment,
      hooksPerAddress: config.rateLimitHooksPerAddress,
      hooksPerConnectorAccount: config.rateLimitHooksPerConnectorAccount,
    },
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
  });
  await registerCheckoutPages(app, {
    checkout: checkoutDeps(core, connectors, publicUrl),
    accounts: repos.accounts,
    logos: repos.accountLogos,
  });
  await registerPaymentLinkPages(app, {
    links: paymentLinkDeps(core, connectors, publicUrl),
    accounts: repos.accounts,
    logos: repos.accountLogos,
  });
  await registerDashboard(app, {
    repo: repos.dashboard,
    queries: repos.dashboardQueries,
    payment: paymentDeps(core, connectors, publicUrl),
    accounts: repos.accounts,
    events: repos.events,
    webhookEndpoints: repos.webhookEndpoints,
    deliveries: repos.webhookDeliveries,
    connectorAccounts: repos.connectorAccounts,
    connectors,
    idempotency: repos.idempotency,
    services: dashboardServices({ accounts: repos.accounts, ids, clock }),
    clock,
    ids,
    log: logger,
    ...(dashboard ? { options: dashboard } : {}),
  });
  return app;
}

/** A job worker over the core (deliveries, reconciliation, late notifications). */
export function createJobWorker(
  config: Config,
  core: Core,
  connectors: ConnectorRegistry,
  publicUrl: PublicUrl,
  dispatcher?: Dispatcher,
  liveDispatcher?: Dispatcher,
): Worker {
  const { repos, clock, ids, logger } = core;
  const worker = createWorker({
    queue: repos.jobs,
    handlers: createHandlers({
      deliver: {
        deliveries: repos.webhookDeliveries,
        endpoints: repos.webhookEndpoints,
        events: repos.events,
        ids,
        clock,
        log: logger,
        ...(dispatcher ? { dispatcher } : {}),
        liveDispatcher: liveDispatcherOf(dispatcher, liveDispatcher),
      },
      notifications: paymentDeps(core, connectors, publicUrl),
      checkout: checkoutDeps(core, connectors, publicUrl),
    }),
    clock,
    log: logger,
    workerId: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
    concurrency: config.workerConcurrency,
    leaseMs: config.jobLeaseMs,
    pollIntervalMs: config.workerPollMs,
  });
  core.bell.ring = (runAt) => worker.nudge(runAt);
  return worker;
}

/** A running gateway. */
export interface Gateway {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly core: Core;
  readonly emulators: readonly RunningEmulator[];
  readonly sandboxKey: SandboxKey | undefined;
  readonly worker: Worker | undefined;
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 60 * 60_000;

/**
 * Wakes `worker` when another process that shares the database (on PostgreSQL) wrote jobs, so
 * an API node without a worker does not leave its webhooks waiting for the next poll.
 */
async function listenForJobs(core: Core, worker: Worker): Promise<Listening | undefined> {
  return core.database.channel?.listen(
    JOBS_TOPIC,
    (payload) => {
      const runAt = Number(payload);
      worker.nudge(Number.isFinite(runAt) ? runAt : undefined);
    },
    (err) => core.logger.warn({ err: err.message }, 'listening for jobs of other processes failed; polling meanwhile'),
  );
}

const DAY_MS = 24 * 60 * 60_000;

/**
 * Deletes idempotency records past their 24 hours, and provider notifications past their
 * retention (unverifiable ones sooner); a failure is logged and tried next time.
 */
async function purgeExpired(core: Core, config: Config): Promise<void> {
  try {
    const now = core.clock.now();
    const purged = await core.repos.idempotency.purgeExpired(now);
    if (purged > 0) core.logger.info({ purged }, 'expired idempotency keys purged');
    const notifications = await core.repos.notifications.purgeReceivedBefore(
      now - config.notificationRetentionDays * DAY_MS,
      now - config.unverifiedNotificationRetentionDays * DAY_MS,
    );
    if (notifications > 0) core.logger.info({ purged: notifications }, 'provider notifications past retention purged');
  } catch (err) {
    core.logger.warn({ err }, 'purging expired records failed');
  }
}

/** Starts the whole gateway: storage, HTTP API, sandbox emulators (in sandbox mode), worker. */
export async function startGateway(config: Config, options: StartOptions = {}): Promise<Gateway> {
  const core = await openCore(config, options);
  const closers: (() => Promise<void>)[] = [() => core.database.close()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };
  try {
    const connectors = createConnectors(config, options.dispatcher, options.liveDispatcher);
    const publicUrl = { value: config.publicUrl ?? '' };
    const app = await createApp(config, core, connectors, publicUrl);
    closers.push(() => app.close());
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    publicUrl.value ||= `http://localhost:${port}`;
    const sandbox = config.mode === 'sandbox' ? await startSandbox(config, core, publicUrl.value, closers) : undefined;
    let worker: Worker | undefined;
    if (config.runWorker) {
      const w = createJobWorker(config, core, connectors, publicUrl, options.dispatcher, options.liveDispatcher);
      w.start();
      closers.push(() => w.stop());
      const listening = await listenForJobs(core, w);
      if (listening) closers.push(() => listening.close());
      worker = w;
    }
    const purge = setInterval(() => void purgeExpired(core, config), PURGE_INTERVAL_MS).unref();
    closers.push(async () => clearInterval(purge));
    void purgeExpired(core, config);
    return {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`,
      app,
      core,
      emulators: sandbox?.emulators ?? [],
      sandboxKey: sandbox?.key,
      worker,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw explainStartError(err, config);
  }
}

/** Runs a worker alone (`bawaba worker`): no HTTP API, no emulators. */
export async function startWorker(
  config: Config,
  options: StartOptions = {},
): Promise<{ worker: Worker; close(): Promise<void> }> {
  const core = await openCore(config, options);
  const connectors = createConnectors(config, options.dispatcher, options.liveDispatcher);
  const worker = createJobWorker(
    config,
    core,
    connectors,
    { value: config.publicUrl ?? `http://localhost:${config.port}` },
    options.dispatcher,
    options.liveDispatcher,
  );
  worker.start();
  const listening = await listenForJobs(core, worker);
  return {
    worker,
    async close() {
      await listening?.close();
      await worker.stop();
      await core.database.close();
    },
  };
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

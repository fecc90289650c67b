import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccountWithKey } from './api-key-admin.ts';
import type { Config } from './config.ts';
import type { Clock } from './core/clock.ts';
import type { ConnectorAccount } from './core/connector-contract.ts';
import type { DashboardRepo } from './core/dashboard-ports.ts';
import type { IdGenerator } from './core/ids.ts';
import type { Account, AccountRepo, ConnectorAccountRepo } from './core/repositories.ts';
import { createDashboardUser } from './dashboard-users.ts';
import type { AkuratecoControl } from './emulators/akurateco/control.ts';
import type { CheckoutComControl } from './emulators/checkout-com/control.ts';
import { type EmulatorStore, memoryStore, openFileStore } from './emulators/kit/store.ts';
import type { QattahControl } from './emulators/qattah/control.ts';
import { type RunningEmulator, startEmulator } from './emulators/registry.ts';
import type { TapControl } from './emulators/tap/control.ts';
import type { Core } from './main.ts';
import { apiKeyStatus, hashApiKey } from './server/api-keys.ts';

/** A secret file under the data directory, readable by its owner only. */
function writeSecretFile(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The sandbox's encryption key: `BAWABA_ENCRYPTION_KEY`, else one generated once into the data dir. */
export function sandboxEncryptionKey(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, 'encryption.key');
  if (!existsSync(path)) writeSecretFile(path, `${randomBytes(32).toString('hex')}\n`);
  return readFileSync(path, 'utf8').trim();
}

/** What the start banner says about the test API key (and the dashboard's first admin). */
export interface SandboxKey {
  readonly secret: string | undefined;
  readonly created: boolean;
  readonly file: string;
  /** The sandbox account's first dashboard admin; its password only when it was just made. */
  readonly admin?: { readonly email: string; readonly password: string | undefined };
}

/** The e-mail of the sandbox's first dashboard admin. */
export const SANDBOX_ADMIN_EMAIL = 'admin@sandbox.bawaba.test';

/**
 * The sandbox account's first dashboard admin: made once, with a one-time password answered
 * here (only its hash is stored); later, the e-mail alone.
 */
export async function ensureSandboxAdmin(deps: {
  accounts: AccountRepo;
  dashboard: DashboardRepo;
  ids: IdGenerator;
  clock: Clock;
}): Promise<{ email: string; password: string | undefined } | undefined> {
  const account = (await deps.accounts.listAccounts())[0];
  if (!account) return undefined;
  const existing = await deps.dashboard.listUsers(account.id);
  const admin = existing.find((u) => u.role === 'admin');
  if (admin) return { email: admin.email, password: undefined };
  const { user, password } = await createDashboardUser(deps, {
    accountId: account.id,
    email: SANDBOX_ADMIN_EMAIL,
    role: 'admin',
  });
  return { email: user.email, password };
}

/**
 * On first start: a sandbox account and a test key, saved to `<data dir>/test-api-key.txt`.
 * Later: the saved key, if it is still valid.
 */
export async function ensureSandboxAccount(
  deps: { accounts: AccountRepo; ids: IdGenerator; clock: Clock },
  dataDir: string,
): Promise<SandboxKey> {
  const file = join(dataDir, 'test-api-key.txt');
  if ((await deps.accounts.listAccounts()).length === 0) {
    const { secret } = await createAccountWithKey(deps, 'Sandbox merchant', 'test');
    writeSecretFile(file, `${secret}\n`);
    return { secret, created: true, file };
  }
  const saved = existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
  const key = saved ? await deps.accounts.findApiKeyByHash(hashApiKey(saved)) : undefined;
  const valid = key !== undefined && apiKeyStatus(key, deps.clock.now()) === 'active';
  return { secret: valid ? saved : undefined, created: false, file };
}

/** True for a connector account the sandbox set up against an emulator on this machine. */
function isEmulated(account: ConnectorAccount | undefined): boolean {
  const base = account?.settings.base_url;
  if (!base) return false;
  const host = new URL(base).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

type SandboxDeps = { accounts: AccountRepo; connectorAccounts: ConnectorAccountRepo; ids: IdGenerator; clock: Clock };

/**
 * Gives every account a test-mode `connector` against a running emulator, as its own merchant
 * there: `merchant` registers it (adopting the stored credentials, if any, so the connector keeps
 * working across restarts; the database is the source of truth) and returns its credentials.
 * Connectors a merchant set up against a real provider are left alone.
 */
async function configureEmulated(
  deps: SandboxDeps,
  connector: string,
  baseUrl: string,
  priority: number,
  merchant: (
    existing: ConnectorAccount | undefined,
    connectorAccountId: string,
    account: Account,
  ) => Record<string, string>,
  extraSettings: Record<string, string> = {},
): Promise<void> {
  for (const account of await deps.accounts.listAccounts()) {
    const existing = await deps.connectorAccounts.find(account.id, 'test', connector);
    if (existing && !isEmulated(existing)) continue;
    const id = existing?.id ?? deps.ids.next('ca');
    const credentials = merchant(existing, id, account);
    const now = deps.clock.now();
    await deps.connectorAccounts.upsert({
      id,
      accountId: account.id,
      mode: 'test',
      connector,
      credentials,
      settings: { ...existing?.settings, base_url: baseUrl, ...extraSettings },
      priority: existing?.priority ?? priority,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
  }
}

const hookUrl = (publicUrl: string, connector: string, id: string) =>
  `${publicUrl.replace(/\/+$/, '')}/hooks/${connector}/${id}`;

/** Checkout.com (QPay) in the sandbox: an emulator entity per account, its webhooks sent to the account's hook URL. */
export function configureSandboxCheckout(
  deps: SandboxDeps,
  emulator: RunningEmulator<CheckoutComControl>,
  publicUrl: string,
): Promise<void> {
  return configureEmulated(deps, 'checkout_com', emulator.baseUrl, 100, (existing, id) => {
    const entity = emulator.control.createEntity({
      ...(existing?.credentials.secret_key ? { secretKey: existing.credentials.secret_key } : {}),
      ...(existing?.credentials.webhook_signature_key
        ? { webhookSignatureKey: existing.credentials.webhook_signature_key }
        : {}),
    });
    emulator.control.setWebhooks(entity.id, [{ url: hookUrl(publicUrl, 'checkout_com', id) }]);
    return { secret_key: entity.secretKey, webhook_signature_key: entity.webhookSignatureKey };
  });
}

/**
 * Tap (QPay) in the sandbox, behind Checkout.com in routing order (Tap takes over when
 * Checkout.com is unavailable). Tap posts notifications to the URL each charge names.
 */
export function configureSandboxTap(deps: SandboxDeps, emulator: RunningEmulator<TapControl>): Promise<void> {
  return configureEmulated(deps, 'tap', emulator.baseUrl, 200, (existing) => {
    const merchant = emulator.control.createMerchant(
      existing?.credentials.secret_key ? { secretKey: existing.credentials.secret_key } : {},
    );
    return { secret_key: merchant.secretKey };
  });
}

/** Akurateco (cards) in the sandbox: merchant key and password, callbacks to the account's hook URL. */
export function configureSandboxAkurateco(
  deps: SandboxDeps,
  emulator: RunningEmulator<AkuratecoControl>,
  publicUrl: string,
): Promise<void> {
  const merchant = (existing: ConnectorAccount | undefined, id: string) => {
    const made = emulator.control.createMerchant({
      ...(existing?.credentials.merchant_key ? { merchantKey: existing.credentials.merchant_key } : {}),
      ...(existing?.credentials.password ? { password: existing.credentials.password } : {}),
      notificationUrl: hookUrl(publicUrl, 'akurateco', id),
    });
    return { merchant_key: made.merchantKey, password: made.password };
  };
  // The emulator answers status lookups by order_id too, as some white labels document.
  return configureEmulated(deps, 'akurateco', emulator.baseUrl, 100, merchant, { status_by_order_id: 'true' });
}

/**
 * Qattah Pay (split bills, SAR) in the sandbox: its own api_token per account. Qattah calls
 * back the URL each order names.
 */
export function configureSandboxQattah(deps: SandboxDeps, emulator: RunningEmulator<QattahControl>): Promise<void> {
  return configureEmulated(deps, 'qattah', emulator.baseUrl, 100, (existing, _id, account) => {
    const merchant = emulator.control.createMerchant({
      name: account.name,
      ...(existing?.credentials.api_token ? { apiToken: existing.credentials.api_token } : {}),
    });
    return { api_token: merchant.apiToken };
  });
}

/** The file the sandbox emulators keep their state in (`BAWABA_EMULATOR_STATE=file`). */
export const emulatorStateFile = (dataDir: string): string => join(dataDir, 'emulators.sqlite');

/** Where the sandbox emulators keep their state: a file in the data directory, or memory. */
export function sandboxEmulatorStore(config: Pick<Config, 'dataDir' | 'emulatorState'>): EmulatorStore {
  return config.emulatorState === 'memory' ? memoryStore() : openFileStore(emulatorStateFile(config.dataDir));
}

/**
 * Starts the sandbox: the sandbox account and key, the emulators (with the state they kept, unless
 * in memory), connectors pointed at them.
 */
export async function startSandbox(
  config: Config,
  core: Core,
  publicUrl: string,
  closers: (() => Promise<void>)[],
): Promise<{ emulators: RunningEmulator[]; key: SandboxKey }> {
  const deps = { ...core.repos, ids: core.ids, clock: core.clock };
  const key = await ensureSandboxAccount(deps, config.dataDir);
  const admin = await ensureSandboxAdmin(deps);
  const store = sandboxEmulatorStore(config);
  // Closed after the emulators (closers run last first), so their last changes are written.
  closers.push(async () => store.close());
  const host = config.emulatorHost;
  const cko = await startEmulator('checkout_com', { port: config.checkoutComEmulatorPort, host, store });
  closers.push(() => cko.close());
  await configureSandboxCheckout(deps, cko, publicUrl);
  const tap = await startEmulator('tap', { port: config.tapEmulatorPort, host, store });
  closers.push(() => tap.close());
  await configureSandboxTap(deps, tap);
  const akurateco = await startEmulator('akurateco', { port: config.akuratecoEmulatorPort, host, store });
  closers.push(() => akurateco.close());
  await configureSandboxAkurateco(deps, akurateco, publicUrl);
  const qattah = await startEmulator('qattah', { port: config.qattahEmulatorPort, host, store });
  closers.push(() => qattah.close());
  await configureSandboxQattah(deps, qattah);
  return { emulators: [cko, tap, akurateco, qattah], key: admin ? { ...key, admin } : key };
}

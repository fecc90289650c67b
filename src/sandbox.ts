import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.ts';
import type { Clock } from './core/clock.ts';
import type { IdGenerator } from './core/ids.ts';
import type { AccountRepo, ConnectorAccount, ConnectorAccountRepo } from './core/ports.ts';
import type { AkuratecoControl } from './emulators/akurateco/control.ts';
import type { CheckoutComControl } from './emulators/checkout-com/control.ts';
import type { QattahControl } from './emulators/qattah/control.ts';
import { type RunningEmulator, startEmulator } from './emulators/registry.ts';
import type { TapControl } from './emulators/tap/control.ts';
import type { Core } from './main.ts';
import { displayPrefix, generateApiKey, hashApiKey } from './server/api-keys.ts';

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

/** Creates an account with one API key; returns the key's secret (shown once). */
export async function createAccountWithKey(
  deps: { accounts: AccountRepo; ids: IdGenerator; clock: Clock },
  name: string,
  mode: 'test' | 'live',
): Promise<{ accountId: string; secret: string }> {
  const accountId = deps.ids.next('acct');
  await deps.accounts.createAccount({ id: accountId, name, createdAt: deps.clock.now() });
  const secret = await createKey(deps, accountId, mode);
  return { accountId, secret };
}

/** Creates an API key for an account; returns its secret (only its hash is stored). */
export async function createKey(
  deps: { accounts: AccountRepo; ids: IdGenerator; clock: Clock },
  accountId: string,
  mode: 'test' | 'live',
): Promise<string> {
  const secret = generateApiKey(mode);
  await deps.accounts.createApiKey(
    {
      id: deps.ids.next('key'),
      accountId,
      mode,
      displayPrefix: displayPrefix(secret),
      createdAt: deps.clock.now(),
      revokedAt: null,
    },
    hashApiKey(secret),
  );
  return secret;
}

/** What the start banner says about the test API key. */
export interface SandboxKey {
  readonly secret: string | undefined;
  readonly created: boolean;
  readonly file: string;
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
  const valid = saved ? await deps.accounts.findApiKeyByHash(hashApiKey(saved)) : undefined;
  return { secret: valid ? saved : undefined, created: false, file };
}

/** True for a connector account the sandbox set up against an emulator on this machine. */
function isEmulated(account: ConnectorAccount | undefined): boolean {
  const base = account?.settings.base_url;
  if (!base) return false;
  const host = new URL(base).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * Gives every account a test-mode Checkout.com connector against the running emulator, each
 * as its own emulated merchant (its own keys, its notifications sent to its own hook URL). The
 * database is the source of truth: an existing emulated connector's keys are handed to the
 * new emulator, so it keeps working across restarts. Connectors a merchant set up are left alone.
 */
export async function configureSandboxCheckout(
  deps: { accounts: AccountRepo; connectorAccounts: ConnectorAccountRepo; ids: IdGenerator; clock: Clock },
  emulator: RunningEmulator<CheckoutComControl>,
  publicUrl: string,
): Promise<void> {
  for (const account of await deps.accounts.listAccounts()) {
    const existing = await deps.connectorAccounts.find(account.id, 'test', 'checkout_com');
    if (existing && !isEmulated(existing)) continue;
    const entity = emulator.control.createEntity({
      ...(existing?.credentials.secret_key ? { secretKey: existing.credentials.secret_key } : {}),
      ...(existing?.credentials.webhook_signature_key
        ? { webhookSignatureKey: existing.credentials.webhook_signature_key }
        : {}),
    });
    const now = deps.clock.now();
    const saved = await deps.connectorAccounts.upsert({
      id: existing?.id ?? deps.ids.next('ca'),
      accountId: account.id,
      mode: 'test',
      connector: 'checkout_com',
      credentials: { secret_key: entity.secretKey, webhook_signature_key: entity.webhookSignatureKey },
      settings: { ...existing?.settings, base_url: emulator.baseUrl },
      priority: existing?.priority ?? 100,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    emulator.control.setWebhooks(entity.id, [
      { url: `${publicUrl.replace(/\/+$/, '')}/hooks/checkout_com/${saved.id}` },
    ]);
  }
}

/**
 * Gives every account a test-mode Tap connector against the running Tap emulator, as its own
 * merchant there, behind Checkout.com in routing order (Tap takes over when Checkout.com is
 * unavailable). Tap posts notifications to the URL each charge names, so nothing else to set.
 */
export async function configureSandboxTap(
  deps: { accounts: AccountRepo; connectorAccounts: ConnectorAccountRepo; ids: IdGenerator; clock: Clock },
  emulator: RunningEmulator<TapControl>,
): Promise<void> {
  for (const account of await deps.accounts.listAccounts()) {
    const existing = await deps.connectorAccounts.find(account.id, 'test', 'tap');
    if (existing && !isEmulated(existing)) continue;
    const merchant = emulator.control.createMerchant(
      existing?.credentials.secret_key ? { secretKey: existing.credentials.secret_key } : {},
    );
    const now = deps.clock.now();
    await deps.connectorAccounts.upsert({
      id: existing?.id ?? deps.ids.next('ca'),
      accountId: account.id,
      mode: 'test',
      connector: 'tap',
      credentials: { secret_key: merchant.secretKey },
      settings: { ...existing?.settings, base_url: emulator.baseUrl },
      priority: existing?.priority ?? 200,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
  }
}

/**
 * Gives every account a test-mode Akurateco (card) connector against the running emulator, as
 * its own merchant there (merchant key and password), its callbacks sent to its hook URL.
 */
export async function configureSandboxAkurateco(
  deps: { accounts: AccountRepo; connectorAccounts: ConnectorAccountRepo; ids: IdGenerator; clock: Clock },
  emulator: RunningEmulator<AkuratecoControl>,
  publicUrl: string,
): Promise<void> {
  for (const account of await deps.accounts.listAccounts()) {
    const existing = await deps.connectorAccounts.find(account.id, 'test', 'akurateco');
    if (existing && !isEmulated(existing)) continue;
    const id = existing?.id ?? deps.ids.next('ca');
    const merchant = emulator.control.createMerchant({
      ...(existing?.credentials.merchant_key ? { merchantKey: existing.credentials.merchant_key } : {}),
      ...(existing?.credentials.password ? { password: existing.credentials.password } : {}),
      notificationUrl: `${publicUrl.replace(/\/+$/, '')}/hooks/akurateco/${id}`,
    });
    const now = deps.clock.now();
    await deps.connectorAccounts.upsert({
      id,
      accountId: account.id,
      mode: 'test',
      connector: 'akurateco',
      credentials: { merchant_key: merchant.merchantKey, password: merchant.password },
      settings: { ...existing?.settings, base_url: emulator.baseUrl },
      priority: existing?.priority ?? 100,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
  }
}

/**
 * Gives every account a test-mode Qattah Pay (split bill, SAR) connector against the running
 * emulator, as its own merchant there (its own api_token). Qattah calls back the URL each
 * order names, so nothing else to set.
 */
export async function configureSandboxQattah(
  deps: { accounts: AccountRepo; connectorAccounts: ConnectorAccountRepo; ids: IdGenerator; clock: Clock },
  emulator: RunningEmulator<QattahControl>,
): Promise<void> {
  for (const account of await deps.accounts.listAccounts()) {
    const existing = await deps.connectorAccounts.find(account.id, 'test', 'qattah');
    if (existing && !isEmulated(existing)) continue;
    const merchant = emulator.control.createMerchant({
      name: account.name,
      ...(existing?.credentials.api_token ? { apiToken: existing.credentials.api_token } : {}),
    });
    const now = deps.clock.now();
    await deps.connectorAccounts.upsert({
      id: existing?.id ?? deps.ids.next('ca'),
      accountId: account.id,
      mode: 'test',
      connector: 'qattah',
      credentials: { api_token: merchant.apiToken },
      settings: { ...existing?.settings, base_url: emulator.baseUrl },
      priority: existing?.priority ?? 100,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
  }
}

/** Starts the sandbox: the sandbox account and key, the emulators, connectors pointed at them. */
export async function startSandbox(
  config: Config,
  core: Core,
  publicUrl: string,
  closers: (() => Promise<void>)[],
): Promise<{ emulators: RunningEmulator[]; key: SandboxKey }> {
  const deps = { ...core.repos, ids: core.ids, clock: core.clock };
  const key = await ensureSandboxAccount(deps, config.dataDir);
  const cko = await startEmulator('checkout_com', { port: config.checkoutComEmulatorPort, host: config.emulatorHost });
  closers.push(() => cko.close());
  await configureSandboxCheckout(deps, cko, publicUrl);
  const tap = await startEmulator('tap', { port: config.tapEmulatorPort, host: config.emulatorHost });
  closers.push(() => tap.close());
  await configureSandboxTap(deps, tap);
  const akurateco = await startEmulator('akurateco', { port: config.akuratecoEmulatorPort, host: config.emulatorHost });
  closers.push(() => akurateco.close());
  await configureSandboxAkurateco(deps, akurateco, publicUrl);
  const qattah = await startEmulator('qattah', { port: config.qattahEmulatorPort, host: config.emulatorHost });
  closers.push(() => qattah.close());
  await configureSandboxQattah(deps, qattah);
  return { emulators: [cko, tap, akurateco, qattah], key };
}

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccountWithKey } from './api-key-admin.ts';
import type { Config } from './config.ts';
import type { Clock } from './core/clock.ts';
import type { ConnectorAccount } from './core/connector-contract.ts';
import type { DashboardRepo } from './core/dashboard-ports.ts';
import type { IdGenerator } from './core/ids.ts';
import type { AccountRepo, ConnectorAccountRepo } from './core/repositories.ts';
import { createDashboardUser } from './dashboard-users.ts';
import { writeSecretFile } from './data-dir.ts';
import { type EmulatorStore, memoryStore, openFileStore } from './emulators/kit/store.ts';
import { EMULATORS, type RunningEmulator } from './emulators/registry.ts';
import type { Core } from './open-core.ts';
import { apiKeyStatus, hashApiKey } from './server/api-keys.ts';

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
 * Gives every account a test-mode connector against a running emulator (the connector of the
 * emulator's name), as its own merchant there: the emulator's sandbox set-up registers it
 * (adopting the stored credentials, if any, so the connector keeps working across restarts; the
 * database is the source of truth) and returns its credentials. Connectors a merchant set up
 * against a real provider are left alone.
 */
export async function configureSandboxConnector(
  deps: SandboxDeps,
  emulator: RunningEmulator,
  publicUrl: string,
): Promise<void> {
  const connector = emulator.name;
  const { sandbox } = emulator;
  for (const account of await deps.accounts.listAccounts()) {
    const existing = await deps.connectorAccounts.find(account.id, 'test', connector);
    if (existing && !isEmulated(existing)) continue;
    const id = existing?.id ?? deps.ids.next('ca');
    const credentials = sandbox.merchant({
      stored: existing?.credentials,
      hookUrl: hookUrl(publicUrl, connector, id),
      name: account.name,
    });
    const now = deps.clock.now();
    await deps.connectorAccounts.upsert({
      id,
      accountId: account.id,
      mode: 'test',
      connector,
      credentials,
      settings: { ...existing?.settings, base_url: emulator.baseUrl, ...sandbox.settings },
      priority: existing?.priority ?? sandbox.priority,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
  }
}

const hookUrl = (publicUrl: string, connector: string, id: string) =>
  `${publicUrl.replace(/\/+$/, '')}/hooks/${connector}/${id}`;

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
  const emulators: RunningEmulator[] = [];
  for (const entry of EMULATORS) {
    const emulator = await entry.start({ port: config.emulatorPorts[entry.name], host, store });
    closers.push(() => emulator.close());
    await configureSandboxConnector(deps, emulator, publicUrl);
    emulators.push(emulator);
  }
  return { emulators, key: admin ? { ...key, admin } : key };
}

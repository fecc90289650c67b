import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from './core/clock.ts';
import type { IdGenerator } from './core/ids.ts';
import type { AccountRepo, ConnectorAccountRepo } from './core/ports.ts';
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

/** Emulator credentials kept across restarts, so stored connector accounts keep working. */
export function sandboxEmulatorSecrets(dataDir: string): Record<string, Record<string, string>> {
  const path = join(dataDir, 'emulators.json');
  if (!existsSync(path)) return {};
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>;
}

/** Saves the emulator credentials for the next start. */
export function saveSandboxEmulatorSecrets(dataDir: string, secrets: Record<string, Record<string, string>>): void {
  writeSecretFile(join(dataDir, 'emulators.json'), `${JSON.stringify(secrets, null, 2)}\n`);
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

/**
 * Points every account's test-mode connector at the running emulator: creates the connector
 * account where there is none, and refreshes the emulator's URL where it holds the emulator's key.
 */
export async function configureSandboxConnector(
  deps: { accounts: AccountRepo; connectorAccounts: ConnectorAccountRepo; ids: IdGenerator; clock: Clock },
  connector: string,
  baseUrl: string,
  credentials: Record<string, string>,
): Promise<void> {
  for (const account of await deps.accounts.listAccounts()) {
    const existing = await deps.connectorAccounts.find(account.id, 'test', connector);
    if (existing && existing.credentials.secret_key !== credentials.secret_key) continue;
    const now = deps.clock.now();
    await deps.connectorAccounts.upsert({
      id: existing?.id ?? deps.ids.next('ca'),
      accountId: account.id,
      mode: 'test',
      connector,
      credentials,
      settings: { ...existing?.settings, base_url: baseUrl },
      priority: existing?.priority ?? 100,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
  }
}

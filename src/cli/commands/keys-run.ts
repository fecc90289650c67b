// What the `keys` commands do, against the database the configuration names.
import type { Command } from 'commander';
import { allApiKeys, apiKeyJson, expiryOf, issueApiKey } from '../../api-key-admin.ts';
import { loadConfig } from '../../config.ts';
import { adminDeps, type Core, openCore } from '../../open-core.ts';
import { fail, printJson, printTable } from '../output.ts';
import type { CreateKeyOptions, ListKeysOptions, RevokeKeyOptions, RollKeyOptions } from './keys.ts';

type Mode = 'test' | 'live';
type KeyJson = ReturnType<typeof apiKeyJson>;

function modeOf(program: Command, mode: string | undefined): Mode | undefined {
  if (mode === undefined) return undefined;
  if (mode !== 'test' && mode !== 'live') program.error('--mode must be test or live');
  return mode as Mode;
}

async function withCore(work: (core: Core) => Promise<void>): Promise<void> {
  const core = await openCore({ ...loadConfig(), logLevel: 'warn' });
  try {
    await work(core);
  } finally {
    await core.database.close();
  }
}

function expiry(options: { expiresIn?: string; expiresAt?: string }, now: number): number | null {
  try {
    return expiryOf(options, now);
  } catch (err) {
    return fail((err as Error).message);
  }
}

const KEY_COLUMNS = [
  { heading: 'id', cell: (k: KeyJson) => k.id },
  { heading: 'account', cell: (k: KeyJson) => k.account_id },
  { heading: 'mode', cell: (k: KeyJson) => (k.livemode ? 'live' : 'test') },
  { heading: 'prefix', cell: (k: KeyJson) => k.prefix },
  { heading: 'status', cell: (k: KeyJson) => k.status },
  { heading: 'created', cell: (k: KeyJson) => k.created_at },
  { heading: 'expires', cell: (k: KeyJson) => k.expires_at },
  { heading: 'last used', cell: (k: KeyJson) => k.last_used_at },
  { heading: 'description', cell: (k: KeyJson) => k.description },
];

export async function listKeys(program: Command, opts: ListKeysOptions): Promise<void> {
  const mode = modeOf(program, opts.mode);
  await withCore(async (core) => {
    const found = await allApiKeys(core.repos.accounts, {
      ...(opts.account ? { accountId: opts.account } : {}),
      ...(mode ? { mode } : {}),
    });
    const now = core.clock.now();
    const views = found.map((k) => apiKeyJson(k, now));
    if (opts.json) printJson(views);
    else printTable(views, KEY_COLUMNS, 'no API keys');
  });
}

export async function createKey(program: Command, opts: CreateKeyOptions): Promise<void> {
  const mode = modeOf(program, opts.mode) ?? 'test';
  if (opts.description !== undefined && (opts.description === '' || opts.description.length > 200)) {
    program.error('--description must be 1 to 200 characters');
  }
  await withCore(async (core) => {
    const expiresAt = expiry(opts, core.clock.now());
    const accounts = await core.repos.accounts.listAccounts();
    let accountId = opts.account;
    if (opts.newAccount || accounts.length === 0) {
      accountId = core.ids.next('acct');
      const name = opts.newAccount ?? 'Merchant';
      await core.repos.accounts.createAccount({ id: accountId, name, createdAt: core.clock.now() });
    } else {
      if (!accountId && accounts.length > 1) {
        fail(`several accounts exist; pass --account (${accounts.map((a) => a.id).join(', ')})`);
      }
      accountId ??= accounts[0]?.id ?? '';
      if (!(await core.repos.accounts.getAccount(accountId))) fail(`no account ${accountId}`);
    }
    const { key, secret } = await issueApiKey(adminDeps(core), accountId, mode, {
      expiresAt,
      description: opts.description ?? null,
    });
    if (opts.json) {
      printJson(apiKeyJson(key, core.clock.now(), secret));
      return;
    }
    const expires = expiresAt === null ? '' : `expires: ${new Date(expiresAt).toISOString()}\n`;
    process.stdout.write(
      `account: ${accountId}\nkey id: ${key.id}\n${expires}${mode} API key (shown once): ${secret}\n`,
    );
  });
}

export async function rollKey(id: string, opts: RollKeyOptions): Promise<void> {
  await withCore(async (core) => {
    const now = core.clock.now();
    const old = await core.repos.accounts.getApiKey(id);
    if (!old) fail(`no API key ${id}`);
    const oldView = apiKeyJson(old, now);
    if (oldView.status !== 'active') fail(`${id} is ${oldView.status}: create a key with \`bawaba keys create\``);
    const expiresAt = expiry(opts, now);
    const { key, secret } = await issueApiKey(adminDeps(core), old.accountId, old.mode, {
      expiresAt,
      description: old.description,
    });
    if (opts.json) {
      printJson({ new_key: apiKeyJson(key, now, secret), old_key: oldView });
      return;
    }
    process.stdout.write(
      `new key id: ${key.id}\n${old.mode} API key (shown once): ${secret}\n` +
        `${id} still works: once everything uses the new key, run \`bawaba keys revoke ${id}\`\n`,
    );
  });
}

export async function revokeKey(id: string, opts: RevokeKeyOptions): Promise<void> {
  await withCore(async (core) => {
    const now = core.clock.now();
    const result = await core.repos.accounts.revokeApiKey({ id, now, keepOneActive: !opts.force });
    if (result.kind === 'not_found') fail(`no API key ${id}`);
    if (result.kind === 'last_active') {
      const { accountId, mode } = result.key;
      fail(
        `${id} is the last active ${mode} key of ${accountId}: create another first, or pass --force to leave the account without one`,
      );
    }
    if (opts.json) {
      printJson(apiKeyJson(result.key, now));
      return;
    }
    const at = new Date(result.key.revokedAt ?? now).toISOString();
    const already = result.key.revokedAt !== null && result.key.revokedAt < now;
    process.stdout.write(`${already ? 'already revoked' : 'revoked'}: ${id} (${result.key.displayPrefix}) at ${at}\n`);
  });
}

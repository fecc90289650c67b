import type { Command } from 'commander';
import { allApiKeys, apiKeyJson, expiryOf, issueApiKey } from '../../api-key-admin.ts';
import { loadConfig } from '../../config.ts';
import { adminDeps, type Core, openCore } from '../../main.ts';

type Mode = 'test' | 'live';

function modeOf(program: Command, mode: string | undefined): Mode | undefined {
  if (mode === undefined) return undefined;
  if (mode !== 'test' && mode !== 'live') program.error('--mode must be test or live');
  return mode as Mode;
}

async function withCore(run: (core: Core) => Promise<void>): Promise<void> {
  const core = await openCore({ ...loadConfig(), logLevel: 'warn' });
  try {
    await run(core);
  } finally {
    await core.database.close();
  }
}

const when = (iso: string | null) => iso ?? '-';

/** A refusal that is not a usage error: one line, no help text, exit status 1. */
function fail(message: string): never {
  process.stderr.write(`bawaba: ${message}\n`);
  process.exit(1);
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('API keys: list, create, revoke');

  keys
    .command('list')
    .description('list API keys (never their secrets), newest first')
    .option('--account <id>', 'only the keys of this account')
    .option('--mode <mode>', 'only test or live keys')
    .option('--json', 'print JSON, one object per key, in a list')
    .action(async (opts: { account?: string; mode?: string; json?: boolean }) => {
      const mode = modeOf(program, opts.mode);
      await withCore(async (core) => {
        const found = await allApiKeys(core.repos.accounts, {
          ...(opts.account ? { accountId: opts.account } : {}),
          ...(mode ? { mode } : {}),
        });
        const now = core.clock.now();
        const views = found.map((k) => apiKeyJson(k, now));
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
          return;
        }
        if (views.length === 0) process.stdout.write('no API keys\n');
        for (const v of views) {
          process.stdout.write(
            `${v.id}  ${v.account_id}  ${v.livemode ? 'live' : 'test'}  ${v.prefix}  ${v.status.padEnd(7)}  ` +
              `created ${v.created_at}  expires ${when(v.expires_at)}  last used ${when(v.last_used_at)}` +
              `${v.revoked_at ? `  revoked ${v.revoked_at}` : ''}${v.description ? `  "${v.description}"` : ''}\n`,
          );
        }
      });
    });

  keys
    .command('create')
    .description('create an API key (and an account, if none exists or --new-account is given)')
    .option('--account <id>', 'account to create the key for (default: the only account)')
    .option('--new-account <name>', 'create a new account with this name')
    .option('--mode <mode>', 'test or live', 'test')
    .option('--expires-in <duration>', 'the key stops working after this long: 45s, 30m, 12h, 90d, 2w')
    .option('--expires-at <time>', 'the key stops working at this ISO 8601 date-time or Unix seconds')
    .option('--description <text>', 'what the key is for')
    .option('--json', 'print the key as JSON (with its secret)')
    .action(
      async (opts: {
        account?: string;
        newAccount?: string;
        mode: string;
        expiresIn?: string;
        expiresAt?: string;
        description?: string;
        json?: boolean;
      }) => {
        const mode = modeOf(program, opts.mode) ?? 'test';
        if (opts.description !== undefined && (opts.description === '' || opts.description.length > 200)) {
          program.error('--description must be 1 to 200 characters');
        }
        await withCore(async (core) => {
          const deps = adminDeps(core);
          let expiresAt: number | null = null;
          try {
            expiresAt = expiryOf(opts, core.clock.now());
          } catch (err) {
            fail((err as Error).message);
          }
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
          const { key, secret } = await issueApiKey(deps, accountId, mode, {
            expiresAt,
            description: opts.description ?? null,
          });
          if (opts.json) {
            process.stdout.write(`${JSON.stringify(apiKeyJson(key, core.clock.now(), secret), null, 2)}\n`);
            return;
          }
          const expiry = expiresAt === null ? '' : `expires: ${new Date(expiresAt).toISOString()}\n`;
          process.stdout.write(
            `account: ${accountId}\nkey id: ${key.id}\n${expiry}${mode} API key (shown once): ${secret}\n`,
          );
        });
      },
    );

  keys
    .command('revoke')
    .description('revoke an API key at once (every gateway node refuses it within a second)')
    .argument('<id>', 'the key id (key_...), as `bawaba keys list` shows it')
    .option('--force', "revoke it even if it is its account's last active key in its mode")
    .option('--json', 'print the revoked key as JSON')
    .action(async (id: string, opts: { force?: boolean; json?: boolean }) => {
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
          process.stdout.write(`${JSON.stringify(apiKeyJson(result.key, now), null, 2)}\n`);
          return;
        }
        const at = new Date(result.key.revokedAt ?? now).toISOString();
        const already = result.key.revokedAt !== null && result.key.revokedAt < now;
        process.stdout.write(
          `${already ? 'already revoked' : 'revoked'}: ${id} (${result.key.displayPrefix}) at ${at}\n`,
        );
      });
    });
}

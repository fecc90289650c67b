import type { Command } from 'commander';

/** Options of `keys list`. */
export interface ListKeysOptions {
  account?: string;
  mode?: string;
  json?: boolean;
}

/** Options of `keys create`. */
export interface CreateKeyOptions {
  account?: string;
  newAccount?: string;
  mode: string;
  expiresIn?: string;
  expiresAt?: string;
  description?: string;
  json?: boolean;
}

/** Options of `keys roll`. */
export interface RollKeyOptions {
  expiresIn?: string;
  expiresAt?: string;
  json?: boolean;
}

/** Options of `keys revoke`. */
export interface RevokeKeyOptions {
  force?: boolean;
  json?: boolean;
}

// Each action loads its implementation (and the database) only when it runs, so that
// `bawaba --help` stays fast.
const run = () => import('./keys-run.ts');

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('API keys: list, create, roll, revoke');

  keys
    .command('list')
    .description('list API keys (never their secrets), newest first')
    .option('--account <id>', 'only the keys of this account')
    .option('--mode <mode>', 'only test or live keys')
    .option('--json', 'print JSON: a list of keys')
    .action(async (opts: ListKeysOptions) => (await run()).listKeys(program, opts));

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
    .action(async (opts: CreateKeyOptions) => (await run()).createKey(program, opts));

  keys
    .command('roll')
    .description(
      'replace a key: create a new one of the same account, mode and description; the old one keeps working until you revoke it',
    )
    .argument('<id>', 'the key id (key_...) to replace')
    .option('--expires-in <duration>', 'the new key stops working after this long: 45s, 30m, 12h, 90d, 2w')
    .option('--expires-at <time>', 'the new key stops working at this ISO 8601 date-time or Unix seconds')
    .option('--json', 'print JSON: {new_key (with its secret), old_key}')
    .action(async (id: string, opts: RollKeyOptions) => (await run()).rollKey(id, opts));

  keys
    .command('revoke')
    .description('revoke an API key at once (every gateway node refuses it within a second)')
    .argument('<id>', 'the key id (key_...), as `bawaba keys list` shows it')
    .option('--force', "revoke it even if it is its account's last active key in its mode")
    .option('--json', 'print the revoked key as JSON')
    .action(async (id: string, opts: RevokeKeyOptions) => (await run()).revokeKey(id, opts));
}

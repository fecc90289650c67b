import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { adminDeps, openCore } from '../../main.ts';
import { createAccountWithKey, createKey } from '../../sandbox.ts';

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('API keys');
  keys
    .command('create')
    .description('create an API key (and an account, if none exists or --new-account is given)')
    .option('--account <id>', 'account to create the key for (default: the only account)')
    .option('--new-account <name>', 'create a new account with this name')
    .option('--mode <mode>', 'test or live', 'test')
    .action(async (opts: { account?: string; newAccount?: string; mode: string }) => {
      if (opts.mode !== 'test' && opts.mode !== 'live') program.error('--mode must be test or live');
      const mode = opts.mode as 'test' | 'live';
      const core = await openCore({ ...loadConfig(), logLevel: 'warn' });
      try {
        const accounts = await core.repos.accounts.listAccounts();
        let accountId = opts.account;
        let secret: string;
        if (opts.newAccount || accounts.length === 0) {
          ({ accountId, secret } = await createAccountWithKey(adminDeps(core), opts.newAccount ?? 'Merchant', mode));
        } else {
          if (!accountId && accounts.length > 1) {
            program.error(`several accounts exist; pass --account (${accounts.map((a) => a.id).join(', ')})`);
          }
          accountId ??= accounts[0]?.id ?? '';
          if (!(await core.repos.accounts.getAccount(accountId))) program.error(`no account ${accountId}`);
          secret = await createKey(adminDeps(core), accountId, mode);
        }
        process.stdout.write(`account: ${accountId}\n${mode} API key (shown once): ${secret}\n`);
      } finally {
        await core.database.close();
      }
    });
}

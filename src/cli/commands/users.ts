import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { createDashboardUser, resetDashboardPassword } from '../../dashboard-users.ts';
import { adminDeps, type Core, openCore } from '../../open-core.ts';

async function withCore(run: (core: Core) => Promise<void>): Promise<void> {
  const core = await openCore({ ...loadConfig(), logLevel: 'warn' });
  try {
    await run(core);
  } finally {
    await core.database.close();
  }
}

/** A refusal that is not a usage error: one line, no help text, exit status 1. */
function fail(message: string): never {
  process.stderr.write(`bawaba: ${message}\n`);
  process.exit(1);
}

export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('dashboard users: create, list, reset a password');

  users
    .command('create')
    .description('create a dashboard user and print its one-time password')
    .option('--account <id>', 'the account (default: the only account)')
    .requiredOption('--email <email>', 'the e-mail the user signs in with')
    .option('--role <role>', 'admin (everything) or viewer (read only)', 'viewer')
    .option('--time-zone <zone>', 'IANA time zone dates are shown in', 'Asia/Qatar')
    .action(async (opts: { account?: string; email: string; role: string; timeZone: string }) => {
      await withCore(async (core) => {
        let accountId = opts.account;
        if (!accountId) {
          const accounts = await core.repos.accounts.listAccounts();
          if (accounts.length !== 1) fail('several accounts (or none) exist: name one with --account acct_...');
          accountId = accounts[0]?.id as string;
        }
        try {
          const { user, password } = await createDashboardUser(
            { ...adminDeps(core), dashboard: core.repos.dashboard },
            { accountId, email: opts.email, role: opts.role, timeZone: opts.timeZone },
          );
          process.stdout.write(
            `${user.id}  ${user.email}  ${user.role}  ${user.accountId}\none-time password: ${password}\n`,
          );
        } catch (err) {
          fail((err as Error).message);
        }
      });
    });

  users
    .command('list')
    .description("list an account's dashboard users")
    .requiredOption('--account <id>', 'the account')
    .action(async (opts: { account: string }) => {
      await withCore(async (core) => {
        const found = await core.repos.dashboard.listUsers(opts.account);
        if (found.length === 0) process.stdout.write('no dashboard users\n');
        for (const u of found) {
          process.stdout.write(
            `${u.id}  ${u.email}  ${u.role}  ${u.timeZone}  created ${new Date(u.createdAt).toISOString()}${u.disabledAt ? '  disabled' : ''}\n`,
          );
        }
      });
    });

  users
    .command('reset-password')
    .description('give a dashboard user a new one-time password')
    .requiredOption('--email <email>', 'the user')
    .action(async (opts: { email: string }) => {
      await withCore(async (core) => {
        try {
          const password = await resetDashboardPassword(
            { ...adminDeps(core), dashboard: core.repos.dashboard },
            opts.email,
          );
          process.stdout.write(`one-time password: ${password}\n`);
        } catch (err) {
          fail((err as Error).message);
        }
      });
    });
}

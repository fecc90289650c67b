import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { openCore } from '../../main.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations (serve also does this on start)')
    .action(async () => {
      const core = await openCore({ ...loadConfig(), logLevel: 'warn' });
      await core.database.close();
      process.stdout.write('database is up to date\n');
    });
}

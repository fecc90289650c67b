import type { Command } from 'commander';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply database migrations (serve also does this on start)')
    .action(async () => {
      const { loadConfig } = await import('../../config.ts');
      const { openCore } = await import('../../open-core.ts');
      const core = await openCore({ ...loadConfig(), logLevel: 'warn' });
      await core.database.close();
      const applied = core.migrated.map((name) => `applied ${name}\n`).join('');
      process.stdout.write(`${applied}database is up to date\n`);
    });
}

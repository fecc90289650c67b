import type { Command } from 'commander';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run a job worker alone (webhook deliveries, reconciliation); several may share one PostgreSQL')
    .action(async () => {
      const { loadConfig } = await import('../../config.ts');
      const { startWorker } = await import('../../main.ts');
      const config = loadConfig();
      const { close } = await startWorker(config);
      process.stdout.write(
        `bawaba worker running (concurrency ${config.workerConcurrency}); SIGTERM stops it gracefully\n`,
      );
      const stop = async (signal: string) => {
        process.stdout.write(`${signal}: finishing running jobs, releasing the rest\n`);
        await close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}

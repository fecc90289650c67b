import type { Command } from 'commander';
import { EMULATOR_NAMES, isEmulatorName } from '../../emulators/registry.ts';

interface EmulateOptions {
  port: string;
  host: string;
  publicUrl?: string;
  secretKey?: string;
  webhookUrl?: string;
  webhookAuthorization?: string;
  dataFile?: string;
  memory?: boolean;
}

export function registerEmulateCommand(program: Command): void {
  program
    .command('emulate')
    .description(`run one provider emulator on its own (${EMULATOR_NAMES.join(', ')})`)
    .argument('<provider>', `one of: ${EMULATOR_NAMES.join(', ')}`)
    .option('--port <n>', 'port to listen on (0 = any free port)', '4100')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--public-url <url>', 'base URL clients use, if not http://host:port')
    .option('--secret-key <key>', 'secret key to accept (default: a new one)')
    .option(
      '--webhook-url <url>',
      'send signed notifications here (e.g. http://localhost:4000/hooks/checkout_com/ca_...)',
    )
    .option('--webhook-authorization <value>', 'static Authorization header sent with each notification')
    .option(
      '--data-file <path>',
      'keep payments, merchants and settings in this SQLite file across restarts (default: memory only)',
    )
    .option('--memory', 'keep the state in memory only (the default)')
    .action(async (provider: string, opts: EmulateOptions) => {
      if (!isEmulatorName(provider)) {
        return program.error(`unknown provider "${provider}"; known: ${EMULATOR_NAMES.join(', ')}`);
      }
      if (!/^\d+$/.test(opts.port) || Number(opts.port) > 65535)
        program.error('--port must be an integer from 0 to 65535');
      if (opts.memory && opts.dataFile) program.error('--memory and --data-file exclude each other');
      const { startEmulator } = await import('../../emulators/registry.ts');
      const { openFileStore } = await import('../../emulators/kit/store.ts');
      const store = opts.dataFile ? openFileStore(opts.dataFile) : undefined;
      const emulator = await startEmulator(provider, {
        ...(store && { store }),
        port: Number(opts.port),
        host: opts.host,
        ...(opts.publicUrl ? { publicBaseUrl: opts.publicUrl } : {}),
        ...(opts.secretKey ? { secretKey: opts.secretKey } : {}),
        ...(opts.webhookUrl
          ? {
              webhooks: [
                {
                  url: opts.webhookUrl,
                  ...(opts.webhookAuthorization ? { authorization: opts.webhookAuthorization } : {}),
                },
              ],
            }
          : {}),
      });
      process.stdout.write(`${emulator.describe().join('\n')}\n`);
      if (store) process.stdout.write(`  State file:     ${opts.dataFile}\n`);
      const stop = async () => {
        await emulator.close();
        store?.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop());
      process.once('SIGTERM', () => void stop());
    });
}

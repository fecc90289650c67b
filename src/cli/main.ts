import { Command } from 'commander';
import { ConfigError } from '../config.ts';
import { registerConnectorCommands } from './commands/connectors.ts';
import { registerEmulateCommand } from './commands/emulate.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerMigrateCommand } from './commands/migrate.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerUserCommands } from './commands/users.ts';
import { registerWorkerCommand } from './commands/worker.ts';

/** The `bawaba` command line. */
export function buildProgram(): Command {
  const program = new Command('bawaba')
    .description('Bawaba payment gateway: API server, provider emulators and administration')
    .showHelpAfterError();
  registerServeCommand(program);
  registerWorkerCommand(program);
  registerEmulateCommand(program);
  registerMigrateCommand(program);
  registerKeyCommands(program);
  registerConnectorCommands(program);
  registerUserCommands(program);
  return program;
}

/** Runs the CLI; configuration errors print one clear line and exit 2. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`bawaba: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

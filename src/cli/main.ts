import { Command } from 'commander';
import { registerApiCommands } from './commands/api.ts';
import { registerConnectorCommands } from './commands/connectors.ts';
import { registerEmulateCommand } from './commands/emulate.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerListenCommand } from './commands/listen.ts';
import { registerLogsCommand } from './commands/logs.ts';
import { registerMigrateCommand } from './commands/migrate.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerTriggerCommand } from './commands/trigger.ts';
import { registerWorkerCommand } from './commands/worker.ts';

/** What the entry point (bin/bawaba.mjs) gives the program. */
export interface CliEntry {
  /** The package's version. */
  readonly version: string;
  /**
   * Makes `import()` of TypeScript work. The entry point loads these command definitions with a
   * light in-thread hook, and installs the full loader only when a command is about to run, so
   * that `--help` and `--version` answer at once.
   */
  readonly loadTypeScript: () => Promise<void>;
}

/**
 * The `bawaba` command line. Each command loads what it does only when it runs; `users` is
 * defined with its implementation, so it is loaded only when asked for.
 */
export async function buildProgram(argv: readonly string[], entry: CliEntry): Promise<Command> {
  const program = new Command('bawaba')
    .description('Bawaba payment gateway: API server, provider emulators, administration and a client of the API')
    .version(entry.version, '-V, --version', 'print the version')
    .showHelpAfterError()
    .hook('preAction', () => entry.loadTypeScript());
  registerServeCommand(program);
  registerWorkerCommand(program);
  registerEmulateCommand(program);
  registerMigrateCommand(program);
  registerKeyCommands(program);
  registerConnectorCommands(program);
  if (argv[2] === 'users' || (argv[2] === 'help' && argv[3] === 'users')) {
    await entry.loadTypeScript();
    const { registerUserCommands } = await import('./commands/users.ts');
    registerUserCommands(program);
  } else {
    program.command('users').description('dashboard users: create, list, reset a password');
  }
  registerApiCommands(program);
  registerListenCommand(program);
  registerTriggerCommand(program);
  registerLogsCommand(program);
  return program;
}

/** Runs the CLI; configuration errors print one clear line and exit 2. */
export async function runCli(argv: string[], entry: CliEntry): Promise<void> {
  try {
    await (await buildProgram(argv, entry)).parseAsync(argv);
  } catch (err) {
    if (err instanceof Error && err.name === 'ConfigError') {
      process.stderr.write(`bawaba: configuration error: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

import type { Command } from 'commander';
import { withApiOptions } from '../api-options.ts';

/** Options of `logs tail`. */
export interface TailOptions {
  status?: string;
  method?: string;
  path?: string;
  follow: boolean;
  intervalMs: string;
}

/** `logs tail`: the API requests the gateway answered for the key's account and mode. */
export function registerLogsCommand(program: Command): void {
  const logs = program.command('logs').description("the API's request log of your account: tail");
  withApiOptions(
    logs
      .command('tail')
      .description(
        "print the API requests of the key's account and mode as the gateway answers them (the node the URL reaches), until Ctrl-C",
      ),
  )
    .option('--status <code>', 'only these answers: a status (404) or a class (4xx, 5xx, 2xx)')
    .option('--method <method>', 'only this method (GET, POST, …)')
    .option('--path <prefix>', 'only paths starting with this, e.g. /v1/payments')
    .option('--no-follow', 'print the recent requests and stop')
    .option('--interval-ms <ms>', 'how often to ask for new requests', '1000')
    .action(async (opts) => (await import('./logs-run.ts')).tail(opts));
}

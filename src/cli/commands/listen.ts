import type { Command } from 'commander';
import { withApiOptions } from '../api-options.ts';

/** Options of `listen`. */
export interface ListenOptions {
  forwardTo: string;
  events: string;
  port: string;
  apiKey?: string;
  url?: string;
  json?: boolean;
}

export function registerListenCommand(program: Command): void {
  withApiOptions(
    program
      .command('listen')
      .description(
        "forward the account's events to a local URL: registers a temporary webhook endpoint, signs each event as the gateway does, removes the endpoint on exit (test mode)",
      ),
  )
    .requiredOption('--forward-to <url>', 'where to POST each event, e.g. http://localhost:3000/webhooks')
    .option('--events <types>', 'comma-separated event types, e.g. payment.captured,refund.succeeded', '*')
    .option('--port <n>', 'local port the gateway delivers to (0: any free port)', '0')
    .action(async (opts: ListenOptions) => (await import('./listen-run.ts')).listen(opts));
}

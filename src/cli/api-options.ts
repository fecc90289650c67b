import type { Command } from 'commander';

/** The options every command that calls the API takes. */
export interface ApiOptions {
  apiKey?: string;
  url?: string;
  json?: boolean;
}

/** Adds `--api-key`, `--url` and `--json` to a command that calls the API. */
export function withApiOptions(command: Command): Command {
  return command
    .option('--api-key <key>', 'secret API key (default: $BAWABA_API_KEY, or the test key in the data folder)')
    .option('--url <url>', 'the gateway (default: $BAWABA_URL, or http://localhost:$PORT, port 4000)')
    .option('--json', 'print JSON');
}

// The SDK client the API commands use: key and address from the options, the environment, or
// the test key `bawaba serve` saved in the data folder.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BawabaClient, BawabaConnectionError, BawabaError, createBawabaClient } from '@bawaba/sdk';
import type { ApiOptions } from './api-options.ts';
import { fail } from './output.ts';

export type { ApiOptions };

/** Where the gateway answers, and with which key. */
export function apiTarget(opts: ApiOptions): { url: string; apiKey: string } {
  const url = opts.url ?? process.env.BAWABA_URL ?? `http://localhost:${process.env.PORT ?? '4000'}`;
  let apiKey = opts.apiKey ?? process.env.BAWABA_API_KEY;
  if (!apiKey) {
    const file = join(process.env.BAWABA_DATA_DIR ?? 'data', 'test-api-key.txt');
    if (existsSync(file)) apiKey = readFileSync(file, 'utf8').trim();
  }
  if (!apiKey) fail('no API key: pass --api-key, set BAWABA_API_KEY, or start the gateway once (`bawaba serve`)');
  return { url, apiKey };
}

/** A client of the gateway the options point at. */
export function apiClient(opts: ApiOptions): BawabaClient {
  const { url, apiKey } = apiTarget(opts);
  return createBawabaClient({ apiKey, baseUrl: url, timeoutMs: 30_000 });
}

/** Runs an API command, turning the SDK's errors into one line and exit status 1. */
export async function calling(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    if (err instanceof BawabaError) {
      const param = err.param ? ` (${err.param})` : '';
      fail(`${err.status} ${err.code}${param}: ${err.message}${err.requestId ? ` [${err.requestId}]` : ''}`);
    }
    if (err instanceof BawabaConnectionError) fail(`${err.message} Is the gateway running (\`bawaba serve\`)?`);
    throw err;
  }
}

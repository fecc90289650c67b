// `bawaba logs tail`: polls GET /v1/request_log and prints each new request once.
import type { RequestLogEntry } from '@bawaba/sdk';
import { type ApiOptions, apiClient, calling } from '../api-client.ts';
import { fail, table } from '../output.ts';
import type { TailOptions } from './logs.ts';

/** A filter from the options: undefined keeps every request. */
function matcher(opts: TailOptions): (e: RequestLogEntry) => boolean {
  const status = opts.status?.toLowerCase();
  if (status !== undefined && !/^([1-5]xx|[1-5]\d\d)$/.test(status))
    fail('--status is a status (404) or a class (4xx)');
  const method = opts.method?.toUpperCase();
  return (e) =>
    (status === undefined ||
      (status.endsWith('xx') ? String(e.status)[0] === status[0] : String(e.status) === status)) &&
    (method === undefined || e.method === method) &&
    (opts.path === undefined || e.path.startsWith(opts.path));
}

const COLUMNS = [
  { heading: 'time', cell: (e: RequestLogEntry) => e.created_at },
  { heading: 'status', cell: (e: RequestLogEntry) => String(e.status) },
  { heading: 'method', cell: (e: RequestLogEntry) => e.method },
  { heading: 'path', cell: (e: RequestLogEntry) => e.path },
  { heading: 'ms', cell: (e: RequestLogEntry) => String(e.duration_ms) },
  { heading: 'error', cell: (e: RequestLogEntry) => e.error_code ?? '' },
  { heading: 'request', cell: (e: RequestLogEntry) => e.id },
];

export async function tail(opts: ApiOptions & TailOptions): Promise<void> {
  const interval = Number(opts.intervalMs);
  if (!Number.isInteger(interval) || interval < 100) fail('--interval-ms is a whole number of at least 100');
  const keep = matcher(opts);
  await calling(async () => {
    const sdk = apiClient(opts);
    let after: string | undefined;
    let headed = false;
    const print = (entries: RequestLogEntry[]) => {
      const shown = entries.filter(keep);
      if (opts.json) {
        for (const e of shown) process.stdout.write(`${JSON.stringify(e)}\n`);
        return;
      }
      if (shown.length === 0) return;
      const lines = table(shown, COLUMNS).split('\n');
      // The heading once; later batches keep its columns only roughly (each is aligned in itself).
      process.stdout.write(`${(headed ? lines.slice(1) : lines).join('\n')}`);
      headed = true;
    };
    let stop = false;
    process.once('SIGINT', () => {
      stop = true;
    });
    for (;;) {
      // Every page after the cursor, then wait.
      for (;;) {
        const page = await sdk.requestLog.list({ ...(after !== undefined && { after }), limit: 100 });
        print(page.data);
        after = page.data.at(-1)?.id ?? after;
        if (!page.has_more) break;
      }
      if (!opts.follow || stop) return;
      await new Promise((resolve) => setTimeout(resolve, interval));
      if (stop) return;
    }
  });
}

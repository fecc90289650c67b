import { type Dispatcher, request } from 'undici';

export type PostResult = { statusCode: number; error: null } | { statusCode: null; error: string };

export type PostOptions = {
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Aborts the attempt when the emulator closes or resets. */
  signal: AbortSignal;
  /** Default POST; a GET (e.g. Qattah's `?order_id=` callback) carries no body. */
  method?: 'POST' | 'GET';
};

/** One delivery attempt of a notification body to one URL; never throws. */
export async function postNotification(
  url: string,
  headers: Record<string, string>,
  body: Buffer,
  options: PostOptions,
): Promise<PostResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  try {
    const method = options.method ?? 'POST';
    const res = await request(url, {
      method,
      headers,
      ...(method === 'POST' && { body }),
      dispatcher: options.dispatcher,
      signal: AbortSignal.any([options.signal, timeout]),
    });
    // Only the status counts, but the body is read so the connection can be reused.
    await res.body.dump();
    return { statusCode: res.statusCode, error: null };
  } catch (err) {
    if (timeout.aborted && !options.signal.aborted) {
      return { statusCode: null, error: `timeout after ${options.timeoutMs} ms` };
    }
    const { code, message } = err as { code?: unknown; message?: unknown };
    return { statusCode: null, error: typeof code === 'string' ? `${code}: ${String(message)}` : String(message) };
  }
}

import { createHmac } from 'node:crypto';
import { type Dispatcher, request } from 'undici';
import type { WebhookEndpoint } from './entities.ts';

export type SendResult = { statusCode: number; error: null } | { statusCode: null; error: string };

/** `Cko-Signature`: lower-case hex HMAC-SHA256 of the exact body bytes with the signature key. */
export function ckoSignature(body: Buffer, signatureKey: string): string {
  return createHmac('sha256', signatureKey).update(body).digest('hex');
}

export type SendOptions = {
  dispatcher: Dispatcher;
  timeoutMs: number;
  /** Aborts the attempt when the emulator closes or resets. */
  signal: AbortSignal;
};

/** One delivery attempt of a webhook body to one endpoint; never throws. */
export async function sendWebhook(
  endpoint: WebhookEndpoint,
  body: Buffer,
  signatureKey: string,
  options: SendOptions,
): Promise<SendResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'cko-signature': ckoSignature(body, signatureKey),
  };
  if (endpoint.authorization !== undefined) headers.authorization = endpoint.authorization;
  try {
    const res = await request(endpoint.url, {
      method: 'POST',
      headers,
      body,
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

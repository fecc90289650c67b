import type { IncomingHttpHeaders } from 'node:http';
import { type Agent, request } from 'undici';
import { frozenEmulator, type Json, jsonOf, startReceiver as listen } from '../kit/test-support.ts';
import type { RunningEmulator } from '../registry.ts';
import type { CheckoutComControl } from './control.ts';
import { type CheckoutComEmulator, type CheckoutComEmulatorOptions, createCheckoutComEmulator } from './server.ts';

export { type Json, MINUTE, waitFor } from '../kit/test-support.ts';

/** Frozen real time: only advanceClock() moves the emulator clock. */
export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

export function newEmulator(options: CheckoutComEmulatorOptions = {}): CheckoutComEmulator {
  return frozenEmulator(T0, (frozen) => createCheckoutComEmulator({ ...frozen, ...options }));
}

export type Hit = { path: string; headers: IncomingHttpHeaders; raw: Buffer; body: Json; at: number };

/** A webhook receiver on a real socket that keeps the raw bytes and headers of everything it gets. */
export async function startReceiver() {
  const rx = await listen(({ path, headers, raw, at }): Hit => ({ path, headers, raw, body: jsonOf(raw), at }));
  return {
    ...rx,
    /** The webhooks about one payment (to one path, if given). */
    forPayment: (paymentId: string, path?: string) =>
      rx.hits.filter((hit) => hit.body.data?.id === paymentId && (path === undefined || hit.path === path)),
  };
}

/** `POST {path}` over the emulator's real socket, with its secret key and an optional idempotency key. */
export function post(
  emu: RunningEmulator<CheckoutComControl>,
  agent: Agent,
  path: string,
  body?: unknown,
  key?: string,
  timeoutMs = 5_000,
) {
  return request(`${emu.baseUrl}${path}`, {
    method: 'POST',
    dispatcher: agent,
    headers: {
      authorization: `Bearer ${emu.credentials.secretKey}`,
      'content-type': 'application/json',
      ...(key && { 'cko-idempotency-key': key }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

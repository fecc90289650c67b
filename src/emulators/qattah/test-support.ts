import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { waitFor as waitUntil } from '../../../test/support/wait.ts';
import { createEmulatorClock } from '../kit/clock.ts';
import { createQattahEmulator, type QattahEmulator, type QattahEmulatorOptions } from './server.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read parsed JSON answers field by field.
export type Json = Record<string, any>;

export const API = '/api/v1/merchant-integration';
export const MINUTE = 60_000;
/** Frozen real time, so boundary tests depend only on the emulator clock. */
export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

export const ORDER_BODY = {
  amount: 100,
  currency: 'SAR',
  reference: 'unique_order_reference',
  callback_url: 'https://testing-callback.qattahpay.sa',
  lang: 'ar',
  description: 'Dinner',
};

export function newEmulator(options: QattahEmulatorOptions = {}): QattahEmulator {
  const emu = createQattahEmulator({ sweepIntervalMs: 0, clock: createEmulatorClock(() => T0), ...options });
  after(() => emu.app.close());
  return emu;
}

export const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

export async function create(emu: QattahEmulator, body: unknown = ORDER_BODY, token = emu.credentials.apiToken) {
  return emu.app.inject({
    method: 'POST',
    url: `${API}/orders`,
    headers: { ...auth(token), 'content-type': 'application/json', accept: 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Creates an order and returns `data.order`. */
export async function createOk(emu: QattahEmulator, extra: Json = {}): Promise<Json> {
  const res = await create(emu, { ...ORDER_BODY, ...extra });
  if (res.statusCode !== 200) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json().data.order;
}

export async function getOrder(emu: QattahEmulator, id: string, token = emu.credentials.apiToken): Promise<Json> {
  const res = await emu.app.inject({ method: 'GET', url: `${API}/orders/${id}`, headers: auth(token) });
  if (res.statusCode !== 200) throw new Error(`get failed: ${res.statusCode} ${res.body}`);
  return res.json().data.order;
}

export async function postApi(emu: QattahEmulator, url: string, token = emu.credentials.apiToken) {
  return emu.app.inject({ method: 'POST', url, headers: auth(token) });
}

export async function postForm(emu: QattahEmulator, url: string, fields: [string, string][]) {
  return emu.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

export type Hit = { method: string; url: string; body: string };

/** A callback receiver on a real socket; answers are scriptable (status codes, in order). */
export async function startReceiver(answers: number[] = []) {
  const hits: Hit[] = [];
  const script = [...answers];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      hits.push({ method: req.method ?? '', url: req.url ?? '', body });
      res.writeHead(script.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { hits, url: (path: string) => `http://127.0.0.1:${port}${path}` };
}

/** Polls until `predicate` holds; the only waiting the tests do. */
export const waitFor = (predicate: () => boolean, what = 'condition', timeoutMs = 5_000) =>
  waitUntil(predicate, timeoutMs, what);

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

import { after } from 'node:test';
import { frozenEmulator, type Json, startReceiver as listen } from '../kit/test-support.ts';
import { createQattahEmulator, type QattahEmulator, type QattahEmulatorOptions } from './server.ts';

export { type Json, MINUTE, waitFor } from '../kit/test-support.ts';

export const API = '/api/v1/merchant-integration';
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
  return frozenEmulator(T0, (frozen) => createQattahEmulator({ ...frozen, ...options }));
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

/** A callback receiver on a real socket, closed when the test ends; answers are scriptable (status codes, in order). */
export async function startReceiver(answers: number[] = []) {
  const rx = await listen(({ method, path, raw }): Hit => ({ method, url: path, body: raw.toString('utf8') }), answers);
  after(() => rx.close());
  return { hits: rx.hits, url: rx.url };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

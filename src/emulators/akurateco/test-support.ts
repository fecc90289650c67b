import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { after } from 'node:test';
import { frozenEmulator, type Json, startReceiver as listen } from '../kit/test-support.ts';
import { type AkuratecoEmulator, type AkuratecoEmulatorOptions, createAkuratecoEmulator } from './server.ts';

export { type Json, MINUTE, waitFor } from '../kit/test-support.ts';

export const PASSWORD = 'test-password';
export const MERCHANT_KEY = '5b6492f0-f8f5-11ea-976a-0242c0a85007';
/** Frozen real time: 2026-01-15 10:00 in Qatar (07:00 UTC); only advanceClock() moves it. */
export const T0 = Date.UTC(2026, 0, 15, 7, 0, 0);

/**
 * The hash written out again for the tests, independently of hash.ts: PHP strtoupper touches
 * only ASCII a-z bytes, then sha1 of the md5 hex text.
 */
export function expectedHash(...parts: string[]): string {
  const bytes = Buffer.from(parts.join(''), 'utf8').map((b) => (b >= 97 && b <= 122 ? b - 32 : b));
  const md5 = createHash('md5').update(bytes).digest('hex');
  return createHash('sha1').update(md5).digest('hex');
}

export function newEmulator(options: AkuratecoEmulatorOptions = {}): AkuratecoEmulator {
  return frozenEmulator(T0, (frozen) =>
    createAkuratecoEmulator({ ...frozen, merchantKey: MERCHANT_KEY, password: PASSWORD, ...options }),
  );
}

export function sessionBody(extra: Json = {}, order: Json = {}): Json {
  const o = { number: 'order-1234', amount: '3.01', currency: 'QAR', description: 'Very important gift', ...order };
  return {
    merchant_key: MERCHANT_KEY,
    operation: 'purchase',
    success_url: 'https://shop.example/success?x=1',
    cancel_url: 'https://shop.example/cancel',
    expiry_url: 'https://shop.example/expired',
    order: o,
    customer: { name: 'John Doe', email: 'success@gmail.com' },
    hash: expectedHash(o.number, o.amount, o.currency, o.description, PASSWORD),
    ...extra,
  };
}

export async function post(emu: AkuratecoEmulator, url: string, body: unknown) {
  return emu.app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Creates a session; returns the page path and the payment id (read over the control handle). */
export async function openSession(emu: AkuratecoEmulator, extra: Json = {}, order: Json = {}) {
  const res = await post(emu, '/api/v1/session', sessionBody(extra, order));
  if (res.statusCode !== 200) throw new Error(`session failed: ${res.statusCode} ${res.body}`);
  const path = new URL(res.json().redirect_url).pathname;
  const token = path.split('/').pop() ?? '';
  const payment = emu.state.getByToken(token);
  if (!payment) throw new Error('no payment behind the redirect_url');
  return { path, id: payment.id, redirectUrl: res.json().redirect_url as string };
}

export async function submitCard(emu: AkuratecoEmulator, path: string, fields: Record<string, string>) {
  return emu.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
}

export const card = (expiry: string, number = '4111111111111111') => ({
  card_number: number,
  expiry,
  cvv: '411',
  card_holder: 'John Doe',
  action: 'pay',
});

export async function status(emu: AkuratecoEmulator, paymentId: string) {
  return post(emu, '/api/v1/payment/status', {
    merchant_key: MERCHANT_KEY,
    payment_id: paymentId,
    hash: expectedHash(paymentId, PASSWORD),
  });
}

/** A paid payment (test card, month 01). */
export async function settledPayment(emu: AkuratecoEmulator, order: Json = {}): Promise<string> {
  const { path, id } = await openSession(emu, {}, order);
  const res = await submitCard(emu, path, card('01/25'));
  if (res.statusCode !== 303) throw new Error(`pay failed: ${res.statusCode} ${res.body}`);
  return id;
}

export type Hit = { path: string; headers: IncomingHttpHeaders; form: Record<string, string>; raw: string };

/** A callback receiver on a real socket, closed when the test ends; answers scriptable per path. */
export async function startReceiver() {
  const rx = await listen(({ path, headers, raw }): Hit => {
    const text = raw.toString('utf8');
    return { path, headers, raw: text, form: Object.fromEntries(new URLSearchParams(text)) };
  });
  after(() => rx.close());
  return rx;
}

/** Lets in-flight deliveries finish, so "nothing more was sent" can be asserted. */
export const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

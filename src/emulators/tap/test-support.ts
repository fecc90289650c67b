import type { IncomingHttpHeaders } from 'node:http';
import { frozenEmulator, type Json, jsonOf, startReceiver as listen } from '../kit/test-support.ts';
import { createTapEmulator, type TapEmulator, type TapEmulatorOptions } from './server.ts';

export { type Json, MINUTE, waitFor } from '../kit/test-support.ts';

/** The seed's exact request body (providers.md §2.1, seeds/001). */
export const SEED_BODY = {
  amount: 1,
  currency: 'QAR',
  customer_initiated: true,
  threeDSecure: true,
  save_card: false,
  description: 'Test Description',
  metadata: { udf1: 'Metadata 1' },
  reference: { transaction: 'txn_01', order: 'ord_01' },
  receipt: { email: true, sms: true },
  customer: {
    first_name: 'test',
    middle_name: 'test',
    last_name: 'test',
    email: 'test@test.com',
    phone: { country_code: 965, number: 51234567 },
  },
  source: { id: 'src_qa.qpay' },
  post: { url: 'http://your_website.com/post_url' },
  redirect: { url: 'http://your_website.com/redirect_url' },
};

export const GOOD_CARD = { card_number: '4215375500883243', expiry: '12/99', pin: '677', otp: '1234' };
/** Frozen real time, so boundary tests depend only on advanceClock(). */
export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

export function newEmulator(options: TapEmulatorOptions = {}): TapEmulator {
  return frozenEmulator(T0, (frozen) => createTapEmulator({ ...frozen, ...options }));
}

export const auth = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

export async function create(emu: TapEmulator, body: unknown = SEED_BODY, key = emu.credentials.secretKey) {
  return emu.app.inject({
    method: 'POST',
    url: '/v2/charges/',
    headers: { ...auth(key), 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

export async function createOk(emu: TapEmulator, extra: Json = {}): Promise<Json> {
  const res = await create(emu, { ...SEED_BODY, ...extra });
  if (res.statusCode !== 200) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

export async function get(emu: TapEmulator, path: string, key = emu.credentials.secretKey) {
  return emu.app.inject({ method: 'GET', url: path, headers: auth(key) });
}

/** The path and query of the charge's hosted page. */
export const pagePath = (charge: Json): string => {
  const url = new URL(charge.transaction.url);
  return url.pathname + url.search;
};

export const tokenOf = (charge: Json): string => new URL(charge.transaction.url).searchParams.get('chg') ?? '';

export async function submit(emu: TapEmulator, charge: Json, fields: Record<string, string>) {
  return emu.app.inject({
    method: 'POST',
    url: '/test_gosell/v2/payment/tap_process.aspx',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ chg: tokenOf(charge), ...fields }).toString(),
  });
}

export type Hit = { path: string; headers: IncomingHttpHeaders; raw: Buffer; body: Json };

/** A notification receiver on a real socket that keeps what it gets; answers are scriptable per path. */
export const startReceiver = () => listen(({ path, headers, raw }): Hit => ({ path, headers, raw, body: jsonOf(raw) }));

/** `POST /v2/refunds` with the merchant's secret key. */
export async function refund(emu: TapEmulator, body: Json) {
  return emu.app.inject({
    method: 'POST',
    url: '/v2/refunds',
    headers: { ...auth(emu.credentials.secretKey), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}

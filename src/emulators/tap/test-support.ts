import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { waitFor as waitUntil } from '../../../test/support/wait.ts';
import { createEmulatorClock } from '../kit/clock.ts';
import { createTapEmulator, type TapEmulator, type TapEmulatorOptions } from './server.ts';

// biome-ignore lint/suspicious/noExplicitAny: the tests read parsed JSON answers field by field.
export type Json = Record<string, any>;

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
export const MINUTE = 60_000;
/** Frozen real time, so boundary tests depend only on advanceClock(). */
export const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);

export function newEmulator(options: TapEmulatorOptions = {}): TapEmulator {
  const emu = createTapEmulator({ sweepIntervalMs: 0, clock: createEmulatorClock(() => T0), ...options });
  after(() => emu.app.close());
  return emu;
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
type Answer = number | 'hang';

/** A notification receiver on a real socket that keeps what it gets; answers are scriptable per path. */
export async function startReceiver() {
  const hits: Hit[] = [];
  const scripts = new Map<string, Answer[]>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = req.url ?? '';
      let body: Json = {};
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        // Kept as {}; the raw bytes are still recorded.
      }
      hits.push({ path, headers: req.headers, raw, body });
      const answer = scripts.get(path)?.shift() ?? 200;
      if (answer !== 'hang') res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    hits,
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    script(path: string, answers: Answer[]) {
      scripts.set(path, [...answers]);
    },
    at: (path: string) => hits.filter((hit) => hit.path === path),
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Polls until `predicate` holds; the only waiting the tests do. */
export const waitFor = (predicate: () => boolean, what = 'condition', timeoutMs = 5_000) =>
  waitUntil(predicate, timeoutMs, what);

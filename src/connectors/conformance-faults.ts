/**
 * The shared suite's cases for answers that are not the provider's word on a call (the rule at
 * `providerAnswer` in `http.ts`): every connector, every operation, is held to it. A scripting
 * proxy sits between the connector and its emulator, passes everything through, and spoils one
 * chosen request of a call (a status, no answer, a reset, a body that is not JSON).
 *
 * Longer than 300 lines: the proxy and the cases it serves are one unit, one case per operation.
 */
import assert from 'node:assert/strict';
import { createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ConformanceHarness } from './conformance.ts';
import type {
  Connector,
  ConnectorAccount,
  ProviderPaymentRequest,
  ProviderPaymentSnapshot,
  ProviderRefundRequest,
  UnknownReason,
} from './connector.ts';

/** One way a request can go wrong, and what the connector must make of it. */
interface Spoiler {
  readonly name: string;
  readonly reason: UnknownReason;
  /** What `retryAfterMs` must say (absent: nothing). */
  readonly retryAfterMs?: number;
  /** Spoils the request; false when it did not (the provider's own answer was passed on). */
  spoil(req: IncomingMessage, body: Buffer, res: ServerResponse, upstream: string): Promise<boolean>;
}

const answer =
  (status: number, headers: Record<string, string> = {}, body = '') =>
  async (_req: IncomingMessage, _body: Buffer, res: ServerResponse): Promise<boolean> => {
    res.writeHead(status, headers).end(body);
    return true;
  };

/** An instant long past: a `Retry-After` date counts from the answer's own `Date`, not our clock. */
const SENT = Date.UTC(2026, 0, 15, 10, 0, 0);

const SPOILERS: readonly Spoiler[] = [
  {
    name: 'a 1xx interim answer, then the connection closes',
    reason: 'network',
    async spoil(_req, _body, res) {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
      res.socket?.destroy();
      return true;
    },
  },
  ...[301, 302, 303, 304, 307, 308].map(
    (status): Spoiler => ({
      name: `a ${status} redirect (never followed)`,
      reason: 'unexpected_response',
      spoil: answer(status, { location: 'https://elsewhere.example/login' }),
    }),
  ),
  { name: 'a 408', reason: 'timeout', spoil: answer(408, { connection: 'close' }) },
  {
    name: 'a 409 conflict',
    reason: 'unexpected_response',
    spoil: answer(409, { 'content-type': 'application/json' }, '{"error_type":"conflict","message":"in progress"}'),
  },
  { name: 'a 429 without Retry-After', reason: 'rate_limited', spoil: answer(429) },
  {
    name: 'a 429 with Retry-After in seconds',
    reason: 'rate_limited',
    retryAfterMs: 7000,
    spoil: answer(429, { 'retry-after': '7', 'content-type': 'application/json' }, '{"message":"Too Many Attempts."}'),
  },
  {
    name: 'a 429 with Retry-After as an HTTP date',
    reason: 'rate_limited',
    retryAfterMs: 120_000,
    spoil: answer(429, { date: new Date(SENT).toUTCString(), 'retry-after': new Date(SENT + 120_000).toUTCString() }),
  },
  {
    name: 'a 500 with a JSON body',
    reason: 'server_error',
    spoil: answer(500, { 'content-type': 'application/json' }, '{"message":"Server Error"}'),
  },
  {
    name: 'a 503 page with Retry-After',
    reason: 'server_error',
    retryAfterMs: 30_000,
    spoil: answer(503, { 'retry-after': '30', 'content-type': 'text/html' }, '<html><h1>Maintenance</h1></html>'),
  },
  {
    name: 'a 2xx whose body is not JSON',
    reason: 'malformed_response',
    async spoil(req, body, res, upstream) {
      const got = await pass(req, body, upstream);
      if (got.status < 200 || got.status > 299) {
        res.writeHead(got.status, got.headers).end(got.body);
        return false;
      }
      res.writeHead(got.status, { 'content-type': 'text/html' }).end('<html><body>Thank you!</body></html>');
      return true;
    },
  },
  { name: 'no answer', reason: 'timeout', spoil: async () => true },
  {
    name: 'a reset connection',
    reason: 'network',
    async spoil(req) {
      req.socket.destroy();
      return true;
    },
  },
];

interface Passed {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

const HOP_BY_HOP = new Set(['transfer-encoding', 'connection', 'keep-alive']);

/** Sends the request on to the emulator as it came. */
function pass(req: IncomingMessage, body: Buffer, upstream: string): Promise<Passed> {
  return new Promise((resolve, reject) => {
    const out = forward(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers: { ...req.headers, host: new URL(upstream).host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
          resolve({ status: res.statusCode ?? 502, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    out.on('error', reject);
    out.end(body);
  });
}

/** A proxy in front of `upstream` that passes requests on, except the `at`-th of a call when armed. */
async function startProxy(upstream: string) {
  let seen = 0;
  let armed: { spoiler: Spoiler; at: number } | undefined;
  let spoiled = false;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen += 1;
      const body = Buffer.concat(chunks);
      const run =
        armed && seen === armed.at
          ? armed.spoiler.spoil(req, body, res, upstream).then((done) => {
              spoiled = done;
            })
          : pass(req, body, upstream).then((got) => {
              res.writeHead(got.status, got.headers).end(got.body);
            });
      run.catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    /** The account's `base_url` with the proxy in place of the emulator. */
    baseUrl(of: string): string {
      const path = new URL(of).pathname;
      return `http://127.0.0.1:${port}${path === '/' ? '' : path}`;
    },
    arm(spoiler?: Spoiler, at = 0): void {
      armed = spoiler && { spoiler, at };
      seen = 0;
      spoiled = false;
    },
    /** Requests made since arming, and whether the armed one was spoiled. */
    result: () => ({ requests: seen, spoiled }),
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** Any outcome of a connector call, as far as these cases read it. */
interface Outcome {
  readonly kind: string;
  readonly reason?: UnknownReason;
  readonly retryAfterMs?: number;
  readonly failure?: { readonly code: string };
}

/** One connector operation: set up through the emulator, then called with `account`. */
interface Operation {
  readonly name: string;
  prepare(): Promise<(account: ConnectorAccount) => Promise<Outcome>>;
}

/** What the suite started, and how it makes payments and refund requests. */
export interface UnknownAnswersContext {
  started(): { readonly connector: Connector; readonly account: ConnectorAccount };
  request(): ProviderPaymentRequest;
  /** A payment at the provider, waiting for its customer. */
  create(): Promise<ProviderPaymentSnapshot>;
  refundRequest(providerPaymentId: string, tag: string): ProviderRefundRequest;
}

/** Registers the cases for one connector. */
export function describeUnknownAnswers(h: ConformanceHarness, c: UnknownAnswersContext): void {
  describe('answers that are not the provider’s word are unknown, never a failure', () => {
    let proxy: Awaited<ReturnType<typeof startProxy>>;
    let refunds = 0;
    before(async () => {
      proxy = await startProxy(new URL(c.started().account.settings.base_url ?? '').origin);
    });
    after(() => proxy.close());

    const paid = async () => {
      const s = await c.create();
      h.complete(s.providerPaymentId, 'approve');
      return s;
    };
    const operations = (): Operation[] => {
      const { connector, account } = c.started();
      const ops: Operation[] = [
        { name: 'create', prepare: async () => (a) => connector.createPayment(a, c.request()) },
        {
          name: 'retrieve',
          async prepare() {
            const s = await c.create();
            return (a) => connector.retrievePayment(a, s.providerPaymentId);
          },
        },
        {
          name: 'refund',
          async prepare() {
            const s = await paid();
            const req = c.refundRequest(s.providerPaymentId, `fault${++refunds}`);
            return (a) => connector.refundPayment(a, req);
          },
        },
        {
          name: 'refund lookup',
          async prepare() {
            const s = await paid();
            const req = c.refundRequest(s.providerPaymentId, `lookup${++refunds}`);
            const sent = await connector.refundPayment(account, req);
            if (sent.kind !== 'accepted' && sent.kind !== 'succeeded') throw new Error(JSON.stringify(sent));
            return (a) => connector.retrieveRefund(a, s.providerPaymentId, sent.providerRefundId, req.money);
          },
        },
      ];
      const { cancelPayment, voidPayment } = connector;
      if (cancelPayment) {
        ops.push({
          name: 'cancel',
          async prepare() {
            const s = await c.create();
            return (a) => cancelPayment.call(connector, a, s.providerPaymentId);
          },
        });
      }
      if (voidPayment) {
        ops.push({
          name: 'void',
          async prepare() {
            const s = await paid();
            return (a) => voidPayment.call(connector, a, s.providerPaymentId);
          },
        });
      }
      return ops;
    };
    const proxied = (): ConnectorAccount => {
      const { account } = c.started();
      return {
        ...account,
        settings: { ...account.settings, base_url: proxy.baseUrl(account.settings.base_url ?? '') },
      };
    };

    /** How many requests the operation makes when nothing goes wrong. */
    async function requestsOf(op: Operation): Promise<number> {
      const call = await op.prepare();
      proxy.arm();
      await call(proxied());
      const { requests } = proxy.result();
      assert.ok(requests > 0, `${op.name} reached the provider`);
      return requests;
    }

    /**
     * Spoils each request of the operation in turn. The last is the operation's own call: its
     * outcome is unknown. One before it (a lookup the call needs first) may instead end the
     * operation as a refusal that says nothing was sent (`provider_unavailable`).
     */
    async function holds(op: Operation, spoiler: Spoiler): Promise<void> {
      const requests = await requestsOf(op);
      for (let at = 1; at <= requests; at++) {
        const call = await op.prepare();
        proxy.arm(spoiler, at);
        const out = await call(proxied());
        const { spoiled } = proxy.result();
        proxy.arm();
        if (!spoiled) continue;
        const what = `${op.name}, request ${at} of ${requests}: ${JSON.stringify(out)}`;
        if (at < requests && out.kind === 'rejected') {
          assert.equal(out.failure?.code, 'provider_unavailable', what);
          continue;
        }
        assert.equal(out.kind, 'unknown', what);
        assert.equal(out.reason, spoiler.reason, what);
        assert.equal(out.retryAfterMs, spoiler.retryAfterMs, what);
      }
    }

    for (const spoiler of SPOILERS) {
      const wait = spoiler.retryAfterMs === undefined ? '' : `, asked again after ${spoiler.retryAfterMs} ms`;
      test(`${spoiler.name}: ${spoiler.reason}${wait}, for every operation`, async () => {
        for (const op of operations()) await holds(op, spoiler);
      });
    }

    test('a provider that is not listening: connection_refused, for every operation', async () => {
      const { account } = c.started();
      const closed = { ...account, settings: { ...account.settings, base_url: 'http://127.0.0.1:9' } };
      for (const op of operations()) {
        const requests = await requestsOf(op);
        const out = await (await op.prepare())(closed);
        const what = `${op.name}: ${JSON.stringify(out)}`;
        if (requests > 1 && out.kind === 'rejected') {
          // The lookup the call needs first was refused: nothing was sent.
          assert.equal(out.failure?.code, 'provider_unavailable', what);
          continue;
        }
        assert.equal(out.kind, 'unknown', what);
        assert.equal(out.reason, 'connection_refused', what);
      }
    });
  });
}

/**
 * The fuzzer: builds a real gateway listening on 127.0.0.1 (port 0) with its provider
 * emulators, reads the OpenAPI document it serves, and sends `runs` generated requests to every
 * operation (plus unknown routes). It counts 5xx answers, hangs, answers that never came, and
 * answers outside the error shape or without the security headers, per route and method.
 *
 * Nothing leaves loopback: requests go to 127.0.0.1 only, every URL generated names a loopback
 * host, and the gateway's outbound calls go through an agent that refuses any other host.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Agent, buildConnector } from 'undici';
import type { Database } from '../../src/storage/db.ts';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';
import { shapeProblems } from './checks.ts';
import {
  type Credentials,
  type FuzzRequest,
  type KnownIds,
  type OpenApiDocument,
  operationsOf,
  requestsFor,
  unknownRouteRequests,
} from './requests.ts';
import { type Answer, createSender } from './send.ts';

/** How much to fuzz, and where. */
export interface FuzzOptions {
  /** Requests per route and method. */
  readonly runs: number;
  readonly seed: number;
  /** A request unanswered after this long is a hang. */
  readonly timeoutMs: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** A fresh migrated database, closed with the gateway; an in-memory SQLite when absent. */
  readonly database?: Database;
}

/** One finding, with what reproduces it. */
export interface Finding {
  readonly kind: '5xx' | 'shape' | 'hang' | 'no_answer';
  readonly request: string;
  readonly detail: string;
}

/** Results of one route and method. */
export interface RowResult {
  readonly route: string;
  requests: number;
  fiveXx: number;
  shapeViolations: number;
  hangs: number;
  noAnswer: number;
  readonly statuses: Map<number, number>;
  /** Error codes answered, for seeing which checks the requests reach. */
  readonly codes: Map<string, number>;
  readonly findings: Finding[];
}

/** Results of a whole run. */
export interface FuzzReport {
  readonly seed: number;
  readonly rows: RowResult[];
  readonly failed: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** An agent for the gateway's own outbound calls that refuses every host but loopback. */
export function loopbackOnlyAgent(): Agent {
  const base = buildConnector({});
  return new Agent({
    connect(options, callback) {
      if (!LOOPBACK.has(options.hostname)) {
        callback(new Error(`fuzzing: outbound call to ${options.hostname} refused (loopback only)`), null);
        return;
      }
      base(options, callback);
    },
  });
}

/** Runs the fuzzer against a fresh gateway and reports. */
export async function fuzzGateway(options: FuzzOptions): Promise<FuzzReport> {
  const agent = loopbackOnlyAgent();
  const gw = await createTestGateway({
    ...(options.database ? { database: options.database } : {}),
    start: { dispatcher: agent, liveDispatcher: agent },
    // The public routes' limits are raised, so the fuzzer reaches their handlers.
    config: {
      rateLimitReturnsPerAddress: 1_000_000,
      rateLimitReturnsPerPayment: 1_000_000,
      rateLimitHooksPerAddress: 1_000_000,
      rateLimitHooksPerConnectorAccount: 1_000_000,
    },
  });
  const sender = createSender(gw.url, options.timeoutMs, options.concurrency);
  try {
    const known = await seed(gw);
    const docAnswer = await sender.send({ method: 'GET', target: '/openapi.json', headers: {}, shape: 'document' });
    if (docAnswer.kind !== 'answer' || docAnswer.status !== 200) throw new Error('GET /openapi.json failed');
    const doc = JSON.parse(docAnswer.body) as OpenApiDocument;
    const { operations, resolve } = operationsOf(doc);
    // Merchant B's key for the connector routes: what they change (its provider credentials)
    // must not break merchant A's payments, which the other routes rely on.
    const credsA: Credentials = { validKeys: [gw.merchant.key], reusedIdempotencyKey: `fuzz-${randomUUID()}` };
    const credsB: Credentials = { validKeys: [gw.other.key], reusedIdempotencyKey: `fuzz-${randomUUID()}` };
    // Deletions last, so the other routes meet the seeded objects.
    const ordered = [...operations].sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
    const rows: RowResult[] = [];
    let salt = 0;
    for (const op of ordered) {
      const creds = op.template.startsWith('/v1/connectors') ? credsB : credsA;
      const arbitrary = requestsFor(op, resolve, known, creds);
      rows.push(await runRow(`${op.method} ${op.template}`, arbitrary, options, ++salt, sender));
    }
    rows.push(await runRow('* (unknown routes)', unknownRouteRequests(credsA), options, ++salt, sender));
    const failed = rows.some((r) => r.fiveXx + r.shapeViolations + r.hangs + r.noAnswer > 0);
    return { seed: options.seed, rows, failed };
  } finally {
    await sender.close();
    await gw.close();
    await agent.close();
  }
}

async function runRow(
  route: string,
  arbitrary: fc.Arbitrary<FuzzRequest>,
  options: FuzzOptions,
  salt: number,
  sender: ReturnType<typeof createSender>,
): Promise<RowResult> {
  const row: RowResult = {
    route,
    requests: 0,
    fiveXx: 0,
    shapeViolations: 0,
    hangs: 0,
    noAnswer: 0,
    statuses: new Map(),
    codes: new Map(),
    findings: [],
  };
  const requests = fc.sample(arbitrary, { numRuns: options.runs, seed: options.seed + salt });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < requests.length; i = next++) {
      const request = requests[i]!;
      record(row, request, await sender.send(request));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return row;
}

function record(row: RowResult, request: FuzzRequest, answer: Answer): void {
  row.requests++;
  const note = (kind: Finding['kind'], detail: string) => {
    if (row.findings.length < 5) row.findings.push({ kind, request: describe(request), detail });
  };
  if (answer.kind === 'hang') {
    row.hangs++;
    note('hang', 'no answer within the time limit');
    return;
  }
  if (answer.kind === 'no_answer') {
    row.noAnswer++;
    note('no_answer', answer.reason);
    return;
  }
  row.statuses.set(answer.status, (row.statuses.get(answer.status) ?? 0) + 1);
  const code = answer.status >= 400 ? /"code":"([a-z_]+)"/.exec(answer.body)?.[1] : undefined;
  if (code) row.codes.set(code, (row.codes.get(code) ?? 0) + 1);
  if (answer.status >= 500) {
    row.fiveXx++;
    note('5xx', `${answer.status} ${answer.body.slice(0, 300)}`);
  }
  const problems = shapeProblems(request, answer);
  if (problems.length > 0) {
    row.shapeViolations++;
    note('shape', `${answer.status} ${problems.join('; ')} ${answer.body.slice(0, 200)}`);
  }
}

function describe(request: FuzzRequest): string {
  const text =
    request.raw ?? `${request.method} ${request.target} ${JSON.stringify(request.headers)} ${request.body ?? ''}`;
  const short = text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;
  return `[${request.shape}] ${JSON.stringify(short)}`;
}

/** Creates objects for the requests to meet: payments (one captured, refunded), an endpoint with deliveries. */
async function seed(gw: TestGateway): Promise<KnownIds> {
  const auth = { authorization: `Bearer ${gw.merchant.key}` };
  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await gw.app.inject({
      method,
      url,
      headers: { ...auth, ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}) },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`seeding ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as Record<string, unknown>;
  };
  const endpoint = await call('POST', '/v1/webhook_endpoints', {
    url: 'http://127.0.0.1:9/hooks',
    enabled_events: ['*'],
  });
  const payments = [await gw.createPayment(), await gw.createPayment(), await gw.createPayment()];
  const captured = payments[0]!;
  const done = gw.emulator.control.completePayment(String(captured.provider_payment_id), 'approve');
  if (!done.ok) throw new Error(`seeding: the emulator did not complete ${captured.provider_payment_id}`);
  await gw.app.inject({ method: 'GET', url: `/return/checkout_com/${captured.id}?cko-session-id=${done.session_id}` });
  const refund = await call('POST', `/v1/payments/${captured.id}/refunds`, { amount: 100 });
  const card = await gw.createPayment({ ...PAYMENT_BODY, payment_method: 'card', customer: undefined });
  const events = (await call('GET', '/v1/events?limit=20')).data as { id: string }[];
  const deliveries = (await call('GET', `/v1/webhook_endpoints/${endpoint.id}/deliveries?limit=20`)).data as {
    id: string;
  }[];
  const connectors = (await call('GET', '/v1/connectors')).data as { id: string; connector: string }[];
  const paymentIds = [...payments, card].map((p) => String(p.id));
  const names = ['checkout_com', 'tap', 'qattah', 'akurateco'];
  const returns = [...payments, card].map((p) => `/return/${p.connector}/${p.id}`);
  return {
    paths: {
      '/hooks/{connector}/{connectorAccountId}': connectors.map((c) => `/hooks/${c.connector}/${c.id}`),
      '/return/{connector}/{paymentId}': returns,
      '/v1/webhook_endpoints/{id}/deliveries/{delivery_id}/redeliver': deliveries.map(
        (d) => `/v1/webhook_endpoints/${endpoint.id}/deliveries/${d.id}/redeliver`,
      ),
    },
    byCollection: {
      payments: paymentIds,
      paymentId: paymentIds,
      refunds: [String(refund.id)],
      events: events.map((e) => e.id),
      webhook_endpoints: [String(endpoint.id)],
      deliveries: deliveries.map((d) => d.id),
      delivery_id: deliveries.map((d) => d.id),
      connectors: names,
      connector: names,
      return: names,
      hooks: names,
      connectorAccountId: connectors.map((c) => c.id),
    },
  };
}

/** The report as a table, with the first findings of each failing row (and `verbose`: the error codes). */
export function formatReport(report: FuzzReport, label: string, verbose = false): string {
  const header = ['route and method', 'requests', '5xx', 'shape', 'hangs', 'no answer', 'statuses'];
  const body = report.rows.map((r) => [
    r.route,
    String(r.requests),
    String(r.fiveXx),
    String(r.shapeViolations),
    String(r.hangs),
    String(r.noAnswer),
    [...r.statuses.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}:${n}`)
      .join(' '),
  ]);
  const total = report.rows.reduce(
    (t, r) => [t[0]! + r.requests, t[1]! + r.fiveXx, t[2]! + r.shapeViolations, t[3]! + r.hangs, t[4]! + r.noAnswer],
    [0, 0, 0, 0, 0],
  );
  body.push(['total', ...total.map(String), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [
    `fuzz ${label} (seed ${report.seed})`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...body.map(line),
  ];
  for (const r of report.rows) {
    if (verbose) {
      const codes = [...r.codes.entries()].sort(([, a], [, b]) => b - a);
      out.push(`  ${r.route}: ${codes.map(([c, n]) => `${c}:${n}`).join(' ')}`);
    }
    for (const f of r.findings) out.push(`  ${r.route} ${f.kind}: ${f.detail}\n      ${f.request}`);
  }
  return out.join('\n');
}

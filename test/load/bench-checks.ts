/**
 * What `npm run bench` checks once its load is over: every acknowledged create stored, every
 * paid lifecycle captured with one `payment.captured` event delivered under one webhook-id,
 * every subscribed event delivered once, and every provider notification answered 2xx at its
 * first attempt (each emulator's own record of what it sent).
 */
import type { ConnectorBench, ProviderEmulator } from './bench-connectors.ts';
import { fetchJson } from './load.ts';
import type { Store } from './store.ts';
import type { BenchReceiver } from './webhook-receiver.ts';

export interface Checks {
  readonly lines: string[];
  /** What did not add up (each also a `FAIL` line). */
  readonly failures: string[];
  /** From the gateway's receipt of the `payment_captured` notification to the receiver, ms. */
  readonly webhookAfterNotification: number[];
  /**
   * Every attempt of the Checkout.com emulator to notify the gateway: when (epoch ms) and how
   * long its answer took (whole ms).
   */
  readonly hookAttempts: { at: number; ms: number }[];
}

/** One provider emulator of the run and the notifications it should have sent the gateway. */
export interface NotifyingProvider {
  readonly bench: ConnectorBench;
  readonly emulator: ProviderEmulator;
  readonly expected: number;
}

export interface CheckInput {
  readonly store: Store;
  readonly receiver: BenchReceiver;
  readonly providers: readonly NotifyingProvider[];
  /** Gateway creates answered 201, and their distinct ids. */
  readonly created: number;
  readonly createdIds: ReadonlySet<string>;
  /** Payments whose lifecycle was paid at the provider. */
  readonly lifecycles: readonly string[];
  readonly webhookEvents: readonly string[];
  /** The Checkout.com lifecycles of the measured run (for the notification-to-webhook latency). */
  readonly measured: ReadonlySet<string>;
}

type DeliveryRecord = {
  delivered: boolean;
  attempts: { at: string; status_code: number | null; duration_ms: number }[];
};

export async function check(input: CheckInput): Promise<Checks> {
  const lines: string[] = [];
  const failures: string[] = [];
  const fail = (line: string) => {
    failures.push(line);
    lines.push(`FAIL ${line}`);
  };
  const ok = (line: string) => lines.push(`ok   ${line}`);
  const { store, receiver } = input;

  const stored = await store.count('select count(*) as n from payments');
  const { created } = input;
  if (stored !== created || input.createdIds.size !== created) {
    fail(`${created} gateway creates answered 201 (${input.createdIds.size} distinct ids), ${stored} payments stored`);
  } else ok(`${created} gateway creates answered 201, ${stored} payments stored`);

  const { lifecycles } = input;
  const lifecycleSet = new Set(lifecycles);
  const capturedRows = await store.rows("select id from payments where status = 'captured'");
  const captured = new Set(capturedRows.map((r) => String(r.id)));
  const notCaptured = lifecycles.filter((id) => !captured.has(id));
  if (notCaptured.length > 0) {
    fail(`${notCaptured.length} of ${lifecycles.length} approved payments not captured (e.g. ${notCaptured[0]})`);
  } else ok(`${lifecycles.length} approved payments, all captured in the database`);

  const eventRows = await store.rows(
    "select object_id, count(*) as n from events where type = 'payment.captured' group by object_id",
  );
  const capturedEvents = new Map(eventRows.map((r) => [String(r.object_id), Number(r.n)]));
  const wrongEvents = lifecycles.filter((id) => capturedEvents.get(id) !== 1);
  const strayEvents = [...capturedEvents.keys()].filter((id) => !lifecycleSet.has(id));
  if (wrongEvents.length > 0 || strayEvents.length > 0) {
    fail(
      `payment.captured events: ${wrongEvents.length} approved payments without exactly one, ${strayEvents.length} for payments never approved`,
    );
  } else ok(`one payment.captured event per approved payment`);

  const notOnce = lifecycles.filter((id) => receiver.captured.get(id)?.size !== 1);
  if (notOnce.length > 0) {
    const example = notOnce[0] as string;
    fail(
      `${notOnce.length} approved payments not delivered under exactly one webhook-id (e.g. ${example}: ${receiver.captured.get(example)?.size ?? 0})`,
    );
  } else ok(`every payment.captured delivered to the receiver under exactly one webhook-id`);

  const subscribed = input.webhookEvents.includes('*')
    ? ''
    : ` where type in (${input.webhookEvents.map((e) => `'${e.replace(/'/g, "''")}'`).join(', ')})`;
  const events = await store.count(`select count(*) as n from events${subscribed}`);
  const deliveryRows = await store.rows('select status, count(*) as n from webhook_deliveries group by status');
  const deliveries = new Map(deliveryRows.map((r) => [String(r.status), Number(r.n)]));
  const deliveryTotal = [...deliveries.values()].reduce((a, b) => a + b, 0);
  const succeeded = deliveries.get('succeeded') ?? 0;
  const distinct = receiver.distinctWebhookIds();
  const typeCounts = [...receiver.types()].map(([type, n]) => `${type} ${n}`).join(', ');
  if (deliveryTotal !== events || succeeded !== events || distinct !== events) {
    fail(
      `${events} subscribed events, ${deliveryTotal} deliveries (${[...deliveries].map(([s, n]) => `${s} ${n}`).join(', ')}), ${distinct} distinct webhook-ids received`,
    );
  } else ok(`${events} subscribed events, each delivered once and succeeded; received: ${typeCounts}`);
  if (receiver.malformed() > 0) fail(`${receiver.malformed()} deliveries without a webhook-id or event body`);

  // A webhook-id may come again after an attempt the gateway saw fail (at least once); never
  // after one it recorded as a success, nor more often than it recorded attempts (two
  // workers or nodes sending the same delivery).
  const attemptRows = await store.rows(
    'select d.event_id as id, count(*) as attempts, sum(case when a.status_code >= 200 and a.status_code < 300 then 1 else 0 end) as ok from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id group by d.event_id',
  );
  const attempts = new Map(attemptRows.map((r) => [String(r.id), { attempts: Number(r.attempts), ok: Number(r.ok) }]));
  let redelivered = 0;
  const doubled: string[] = [];
  for (const [id, n] of receiver.receipts()) {
    if (n < 2) continue;
    redelivered++;
    const recorded = attempts.get(id);
    if (!recorded || recorded.ok > 1 || n > recorded.attempts) {
      doubled.push(
        `${id} received ${n}×, ${recorded?.attempts ?? 0} attempts recorded, ${recorded?.ok ?? 0} succeeded`,
      );
    }
  }
  if (doubled.length > 0) {
    fail(`${doubled.length} webhook-ids sent again after an attempt had succeeded (e.g. ${doubled[0]})`);
  } else {
    ok(`no webhook-id sent again after a successful attempt`);
  }
  lines.push(
    `note ${receiver.deliveries()} webhook requests received, ${redelivered} webhook-id${redelivered === 1 ? '' : 's'} redelivered after a failed attempt (allowed)`,
  );

  // Each provider's view: every notification answered 2xx at the first attempt, and how fast.
  const hookAttempts: { at: number; ms: number }[] = [];
  for (const { bench, emulator, expected } of input.providers) {
    const listed = await fetchJson(`${emulator.url}${bench.deliveries.path}`, 'GET', {});
    const records = (listed.json[bench.deliveries.key] ?? []) as DeliveryRecord[];
    let retried = 0;
    let undelivered = 0;
    for (const r of records) {
      if (!r.delivered) undelivered++;
      if (r.attempts.length > 1) retried++;
      if (bench.connector === 'checkout_com') {
        for (const a of r.attempts) hookAttempts.push({ at: Date.parse(a.at), ms: a.duration_ms });
      }
    }
    const what = `${emulator.connector} notifications`;
    if (records.length !== expected || undelivered > 0 || retried > 0) {
      fail(
        `${what}: ${records.length} sent (${expected} expected), ${undelivered} undelivered, ${retried} needed a retry`,
      );
    } else ok(`${records.length} ${what}, each answered 2xx at the first attempt`);
  }

  // From the notification's arrival at the gateway (its own stored time) to the receiver.
  const arrivals = await store.rows(
    "select payment_id, min(received_at) as t from provider_notifications where event_type = 'payment_captured' and payment_id is not null group by payment_id",
  );
  const webhookAfterNotification: number[] = [];
  for (const row of arrivals) {
    if (!input.measured.has(String(row.payment_id))) continue;
    const arrival = receiver.arrival(String(row.payment_id));
    if (arrival && typeof row.t === 'number') webhookAfterNotification.push(arrival.epochMs - row.t);
  }
  webhookAfterNotification.sort((a, b) => a - b);
  return { lines, failures, webhookAfterNotification, hookAttempts };
}

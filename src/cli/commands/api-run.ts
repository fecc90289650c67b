// What the `payments`, `refunds` and `events` commands do, through the SDK.
import type { Event, EventType, List, ListPromise, Payment, Refund, WebhookDelivery } from '@bawaba/sdk';
import { type ApiOptions, apiClient, apiTarget, calling } from '../api-client.ts';
import { type Column, fail, printFields, printJson, printTable } from '../output.ts';
import type { ListOptions } from './api.ts';

const PAYMENT_COLUMNS: Column<Payment>[] = [
  { heading: 'id', cell: (p) => p.id },
  { heading: 'status', cell: (p) => p.status },
  { heading: 'amount', cell: (p) => p.amount },
  { heading: 'currency', cell: (p) => p.currency },
  { heading: 'method', cell: (p) => p.payment_method },
  { heading: 'connector', cell: (p) => p.connector },
  { heading: 'reference', cell: (p) => p.reference },
  { heading: 'created', cell: (p) => p.created_at },
];

const EVENT_COLUMNS: Column<Event>[] = [
  { heading: 'id', cell: (e) => e.id },
  { heading: 'type', cell: (e) => e.type },
  { heading: 'object', cell: (e) => (e.data.object as { id?: string }).id },
  { heading: 'created', cell: (e) => e.created_at },
];

function limitOf(opts: ListOptions): number {
  const limit = Number(opts.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) fail('--limit must be a whole number from 1 to 100');
  return limit;
}

/** One page, or with `--all` every page; as a table, or JSON in the API's list shape. */
async function printList<T>(list: ListPromise<T>, opts: ListOptions & ApiOptions, columns: Column<T>[]) {
  let page: List<T>;
  if (opts.all) {
    const data: T[] = [];
    for await (const item of list) data.push(item);
    page = { object: 'list', data, has_more: false };
  } else {
    page = await list;
  }
  if (opts.json) return printJson(page);
  printTable(page.data, columns);
  if (page.has_more) process.stdout.write('(more: raise --limit, or pass --all)\n');
}

function show(object: object, opts: ApiOptions): void {
  if (opts.json) printJson(object);
  else printFields(object as Record<string, unknown>);
}

const minorUnits = (value: string, flag: string): number => {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    fail(`${flag} is a whole number of minor units (1500 for QAR 15.00), got ${value}`);
  }
  return Number(value);
};

export async function listPayments(opts: ListOptions & ApiOptions & { status?: string; reference?: string }) {
  await calling(async () => {
    const list = apiClient(opts).payments.list({
      limit: limitOf(opts),
      ...(opts.status ? { status: opts.status as Payment['status'] } : {}),
      ...(opts.reference ? { reference: opts.reference } : {}),
    });
    await printList(list, opts, PAYMENT_COLUMNS);
  });
}

export async function getPayment(id: string, opts: ApiOptions) {
  await calling(async () => show(await apiClient(opts).payments.retrieve(id), opts));
}

interface CreatePaymentOptions extends ApiOptions {
  amount: string;
  currency: string;
  method: string;
  returnUrl?: string;
  connector?: string;
  reference?: string;
  description?: string;
  idempotencyKey?: string;
}

export async function createPayment(opts: CreatePaymentOptions) {
  await calling(async () => {
    const payment = await apiClient(opts).payments.create(
      {
        amount: minorUnits(opts.amount, '--amount'),
        currency: opts.currency,
        payment_method: opts.method as Payment['payment_method'],
        return_url: opts.returnUrl ?? `${apiTarget(opts).url}/sandbox/return`,
        ...(opts.connector ? { connector: opts.connector } : {}),
        ...(opts.reference ? { reference: opts.reference } : {}),
        ...(opts.description ? { description: opts.description } : {}),
      },
      opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {},
    );
    show(payment, opts);
  });
}

export async function cancelPayment(id: string, opts: ApiOptions & { idempotencyKey?: string }) {
  await calling(async () => {
    const key = opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {};
    show(await apiClient(opts).payments.cancel(id, key), opts);
  });
}

export async function createRefund(
  paymentId: string,
  opts: ApiOptions & { amount?: string; reason?: string; idempotencyKey?: string },
) {
  await calling(async () => {
    const refund: Refund = await apiClient(opts).refunds.create(
      paymentId,
      {
        ...(opts.amount ? { amount: minorUnits(opts.amount, '--amount') } : {}),
        ...(opts.reason ? { reason: opts.reason } : {}),
      },
      opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {},
    );
    show(refund, opts);
  });
}

export async function getRefund(id: string, opts: ApiOptions) {
  await calling(async () => show(await apiClient(opts).refunds.retrieve(id), opts));
}

export async function listEvents(opts: ListOptions & ApiOptions & { type?: string; object?: string }) {
  await calling(async () => {
    const list = apiClient(opts).events.list({
      limit: limitOf(opts),
      ...(opts.type ? { type: opts.type as EventType } : {}),
      ...(opts.object ? { object_id: opts.object } : {}),
    });
    await printList(list, opts, EVENT_COLUMNS);
  });
}

export async function getEvent(id: string, opts: ApiOptions) {
  await calling(async () => show(await apiClient(opts).events.retrieve(id), opts));
}

/** Redelivers the event's deliveries: to every endpoint it went to, or to `--endpoint`. */
export async function resendEvent(id: string, opts: ApiOptions & { endpoint?: string }) {
  await calling(async () => {
    const sdk = apiClient(opts);
    const event = await sdk.events.retrieve(id);
    const endpoints = opts.endpoint ? [opts.endpoint] : (await sdk.webhookEndpoints.list()).data.map((e) => e.id);
    const resent: WebhookDelivery[] = [];
    for (const endpoint of endpoints) {
      for await (const delivery of sdk.webhookEndpoints.listDeliveries(endpoint, { limit: 100 })) {
        if (delivery.event_id !== event.id) continue;
        resent.push(await sdk.webhookEndpoints.redeliver(endpoint, delivery.id));
        break;
      }
    }
    if (opts.json) return printJson({ object: 'list', data: resent, has_more: false });
    if (resent.length === 0) fail(`${id} was not delivered to ${opts.endpoint ?? 'any webhook endpoint'}`);
    printTable(resent, [
      { heading: 'delivery', cell: (d) => d.id },
      { heading: 'endpoint', cell: (d) => d.endpoint_id },
      { heading: 'status', cell: (d) => d.status },
      { heading: 'attempts', cell: (d) => d.attempt_count },
    ]);
  });
}

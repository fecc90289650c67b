// `bawaba trigger`: drives a test payment through the API and the sandbox's Checkout.com
// emulator (as the customer and the provider would), then waits for the event it asked for.
import type { BawabaClient, Event, Payment } from '@bawaba/sdk';
import { type ApiOptions, apiClient, apiTarget, calling } from '../api-client.ts';
import { fail, printJson, printTable } from '../output.ts';
import { TRIGGERS } from './trigger.ts';

type Trigger = (typeof TRIGGERS)[number];
const WAIT_MS = 30_000;

export async function trigger(name: string, opts: ApiOptions & { amount: string }): Promise<void> {
  if (!(TRIGGERS as readonly string[]).includes(name)) fail(`unknown event "${name}"; known: ${TRIGGERS.join(', ')}`);
  const wanted = name as Trigger;
  if (!/^\d+$/.test(opts.amount)) fail('--amount is a whole number of minor units');
  await calling(async () => {
    const sdk = apiClient(opts);
    const progress = spinner(opts.json === true);
    const split = wanted === 'payment.part_paid';
    progress.step(split ? 'creating a Qattah split bill' : 'creating a QPay payment');
    const payment = await sdk.payments.create({
      amount: Number(opts.amount),
      ...(split
        ? {
            currency: 'SAR',
            payment_method: 'qattah',
            connector: 'qattah',
            customer: { name: 'Bawaba trigger', phone: '+966500000000' },
          }
        : { currency: 'QAR', payment_method: 'qpay', connector: 'checkout_com' }),
      return_url: `${apiTarget(opts).url}/sandbox/return`,
      description: `bawaba trigger ${wanted}`,
      metadata: { triggered_by: 'bawaba trigger' },
    });
    if (payment.livemode) fail('trigger works in test mode only: use a sk_test_ key');
    if (wanted !== 'payment.requires_action') await drive(sdk, payment, wanted, progress);
    progress.step(`waiting for ${wanted}`);
    const objectId = await waitForEvent(sdk, payment.id, wanted);
    progress.done();
    const events: Event[] = [];
    for await (const e of sdk.events.list({ object_id: payment.id, limit: 100 })) events.push(e);
    if (objectId !== payment.id)
      for await (const e of sdk.events.list({ object_id: objectId, limit: 100 })) events.push(e);
    events.sort((a, b) => a.id.localeCompare(b.id));
    if (opts.json) return printJson({ object: 'list', data: events, has_more: false });
    printTable(events, [
      { heading: 'event', cell: (e) => e.id },
      { heading: 'type', cell: (e) => e.type },
      { heading: 'object', cell: (e) => (e.data.object as { id: string }).id },
      { heading: 'created', cell: (e) => e.created_at },
    ]);
  });
}

/** Plays the customer (and, for a refund, the provider's back office) on the emulator. */
async function drive(sdk: BawabaClient, payment: Payment, wanted: Trigger, progress: Spinner): Promise<void> {
  if (wanted === 'payment.canceled') {
    progress.step('canceling it through the API');
    await sdk.payments.cancel(payment.id);
    return;
  }
  const page = payment.next_action?.url;
  if (!page || !payment.provider_payment_id) fail(`${payment.id} has no payment page to complete`);
  const emulator = new URL(page).origin;
  if (wanted === 'payment.part_paid') return payOneShare(payment, emulator, progress);
  progress.step(wanted === 'payment.failed' ? 'declining it on the emulator' : 'paying it on the emulator');
  const completed = await control<{ redirect_url?: string }>(
    `${emulator}/__control/payments/${payment.provider_payment_id}/complete`,
    { outcome: wanted === 'payment.failed' ? 'decline' : 'approve' },
  );
  // The customer's browser comes back to the gateway, which asks the provider what happened.
  if (completed.redirect_url) await fetch(completed.redirect_url, { redirect: 'manual' }).then((r) => r.arrayBuffer());
  if (!wanted.startsWith('refund.')) return;
  progress.step('waiting for the capture');
  await waitForEvent(sdk, payment.id, 'payment.captured');
  progress.step('refunding it through the API');
  const refund = await sdk.refunds.create(payment.id);
  if (wanted === 'refund.succeeded') {
    progress.step('approving the refund on the emulator');
    const actionId = await until(
      async () => (await sdk.refunds.retrieve(refund.id)).provider_refund_id,
      'the refund to reach the provider',
    );
    await control(`${emulator}/__control/refunds/${actionId}/approve`, {});
  }
}

/**
 * Splits the bill in two on the Qattah emulator and pays the first share, as the first payer
 * would; then comes back to the gateway as that payer's browser does, so it asks the provider.
 */
async function payOneShare(payment: Payment, emulator: string, progress: Spinner): Promise<void> {
  const order = `${emulator}/__control/orders/${payment.provider_payment_id}`;
  progress.step('splitting the bill in two on the emulator');
  const split = await control<{ invoices: { id: string }[] }>(`${order}/split`, { people: 2 });
  const first = split.invoices[0];
  if (!first) fail(`the emulator made no shares for ${payment.provider_payment_id}`);
  progress.step('paying the first share');
  await control(`${order}/invoices/${first.id}/pay`, { brand: 'MADA' });
  const back = new URL(payment.return_url);
  await fetch(new URL(`/return/qattah/${payment.id}`, back.origin), { redirect: 'manual' }).then((r) =>
    r.arrayBuffer(),
  );
}

async function control<T>(url: string, body: unknown): Promise<T> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await answer.text();
  if (!answer.ok) fail(`the emulator refused ${new URL(url).pathname}: ${answer.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Waits for an event of `type` about the payment or one of its refunds; answers that object's id. */
async function waitForEvent(sdk: BawabaClient, paymentId: string, type: Trigger): Promise<string> {
  return until(async () => {
    if (type.startsWith('refund.')) {
      for await (const refund of sdk.refunds.list(paymentId)) {
        const found = await sdk.events.list({ object_id: refund.id, type, limit: 1 });
        if (found.data.length > 0) return refund.id;
      }
      return undefined;
    }
    const found = await sdk.events.list({ object_id: paymentId, type, limit: 1 });
    return found.data.length > 0 ? paymentId : undefined;
  }, type);
}

async function until<T>(probe: () => Promise<T | null | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null) return value;
    if (Date.now() > deadline) fail(`gave up waiting for ${what} after ${WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Spinner {
  step(text: string): void;
  done(): void;
}

/** A progress line on stderr while waiting (on a terminal only). */
function spinner(quiet: boolean): Spinner {
  const frames = ['|', '/', '-', '\\'];
  const tty = process.stderr.isTTY && !quiet;
  let text = '';
  let frame = 0;
  const timer = tty
    ? setInterval(() => process.stderr.write(`\r${frames[frame++ % frames.length]} ${text}\u001b[K`), 100)
    : undefined;
  return {
    step(next) {
      text = next;
      if (!tty && !quiet) process.stderr.write(`${next}\n`);
    },
    done() {
      if (timer) clearInterval(timer);
      if (tty) process.stderr.write('\r\u001b[K');
    },
  };
}

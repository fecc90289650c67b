/**
 * What test/load/emulator-bench.ts asks of each provider emulator, step by step: creates, the
 * customer's pay step on the hosted page (the form page, then its form posted), completions
 * through the control API, status lookups and refunds, and a whole lifecycle. Checkout.com and
 * Tap are in emulator-scenarios-qpay.ts; the parts of a step in emulator-steps.ts.
 */
import { createHash } from 'node:crypto';
import { checkoutCom, tap } from './emulator-scenarios-qpay.ts';
import {
  APPROVE,
  alternate,
  type Context,
  type EmulatorName,
  expectStatus,
  form,
  hostedPay,
  Ids,
  json,
  jsonField,
  lifecycleStep,
  pathOf,
  type Scenario,
  type Spec,
} from './emulator-steps.ts';
import { Failure } from './load.ts';

export {
  type Context,
  EMULATORS,
  type EmulatorName,
  type Step,
  type Subject,
} from './emulator-steps.ts';

const INVOICE_LINK = /href="\/ord_[A-Za-z0-9]+\/invoices\/(inv_[A-Za-z0-9]+)/;

function qattah(ctx: Context): Scenario {
  const token = /API token:\s+(\S+)/.exec(ctx.log)?.[1];
  if (!token) throw new Error(`no API token in the emulator's output:\n${ctx.log}`);
  const auth = { ...json, accept: 'application/json', authorization: `Bearer ${token}` };
  const api = '/api/v1/merchant-integration';
  const body = JSON.stringify({
    amount: 100,
    currency: 'SAR',
    reference: 'bench-order',
    callback_url: `${ctx.receiver.url}/hooks/qattah`,
    lang: 'en',
    description: 'Bench order',
  });
  const open = new Ids();
  const pages = new Ids();
  const shown = new Ids();
  const shares = new Ids();
  const sharesShown = new Ids();
  const paid = new Ids();
  const created = alternate(open, pages);
  const createOrder = async (): Promise<{ id: string; page: string }> => {
    const text = await expectStatus(ctx, 'POST', `${api}/orders`, auth, body, 200);
    const answer = JSON.parse(text) as { data: { order: { id: string } }; links: { redirect_to: string } };
    return { id: answer.data.order.id, page: pathOf(answer.links.redirect_to) };
  };
  const create = async () => (await createOrder()).id;
  /** One payer: split for one, then pay the one share. */
  const pay = async (id: string): Promise<void> => {
    const split = await expectStatus(ctx, 'POST', `/__control/orders/${id}/split`, json, '{"people":1}', 200);
    const invoice = (JSON.parse(split) as { invoices: { id: string }[] }).invoices[0]?.id;
    if (!invoice) throw new Failure('split answered no invoice', split);
    await expectStatus(ctx, 'POST', `/__control/orders/${id}/invoices/${invoice}/pay`, json, '{}', 200);
  };
  return {
    prepare: async () => {},
    steps: [
      {
        name: 'create (POST .../orders)',
        notifications: 0,
        operation: async () => {
          const { id, page } = await createOrder();
          created(id, page);
        },
      },
      // The initiator: the order's page, then "split equally" (for one), sent on to the shares page.
      {
        name: 'page (hosted page shown: GET)',
        notifications: 0,
        available: () => pages.size,
        operation: async () => {
          const [id = ''] = pages.take().split(' ');
          await expectStatus(ctx, 'GET', `/${id}?lang=en`, {}, undefined, 200);
          shown.push(id);
        },
      },
      {
        name: 'split (hosted page: split form posted, shares page shown)',
        notifications: 0,
        available: () => shown.size,
        operation: async () => {
          const id = shown.take();
          await expectStatus(ctx, 'POST', `/${id}/split/equal?lang=en`, form, 'people=1', 303);
          const page = await expectStatus(ctx, 'GET', `/${id}?lang=en`, {}, undefined, 200);
          const invoice = INVOICE_LINK.exec(page)?.[1];
          if (!invoice) throw new Failure('the shares page links no share', page.slice(0, 300));
          shares.push(`${id} ${invoice}`);
        },
      },
      // A payer: the share's page, then its "mada" button; the last share's payment calls back.
      {
        name: 'share page (hosted page shown: GET)',
        notifications: 0,
        available: () => shares.size,
        operation: async () => {
          const entry = shares.take();
          const [id = '', invoice = ''] = entry.split(' ');
          await expectStatus(ctx, 'GET', `/${id}/invoices/${invoice}?lang=en`, {}, undefined, 200);
          sharesShown.push(entry);
        },
      },
      {
        name: 'pay a share (hosted page: pay form posted, callback)',
        notifications: 1,
        available: () => sharesShown.size,
        operation: async () => {
          const [id = '', invoice = ''] = sharesShown.take().split(' ');
          await expectStatus(ctx, 'POST', `/${id}/invoices/${invoice}/pay?lang=en`, form, 'brand=MADA', 303);
          paid.push(id);
        },
      },
      {
        name: 'pay (control API: split + pay, callback)',
        notifications: 1,
        available: () => open.size,
        operation: async () => {
          const id = open.take();
          await pay(id);
          paid.push(id);
        },
      },
      {
        name: 'status (GET .../orders/{id})',
        notifications: 0,
        operation: async () => {
          await expectStatus(ctx, 'GET', `${api}/orders/${paid.pick()}`, auth, undefined, 200);
        },
      },
      {
        name: 'refund (POST .../orders/{id}/refund)',
        notifications: 0,
        available: () => paid.size,
        operation: async () => {
          await expectStatus(ctx, 'POST', `${api}/orders/${paid.take()}/refund`, auth, undefined, 200);
        },
      },
    ],
    lifecycle: lifecycleStep(ctx, 'lifecycle (create + pay + callback)', 1, create, pay),
  };
}

/** Akurateco's test card; expiry month 01 settles it (providers.md §4.7). */
const AKURATECO_CARD = { card_number: '4111111111111111', expiry: '01/30', cvv: '411', card_holder: 'Bench Load' };

function akurateco(ctx: Context): Scenario {
  const merchantKey = /Merchant key:\s+(\S+)/.exec(ctx.log)?.[1];
  const password = /Password:\s+(\S+)/.exec(ctx.log)?.[1];
  if (!merchantKey || !password) throw new Error(`no merchant key or password in the emulator's output:\n${ctx.log}`);
  /** sha1(md5(strtoupper(parts + password))), written out independently of the emulator's code. */
  const hash = (...parts: string[]): string => {
    const upper = Buffer.from(parts.join('') + password, 'utf8').map((b) => (b >= 97 && b <= 122 ? b - 32 : b));
    return createHash('sha1').update(createHash('md5').update(upper).digest('hex')).digest('hex');
  };
  let orders = 0;
  const createSession = async (): Promise<{ id: string; page: string }> => {
    const order = { number: `bench-${process.pid}-${orders++}`, amount: '3.01', currency: 'QAR', description: 'Bench' };
    const session = {
      merchant_key: merchantKey,
      operation: 'purchase',
      success_url: 'https://merchant.example/ok',
      cancel_url: 'https://merchant.example/cancel',
      order,
      customer: { name: 'Bench Load', email: 'success@gmail.com' },
      hash: hash(order.number, order.amount, order.currency, order.description),
    };
    const text = await expectStatus(ctx, 'POST', '/api/v1/session', json, JSON.stringify(session), 200);
    return { id: order.number, page: pathOf((JSON.parse(text) as { redirect_url: string }).redirect_url) };
  };
  const create = async () => (await createSession()).id;
  const statusByOrder = async (orderNumber: string): Promise<string> => {
    const status = { merchant_key: merchantKey, order_id: orderNumber, hash: hash(orderNumber) };
    const text = await expectStatus(ctx, 'POST', '/api/v1/payment/status', json, JSON.stringify(status), 200);
    return (JSON.parse(text) as { payment_id: string }).payment_id;
  };
  const complete = (id: string) => expectStatus(ctx, 'POST', `/__control/payments/${id}/complete`, json, APPROVE, 200);
  const created = new Ids();
  const pages = new Ids();
  const paidOnPage = new Ids();
  const open = new Ids();
  const settled = new Ids();
  const sessions = alternate(created, pages);
  return {
    prepare: async () => {
      const url = JSON.stringify({ notification_url: `${ctx.receiver.url}/hooks/akurateco` });
      await expectStatus(ctx, 'POST', `/__control/merchants/${merchantKey}/notification_url`, json, url, 200);
    },
    steps: [
      {
        name: 'create (POST /api/v1/session)',
        notifications: 0,
        operation: async () => {
          const { id, page } = await createSession();
          sessions(id, page);
        },
      },
      ...hostedPay(ctx, pages, paidOnPage, 1, (page) => ({
        path: page,
        body: new URLSearchParams(AKURATECO_CARD).toString(),
      })),
      {
        name: 'status by order (POST /api/v1/payment/status)',
        notifications: 0,
        available: () => created.size,
        operation: async () => open.push(await statusByOrder(created.take())),
      },
      {
        name: 'complete (control API, approve)',
        notifications: 1,
        available: () => open.size,
        operation: async () => {
          const id = open.take();
          await complete(id);
          settled.push(id);
        },
      },
      {
        name: 'status (POST /api/v1/payment/status)',
        notifications: 0,
        operation: async () => {
          const id = settled.pick();
          const status = { merchant_key: merchantKey, payment_id: id, hash: hash(id) };
          await expectStatus(ctx, 'POST', '/api/v1/payment/status', json, JSON.stringify(status), 200);
        },
      },
      {
        name: 'refund (POST /api/v1/payment/refund)',
        notifications: 0,
        available: () => settled.size,
        operation: async () => {
          const id = settled.take();
          const refund = { merchant_key: merchantKey, payment_id: id, hash: hash(id) };
          await expectStatus(ctx, 'POST', '/api/v1/payment/refund', json, JSON.stringify(refund), 200);
        },
      },
    ],
    lifecycle: lifecycleStep(
      ctx,
      'lifecycle (session + status + complete + callback)',
      1,
      async () => statusByOrder(await create()),
      complete,
    ),
  };
}

export const SCENARIOS: Record<EmulatorName, Spec> = {
  checkout_com: {
    cliArgs: (receiverUrl) => ['--webhook-url', `${receiverUrl}/hooks/checkout_com`],
    subjectOf: (_req, raw) => jsonField(raw, (body) => (body.data as { id?: unknown } | undefined)?.id),
    scenario: checkoutCom,
  },
  tap: { cliArgs: () => [], subjectOf: (_req, raw) => jsonField(raw, (body) => body.id), scenario: tap },
  qattah: {
    cliArgs: () => [],
    subjectOf: (req) => new URL(req.url ?? '/', 'http://x').searchParams.get('order_id') ?? undefined,
    scenario: qattah,
  },
  akurateco: {
    cliArgs: () => [],
    subjectOf: (_req, raw) => new URLSearchParams(raw.toString('utf8')).get('id') ?? undefined,
    scenario: akurateco,
  },
};

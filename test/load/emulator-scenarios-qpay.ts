/** Checkout.com's and Tap's QPay emulators as test/load/emulator-bench.ts drives them. */
import {
  APPROVE,
  alternate,
  type Context,
  controlApprove,
  expectStatus,
  hostedPay,
  Ids,
  json,
  lifecycleStep,
  param,
  pathOf,
  QPAY_CARD,
  type Scenario,
} from './emulator-steps.ts';

export function checkoutCom(ctx: Context): Scenario {
  const secretKey = /Secret key:\s+(sk_sbox_\S+)/.exec(ctx.log)?.[1];
  if (!secretKey) throw new Error(`no secret key in the emulator's output:\n${ctx.log}`);
  const auth = { ...json, authorization: `Bearer ${secretKey}` };
  const body = JSON.stringify({
    amount: 10_000,
    currency: 'QAR',
    reference: 'ORD-BENCH',
    source: { type: 'qpay', description: 'Bench payment' },
    success_url: 'https://merchant.example/ok',
    failure_url: 'https://merchant.example/ko',
  });
  const pending = new Ids();
  const pages = new Ids();
  const captured = new Ids();
  const refunds = new Ids();
  const created = alternate(pending, pages);
  let keys = 0;
  const createPayment = async (): Promise<{ id: string; page: string }> => {
    const headers = { ...auth, 'cko-idempotency-key': `bench-${process.pid}-${keys++}` };
    const text = await expectStatus(ctx, 'POST', '/payments', headers, body, 202);
    const answer = JSON.parse(text) as { id: string; _links: { redirect: { href: string } } };
    return { id: answer.id, page: pathOf(answer._links.redirect.href) };
  };
  const create = async () => (await createPayment()).id;
  const complete = (id: string) => expectStatus(ctx, 'POST', `/__control/payments/${id}/complete`, json, APPROVE, 200);
  return {
    prepare: async () => {},
    steps: [
      {
        name: 'create (POST /payments)',
        notifications: 1,
        operation: async () => {
          const { id, page } = await createPayment();
          created(id, page);
        },
      },
      ...hostedPay(ctx, pages, captured, 2, (page) => ({
        path: '/qpay-external/pay',
        body: new URLSearchParams({ pun: param(page, 'pun'), ...QPAY_CARD }).toString(),
      })),
      {
        name: 'complete (control API, approve)',
        notifications: 2,
        available: () => pending.size,
        operation: async () => {
          const id = pending.take();
          await complete(id);
          captured.push(id);
        },
      },
      {
        name: 'status (GET /payments/{id})',
        notifications: 0,
        operation: async () => {
          await expectStatus(ctx, 'GET', `/payments/${captured.pick()}`, auth, undefined, 200);
        },
      },
      {
        name: 'refund (POST /payments/{id}/refunds)',
        notifications: 1,
        available: () => captured.size,
        operation: async () => {
          const text = await expectStatus(ctx, 'POST', `/payments/${captured.take()}/refunds`, auth, '{}', 202);
          refunds.push((JSON.parse(text) as { action_id: string }).action_id);
        },
      },
      controlApprove(ctx, refunds),
    ],
    lifecycle: lifecycleStep(ctx, 'lifecycle (create + complete + 3 notifications)', 3, create, complete),
  };
}

export function tap(ctx: Context): Scenario {
  const secretKey = /Secret key:\s+(sk_test_\S+)/.exec(ctx.log)?.[1];
  if (!secretKey) throw new Error(`no secret key in the emulator's output:\n${ctx.log}`);
  const auth = { ...json, authorization: `Bearer ${secretKey}` };
  const post = { url: `${ctx.receiver.url}/hooks/tap` };
  const body = JSON.stringify({
    amount: 100,
    currency: 'QAR',
    customer_initiated: true,
    threeDSecure: true,
    save_card: false,
    description: 'Bench charge',
    metadata: { udf1: 'bench' },
    reference: { transaction: 'txn_bench', order: 'ord_bench' },
    receipt: { email: false, sms: false },
    customer: { first_name: 'Bench', last_name: 'Load', email: 'bench@example.com' },
    source: { id: 'src_qa.qpay' },
    post,
    redirect: { url: 'https://merchant.example/return' },
  });
  const initiated = new Ids();
  const pages = new Ids();
  const captured = new Ids();
  const refunds = new Ids();
  const created = alternate(initiated, pages);
  const createCharge = async (): Promise<{ id: string; page: string }> => {
    const text = await expectStatus(ctx, 'POST', '/v2/charges/', auth, body, 200);
    const charge = JSON.parse(text) as { id: string; transaction: { url: string } };
    return { id: charge.id, page: pathOf(charge.transaction.url) };
  };
  const create = async () => (await createCharge()).id;
  const complete = (id: string) => expectStatus(ctx, 'POST', `/__control/charges/${id}/complete`, json, APPROVE, 200);
  return {
    prepare: async () => {},
    steps: [
      {
        name: 'create (POST /v2/charges)',
        notifications: 0,
        operation: async () => {
          const { id, page } = await createCharge();
          created(id, page);
        },
      },
      ...hostedPay(ctx, pages, captured, 1, (page) => ({
        path: page.split('?')[0] ?? page,
        body: new URLSearchParams({ chg: param(page, 'chg'), ...QPAY_CARD }).toString(),
      })),
      {
        name: 'complete (control API, approve)',
        notifications: 1,
        available: () => initiated.size,
        operation: async () => {
          const id = initiated.take();
          await complete(id);
          captured.push(id);
        },
      },
      {
        name: 'status (GET /v2/charges/{id})',
        notifications: 0,
        operation: async () => {
          await expectStatus(ctx, 'GET', `/v2/charges/${captured.pick()}`, auth, undefined, 200);
        },
      },
      {
        name: 'refund (POST /v2/refunds)',
        notifications: 0,
        available: () => captured.size,
        operation: async () => {
          const refund = { charge_id: captured.take(), amount: 1, currency: 'QAR', reason: 'bench', post };
          const text = await expectStatus(ctx, 'POST', '/v2/refunds', auth, JSON.stringify(refund), 200);
          refunds.push((JSON.parse(text) as { id: string }).id);
        },
      },
      controlApprove(ctx, refunds),
    ],
    lifecycle: lifecycleStep(ctx, 'lifecycle (create + complete + 1 notification)', 1, create, complete),
  };
}

import type { FastifyInstance } from 'fastify';
import {
  asBody,
  type Body,
  badRequest,
  controlApiRoutes,
  isNonNegativeInt,
  merchantRoutes,
} from '../kit/control-routes.ts';
import { oneOf, readSettings } from '../kit/control-settings.ts';
import { FAULT_OPERATIONS, type QattahControl, type SplitRequest } from './control.ts';
import type { Merchant, MerchantInput } from './merchants.ts';
import { PAYMENT_BRANDS, type PaymentBrand, WINDOW_STARTS, type WindowStart } from './state.ts';

type IdParams = { Params: { id: string } };
type InvoiceParams = { Params: { id: string; inv: string } };

/** `{"people": N}` or `{"shares": [{"name", "amount": "50.00"}]}`; a number amount is taken as its text. */
function parseSplit(body: Body): SplitRequest | string {
  if (body.people !== undefined) {
    if (!isNonNegativeInt(body.people)) return 'people must be a positive integer';
    return { people: body.people };
  }
  if (!Array.isArray(body.shares)) return 'body must have people (integer) or shares (array)';
  const shares = [];
  for (const share of body.shares as unknown[]) {
    const { name, amount } = asBody(share);
    if (typeof amount !== 'string' && typeof amount !== 'number') return 'each share needs an amount';
    shares.push({ name: typeof name === 'string' ? name : '', amount: String(amount) });
  }
  return { shares };
}

const merchantView = (m: Merchant) => ({ id: m.id, name: m.name, api_token: m.apiToken });

function merchantInput(body: Body): MerchantInput {
  const input: MerchantInput = {};
  if (typeof body.name === 'string') input.name = body.name;
  if (typeof body.api_token === 'string') input.apiToken = body.api_token;
  return input;
}

const parseSettings = (body: Body) =>
  readSettings<{ window_starts: WindowStart }>(body, { window_starts: ['window_starts', oneOf(WINDOW_STARTS)] });

/** Loopback-only test control API: clock, faults, orders, split and pay, callbacks, merchants. */
export async function controlRoutes(app: FastifyInstance, options: { control: QattahControl }): Promise<void> {
  const { control } = options;

  controlApiRoutes(app, control, {
    faultOperations: FAULT_OPERATIONS,
    objects: { plural: 'orders', notFound: 'order_not_found', list: control.listOrders, get: control.getOrder },
    sweep: { path: 'expire', run: () => ({ timed_out: control.expireDue() }) },
    settings: { view: (settings) => settings, parse: parseSettings },
  });
  app.post<IdParams>('/__control/orders/:id/split', async (request, reply) => {
    const split = parseSplit(asBody(request.body));
    if (typeof split === 'string') return badRequest(reply, split);
    const result = control.split(request.params.id, split);
    if (result.ok) return result.order;
    const code = result.error === 'order_not_found' ? 404 : result.error === 'invalid_shares' ? 422 : 409;
    return reply.code(code).send(result);
  });
  app.post<InvoiceParams>('/__control/orders/:id/invoices/:inv/pay', async (request, reply) => {
    const brand = asBody(request.body).brand ?? 'MADA';
    if (!PAYMENT_BRANDS.includes(brand as PaymentBrand)) {
      return badRequest(reply, `brand must be one of ${PAYMENT_BRANDS.join(', ')}`);
    }
    const result = control.pay(request.params.id, request.params.inv, brand as PaymentBrand);
    if (result.ok) return result.order;
    const notFound = result.error === 'order_not_found' || result.error === 'invoice_not_found';
    return reply.code(notFound ? 404 : 409).send(result);
  });

  app.get('/__control/callbacks', async () => ({ callbacks: control.callbacks() }));
  app.get('/__control/requests', async () => ({ requests: control.requests() }));

  merchantRoutes(app, control, merchantView, merchantInput);
}

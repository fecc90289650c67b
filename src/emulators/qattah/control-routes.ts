import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseFaultSpec } from '../kit/faults.ts';
import { FAULT_OPERATIONS, type QattahControl, type SplitRequest } from './control.ts';
import type { Merchant } from './merchants.ts';
import { PAYMENT_BRANDS, type PaymentBrand, WINDOW_STARTS, type WindowStart } from './state.ts';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };
type InvoiceParams = { Params: { id: string; inv: string } };

function asBody(body: unknown): Body {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: 'invalid_request', message });
}

const isNonNegativeInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

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

/** Loopback-only test control API: clock, faults, orders, split and pay, callbacks, merchants. */
export async function controlRoutes(app: FastifyInstance, options: { control: QattahControl }): Promise<void> {
  const { control } = options;

  app.get('/__control/clock', async () => control.now());
  app.post('/__control/clock', async (request, reply) => {
    const ms = asBody(request.body).advance_ms;
    if (!isNonNegativeInt(ms)) return badRequest(reply, 'advance_ms must be a non-negative integer');
    return control.advanceClock(ms);
  });
  app.post('/__control/expire', async () => ({ timed_out: control.expireDue() }));

  app.get('/__control/faults', async () => ({ faults: control.listFaults() }));
  app.post('/__control/faults', async (request, reply) => {
    const parsed = parseFaultSpec(request.body, FAULT_OPERATIONS);
    if (!parsed.ok) return badRequest(reply, parsed.error);
    return reply.code(201).send(control.addFault(parsed.spec));
  });
  app.delete('/__control/faults', async () => {
    control.clearFaults();
    return { faults: [] };
  });

  app.get('/__control/orders', async () => ({ orders: control.listOrders() }));
  app.get<IdParams>('/__control/orders/:id', async (request, reply) => {
    return control.getOrder(request.params.id) ?? reply.code(404).send({ error: 'order_not_found' });
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

  app.get('/__control/settings', async () => control.settings());
  app.post('/__control/settings', async (request, reply) => {
    const value = asBody(request.body).window_starts;
    if (value !== undefined && !WINDOW_STARTS.includes(value as WindowStart)) {
      return badRequest(reply, `window_starts must be one of ${WINDOW_STARTS.join(', ')}`);
    }
    return control.updateSettings(value === undefined ? {} : { window_starts: value as WindowStart });
  });

  app.get('/__control/merchants', async () => ({ merchants: control.listMerchants().map(merchantView) }));
  app.post('/__control/merchants', async (request, reply) => {
    const body = asBody(request.body);
    const input: { name?: string; apiToken?: string } = {};
    if (typeof body.name === 'string') input.name = body.name;
    if (typeof body.api_token === 'string') input.apiToken = body.api_token;
    try {
      return reply.code(201).send(merchantView(control.createMerchant(input)));
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
  });

  app.post('/__control/reset', async () => {
    control.reset();
    return { ok: true };
  });
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorClock } from '../kit/clock.ts';
import type { Merchant, MerchantRegistry } from './merchants.ts';
import { orderJson } from './order-json.ts';
import { authFormOf, type RequestLog } from './request-log.ts';
import type { Order, QattahState } from './state.ts';
import { type FieldErrors, parseCreateOrder } from './validate.ts';

export const API_PREFIX = '/api/v1/merchant-integration';
/** The SDKs' cancel endpoint lives under a different prefix (providers.md §3.6). */
export const CANCEL_PATH = '/api/v1/qattah/orders/:id/cancel';
/** Stands for a body that is not JSON; the parser cannot reply itself. */
export const MALFORMED_BODY: unique symbol = Symbol('malformed');

/**
 * Error shapes (HTTP codes are not documented, providers.md §3.2 [gap]): every error carries
 * `successful: false` and a top-level `message`; validation errors add Laravel's `errors` map.
 */
export function fail(reply: FastifyReply, statusCode: number, message: string, errors?: FieldErrors): FastifyReply {
  return reply.code(statusCode).send({ successful: false, message, ...(errors !== undefined && { errors }) });
}

export const orderNotFound = (reply: FastifyReply): FastifyReply => fail(reply, 404, 'Order not found.');

export type ApiOptions = {
  state: QattahState;
  merchants: MerchantRegistry;
  clock: EmulatorClock;
  /** Where each request's form of `Authorization` is recorded. */
  requests: RequestLog;
  baseUrl(request: FastifyRequest): string;
};

type IdParams = { Params: { id: string } };

export function orderView(order: Order, merchants: MerchantRegistry, now: number) {
  return orderJson(order, merchants.get(order.merchantId)?.name ?? '', now);
}

/** The merchant API: create, get, refund, cancel; authenticated by the api_token. */
export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { state, merchants, clock } = options;
  const presented = new WeakMap<FastifyRequest, Merchant>();

  // Both forms authenticate (providers.md §3.1); which one each request used is kept.
  app.addHook('onResponse', async (request, reply) => {
    options.requests.record({
      method: request.method,
      path: request.url,
      auth_scheme: authFormOf(request.headers.authorization),
      merchant_id: presented.get(request)?.id ?? null,
      status: reply.statusCode,
    });
  });

  function authenticate(request: FastifyRequest, reply: FastifyReply): Merchant | undefined {
    const merchant = merchants.authenticate(request.headers.authorization);
    if (!merchant) fail(reply, 401, 'Unauthenticated.');
    else presented.set(request, merchant);
    return merchant;
  }

  /** Another merchant's order is not found, as if it did not exist. */
  function ownOrder(merchant: Merchant, id: string): Order | undefined {
    const order = state.get(id);
    return order?.merchantId === merchant.id ? order : undefined;
  }

  app.post(`${API_PREFIX}/orders`, async (request, reply) => {
    const merchant = authenticate(request, reply);
    if (!merchant) return reply;
    if (request.body === MALFORMED_BODY) return fail(reply, 400, 'The request body is not valid JSON.');
    const parsed = parseCreateOrder(request.body);
    if (!parsed.ok) {
      const first = Object.values(parsed.errors)[0]?.[0] ?? 'The given data was invalid.';
      return fail(reply, 422, first, parsed.errors);
    }
    const order = state.create({ ...parsed.input, merchantId: merchant.id });
    return {
      successful: true,
      data: { order: orderView(order, merchants, clock.now()) },
      links: { redirect_to: `${options.baseUrl(request)}/${order.id}` },
    };
  });

  app.get<IdParams>(`${API_PREFIX}/orders/:id`, async (request, reply) => {
    const merchant = authenticate(request, reply);
    if (!merchant) return reply;
    const order = ownOrder(merchant, request.params.id);
    if (!order) return orderNotFound(reply);
    return { successful: true, data: { order: orderView(order, merchants, clock.now()) } };
  });

  app.post<IdParams>(`${API_PREFIX}/orders/:id/refund`, async (request, reply) => {
    const merchant = authenticate(request, reply);
    if (!merchant) return reply;
    if (!ownOrder(merchant, request.params.id)) return orderNotFound(reply);
    const result = state.refund(request.params.id);
    if (!result.ok) return fail(reply, result.error === 'order_not_found' ? 404 : 422, result.message);
    return { successful: true };
  });

  app.post<IdParams>(CANCEL_PATH, async (request, reply) => {
    const merchant = authenticate(request, reply);
    if (!merchant) return reply;
    if (!ownOrder(merchant, request.params.id)) return orderNotFound(reply);
    const result = state.cancel(request.params.id);
    if (!result.ok) return fail(reply, result.error === 'order_not_found' ? 404 : 422, result.message);
    return { successful: true, data: { order: orderView(result.order, merchants, clock.now()) } };
  });
}

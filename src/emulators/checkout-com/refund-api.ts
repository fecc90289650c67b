import type { FastifyInstance, FastifyRequest } from 'fastify';
import { idempotencyKey, invalid, MALFORMED_BODY, notAllowed, sendJson } from './api-common.ts';
import type { Entity } from './entities.ts';
import type { CheckoutComState, Payment } from './state.ts';
import { validateRefund } from './validate.ts';

export type RefundApiOptions = {
  state: CheckoutComState;
  baseUrl(request: FastifyRequest): string;
  /** The entity whose key authenticated the request (set by the parent's auth hook). */
  owner(request: FastifyRequest): Entity;
  /** The payment if it belongs to the caller's entity; another entity's is answered like an unknown one. */
  owned(request: FastifyRequest, payment: Payment | undefined): Payment | undefined;
};

type IdParams = { Params: { id: string } };

/** QPay is captured automatically and has no authorisation: nothing to capture or void. */
const NOT_FOR_QPAY = [
  ['voids', 'void_not_allowed'],
  ['captures', 'capture_not_allowed'],
] as const;

/** `POST /payments/{id}/refunds`, and the actions QPay does not support. Registered inside `apiRoutes`. */
export async function refundRoutes(app: FastifyInstance, options: RefundApiOptions): Promise<void> {
  const { state } = options;
  const payment = (request: FastifyRequest<IdParams>): Payment | undefined => {
    const { id } = request.params;
    return options.owned(request, id.startsWith('pay_') ? state.getPayment(id) : undefined);
  };

  app.post<IdParams>('/payments/:id/refunds', async (request, reply) => {
    const presented = idempotencyKey(request);
    // Per entity, like POST /payments, and per path: a key reused for another payment is a new request.
    const scope = `${options.owner(request).id} /payments/${request.params.id}/refunds`;
    const key = presented === undefined ? undefined : `${scope} ${presented}`;
    const cached = key === undefined ? undefined : state.cachedAnswer(key);
    if (cached) return sendJson(reply, cached.statusCode, cached.json);
    const found = payment(request);
    if (!found) return reply.code(404).send();
    if (request.body === MALFORMED_BODY) return invalid(request, reply, ['request_body_malformed']);
    const input = validateRefund(request.body);
    if (!input.ok) return invalid(request, reply, input.codes);
    const result = state.requestRefund(found.id, input.value);
    if (!result) return reply.code(404).send();
    if (!result.ok) {
      return result.reason === 'not_allowed'
        ? notAllowed(request, reply, 'refund_not_allowed')
        : invalid(request, reply, ['refund_amount_exceeds_balance']);
    }
    const { refund } = result;
    const body = {
      action_id: refund.actionId,
      ...(refund.reference !== undefined && { reference: refund.reference }),
      _links: { payment: { href: `${options.baseUrl(request)}/payments/${found.id}` } },
    };
    const json = JSON.stringify(body);
    if (key !== undefined) state.cacheAnswer(key, 202, json);
    return sendJson(reply, 202, json);
  });

  for (const [path, code] of NOT_FOR_QPAY) {
    app.post<IdParams>(`/payments/:id/${path}`, async (request, reply) => {
      if (!payment(request)) return reply.code(404).send();
      return notAllowed(request, reply, code);
    });
  }
}

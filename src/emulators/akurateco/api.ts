import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  badHashBody,
  ERROR_CODES,
  errorBody,
  item,
  notFoundBody,
  paramsError,
  sendError,
  unknownMerchantBody,
} from './errors.ts';
import { hashMatches, paymentIdHash, refundHash, sessionHash } from './hash.ts';
import type { Merchant, MerchantRegistry } from './merchants.ts';
import { parseAmount } from './money.ts';
import { requestRefund, voidPayment } from './refunds.ts';
import type { AkuratecoState, Payment } from './state.ts';
import { isObject, validateOperation, validateSession } from './validate.ts';
import { statusJson, voidJson } from './views.ts';

/** What the body parser yields for a body that is not JSON. */
export const MALFORMED_BODY = Symbol('malformed');

export type ApiOptions = {
  state: AkuratecoState;
  merchants: MerchantRegistry;
  baseUrl(request: FastifyRequest): string;
};

type Body = Record<string, unknown>;

function bodyOf(request: FastifyRequest, reply: FastifyReply): Body | undefined {
  if (isObject(request.body)) return request.body;
  sendError(reply, 400, errorBody(ERROR_CODES.invalidJson, 'Request body must be a JSON object'));
  return undefined;
}

/** Field errors → 400; unknown merchant → 401. */
function merchantOf(
  reply: FastifyReply,
  body: Body,
  errors: ReturnType<typeof validateOperation>,
  merchants: MerchantRegistry,
) {
  if (errors.length > 0) {
    sendError(reply, 400, paramsError(errors));
    return undefined;
  }
  const merchant = merchants.get(body.merchant_key);
  if (!merchant) sendError(reply, 401, unknownMerchantBody());
  return merchant;
}

function paymentOf(state: AkuratecoState, merchant: Merchant, id: unknown): Payment | undefined {
  const payment = typeof id === 'string' ? state.get(id) : undefined;
  return payment?.merchantKey === merchant.merchantKey ? payment : undefined;
}

/** `/api/v1/session`, `/api/v1/payment/status`, `/refund` and `/void` (providers.md §4.2–4.5). */
export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { state, merchants } = options;

  app.post('/api/v1/session', async (request, reply) => {
    const body = bodyOf(request, reply);
    if (!body) return reply;
    const checked = validateSession(body);
    if (!checked.ok) return sendError(reply, 400, paramsError(checked.errors));
    const merchant = merchants.get(checked.request.merchantKey);
    if (!merchant) return sendError(reply, 401, unknownMerchantBody());
    const { order, hash, ...rest } = checked.request;
    // The hash covers the amount string exactly as sent.
    const expected = sessionHash({ ...order, amount: (body.order as Body).amount as string }, merchant.password);
    if (!hashMatches(hash, expected)) return sendError(reply, 401, badHashBody());
    const payment = state.create({ ...rest, order });
    return { redirect_url: `${options.baseUrl(request)}/checkout/${payment.token}` };
  });

  app.post('/api/v1/payment/status', async (request, reply) => {
    const body = bodyOf(request, reply);
    if (!body) return reply;
    const merchant = merchantOf(reply, body, validateOperation(body, ['payment_id', 'order_id'], true), merchants);
    if (!merchant) return reply;
    const byOrder = body.payment_id === undefined;
    if (byOrder && !merchant.statusByOrderId) {
      return sendError(reply, 400, paramsError([item(ERROR_CODES.required, 'payment_id: This value is required')]));
    }
    const id = (byOrder ? body.order_id : body.payment_id) as string;
    if (!hashMatches(body.hash, paymentIdHash(id, merchant.password))) return sendError(reply, 401, badHashBody());
    const payment = byOrder ? state.getByOrder(merchant.merchantKey, id) : paymentOf(state, merchant, id);
    if (!payment) return sendError(reply, 400, notFoundBody());
    state.expireIfDue(payment);
    return statusJson(payment, state.settings().statusHistory);
  });

  app.post('/api/v1/payment/refund', async (request, reply) => {
    const body = bodyOf(request, reply);
    if (!body) return reply;
    const errors = validateOperation(body, ['payment_id']);
    if (body.amount !== undefined && typeof body.amount !== 'string') {
      errors.push({ error_code: ERROR_CODES.invalidValue, error_message: 'amount: This value must be a string' });
    }
    const merchant = merchantOf(reply, body, errors, merchants);
    if (!merchant) return reply;
    const amountText = body.amount as string | undefined;
    const id = body.payment_id as string;
    if (!hashMatches(body.hash, refundHash(id, amountText, merchant.password))) {
      return sendError(reply, 401, badHashBody());
    }
    const payment = paymentOf(state, merchant, id);
    if (!payment) return sendError(reply, 400, notFoundBody());
    let amount: number | undefined;
    if (amountText !== undefined) {
      const parsed = parseAmount(amountText, payment.order.currency);
      if (parsed === null || parsed === 0) {
        return sendError(reply, 400, errorBody(ERROR_CODES.invalidValue, 'amount: Invalid format'));
      }
      amount = parsed;
    }
    const result = requestRefund(state, payment, amount);
    if (result.ok) return { payment_id: payment.id, result: 'accepted' };
    if (result.reason === 'not_settled') {
      return sendError(
        reply,
        400,
        errorBody(
          ERROR_CODES.refundNotAllowed,
          'Not acceptable to request the refund for payment not in settled or pending status.',
        ),
      );
    }
    return sendError(
      reply,
      400,
      errorBody(ERROR_CODES.amountTooLarge, 'Refund amount exceeds the amount available for refund'),
    );
  });

  app.post('/api/v1/payment/void', async (request, reply) => {
    const body = bodyOf(request, reply);
    if (!body) return reply;
    const merchant = merchantOf(reply, body, validateOperation(body, ['payment_id']), merchants);
    if (!merchant) return reply;
    const id = body.payment_id as string;
    if (!hashMatches(body.hash, paymentIdHash(id, merchant.password))) return sendError(reply, 401, badHashBody());
    const payment = paymentOf(state, merchant, id);
    if (!payment) return sendError(reply, 400, notFoundBody());
    const result = voidPayment(state, payment);
    if (!result.ok) {
      return sendError(
        reply,
        400,
        errorBody(ERROR_CODES.notAllowed, `Void is not allowed for a payment in status ${payment.status}`),
      );
    }
    return voidJson(payment, state.clock.now(), merchant.voidAnswer, result.reason);
  });
}

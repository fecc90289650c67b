import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { chargeJson, refundJson } from './charge-json.ts';
import { sendErrors, tapError } from './errors.ts';
import type { Merchant, MerchantRegistry } from './merchants.ts';
import type { Charge, TapState } from './state.ts';
import { isObject, validateCreateCharge, validateRefund } from './validate.ts';

/** Marks a body that was not valid JSON; the route answers 2100. */
export const MALFORMED_BODY: unique symbol = Symbol('malformed-body');

export const PAGE_PATH = '/test_gosell/v2/payment/tap_process.aspx';

export type ApiOptions = {
  state: TapState;
  merchants: MerchantRegistry;
  baseUrl(request: FastifyRequest): string;
};

type IdParams = { Params: { id: string } };

/** The hosted QPay page of a charge, shaped like the seed's `transaction.url`. */
export function pageUrl(base: string, charge: Charge): string {
  return `${base}${PAGE_PATH}?chg=${encodeURIComponent(charge.pageToken)}`;
}

/** 1102 for nothing (or `{}`), 2100 for text that is not a JSON object; otherwise the fields. */
function readBody(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> | undefined {
  const { body } = request;
  if (body === undefined || (isObject(body) && Object.keys(body).length === 0)) {
    sendErrors(reply, 400, [tapError('1102')]);
    return undefined;
  }
  if (body === MALFORMED_BODY || !isObject(body)) {
    sendErrors(reply, 400, [tapError('2100')]);
    return undefined;
  }
  return body;
}

const REFUND_REFUSALS = {
  not_captured: () => tapError('1103', 'Invalid input: only a CAPTURED charge can be refunded'),
  currency_mismatch: () => tapError('1118', 'Invalid currency: it must be the charge currency'),
  exceeds_balance: () => tapError('1117', 'Invalid amount: more than the amount left to refund'),
} as const;

/** How long Tap honours a `reference.idempotent` string (its idempotency page: 24 hours). */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60_000;

/** Tap's `/v2` API, scoped to the merchant whose secret key is presented. */
export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { state, merchants } = options;
  const firstMade = (merchant: Merchant, kind: 'charge' | 'refund', key: string | undefined) =>
    state.firstMade(merchant.id, kind, key, IDEMPOTENCY_WINDOW_MS);
  const remember = (merchant: Merchant, kind: 'charge' | 'refund', key: string | undefined, id: string) =>
    state.remember(merchant.id, kind, key, id);
  const owners = new WeakMap<FastifyRequest, Merchant>();
  const owner = (request: FastifyRequest): Merchant => owners.get(request) as Merchant;

  app.addHook('onRequest', async (request, reply) => {
    const auth = merchants.authenticate(request.headers.authorization);
    if (!auth.ok) return sendErrors(reply, 401, [tapError(auth.code)]);
    owners.set(request, auth.merchant);
  });

  const create = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = readBody(request, reply);
    if (!body) return reply;
    const result = validateCreateCharge(body);
    if (!result.ok) return sendErrors(reply, 400, result.errors);
    const merchant = owner(request);
    const key = result.value.reference.idempotent;
    const earlierId = firstMade(merchant, 'charge', key);
    const earlier = earlierId === undefined ? undefined : state.getCharge(earlierId);
    // A repeat within 24 h makes nothing new: it answers the charge the first request made.
    if (earlier) return chargeJson(earlier, 'CREATE', pageUrl(options.baseUrl(request), earlier));
    const charge = state.createCharge(result.value, merchant.id);
    remember(merchant, 'charge', key, charge.id);
    return chargeJson(charge, 'CREATE', pageUrl(options.baseUrl(request), charge));
  };
  app.post('/v2/charges', create);
  app.post('/v2/charges/', create);

  app.get<IdParams>('/v2/charges/:id', async (request, reply) => {
    const charge = state.getCharge(request.params.id);
    // Another merchant's charge is answered like an unknown one.
    if (!charge || charge.merchantId !== owner(request).id) return sendErrors(reply, 404, [tapError('1144')]);
    return chargeJson(charge, 'GET', pageUrl(options.baseUrl(request), charge));
  });

  const refund = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = readBody(request, reply);
    if (!body) return reply;
    const input = validateRefund(body);
    if (!input.ok) return sendErrors(reply, 400, input.errors);
    const merchant = owner(request);
    const earlierId = firstMade(merchant, 'refund', input.value.idempotent);
    const earlier = earlierId === undefined ? undefined : state.getRefund(earlierId);
    if (earlier) return refundJson(earlier, 'CREATE');
    const result = state.requestRefund(input.value, merchant.id);
    if (result.ok) remember(merchant, 'refund', input.value.idempotent, result.refund.id);
    if (result.ok) return refundJson(result.refund, 'CREATE');
    if (result.reason === 'charge_not_found') return sendErrors(reply, 404, [tapError('1144')]);
    return sendErrors(reply, 400, [REFUND_REFUSALS[result.reason]()]);
  };
  app.post('/v2/refunds', refund);
  app.post('/v2/refunds/', refund);

  app.get<IdParams>('/v2/refunds/:id', async (request, reply) => {
    const found = state.getRefund(request.params.id);
    if (!found || found.merchantId !== owner(request).id) return sendErrors(reply, 404, [tapError('1145')]);
    return refundJson(found, 'GET');
  });
}

import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { idempotencyKey, invalid, MALFORMED_BODY, sendJson } from './api-common.ts';
import type { Entity } from './entities.ts';
import { qpaySource } from './payment-source.ts';
import { refundRoutes } from './refund-api.ts';
import { paymentBalances, REFUNDABLE_STATUSES } from './refunds.ts';
import type { CheckoutComState, Payment, PaymentStatus } from './state.ts';
import { validateCreatePayment } from './validate.ts';

export const CKO_VERSION = '3.41.0';

export type ApiOptions = {
  state: CheckoutComState;
  /** Every entity, to find the one whose secret key was presented. */
  entities(): Entity[];
  /** The webhook body of an event, for `GET /workflows/events/{id}`. */
  event(id: string): { entityId: string; body: Buffer } | undefined;
  baseUrl(request: FastifyRequest): string;
};

function keyMatches(presented: Buffer, secretKey: string): boolean {
  const expected = Buffer.from(secretKey);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function authenticate(header: string | undefined, entities: Entity[]): Entity | undefined {
  if (header === undefined) return undefined;
  const presented = Buffer.from(header.replace(/^Bearer\s+/i, '').trim());
  // Compare against every key so the time taken does not tell which entity matched.
  let found: Entity | undefined;
  for (const entity of entities) if (keyMatches(presented, entity.secretKey)) found ??= entity;
  return found;
}

function requestedOn(ms: number): string {
  // The seed shows whole seconds: "2024-06-20T10:03:42Z".
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function redirectHref(base: string, payment: Payment): string {
  return `${base}/qpay-external/redirect-to-qpay?pun=${payment.pun}`;
}

function paymentLinks(base: string, payment: Payment): Record<string, { href: string }> {
  const self = `${base}/payments/${payment.id}`;
  const links: Record<string, { href: string }> = { self: { href: self } };
  if (payment.status === 'Pending') links.redirect = { href: redirectHref(base, payment) };
  links.actions = { href: `${self}/actions` };
  // While a refund can be asked for: the status allows it and pending refunds do not hold everything.
  if (REFUNDABLE_STATUSES.includes(payment.status) && paymentBalances(payment).available_to_refund > 0) {
    links.refund = { href: `${self}/refunds` };
  }
  return links;
}

const APPROVED_STATUSES: readonly PaymentStatus[] = ['Captured', 'Partially Refunded', 'Refunded'];

// Checkout.com lists actions newest first.
function actionList(payment: Payment): Record<string, unknown>[] {
  return payment.actions.map((action) => ({ ...action })).reverse();
}

export function paymentDetails(base: string, payment: Payment, withActions: boolean): Record<string, unknown> {
  return {
    id: payment.id,
    requested_on: requestedOn(payment.requestedAt),
    source: qpaySource(payment),
    amount: payment.amount,
    currency: payment.currency,
    payment_type: 'Regular',
    ...(payment.reference !== undefined && { reference: payment.reference }),
    status: payment.status,
    approved: APPROVED_STATUSES.includes(payment.status),
    balances: paymentBalances(payment),
    risk: { flagged: false },
    customer: { id: payment.customerId },
    ...(payment.metadata !== undefined && { metadata: payment.metadata }),
    ...(withActions && { actions: actionList(payment) }),
    _links: paymentLinks(base, payment),
  };
}

function createdBody(base: string, payment: Payment): Record<string, unknown> {
  return {
    id: payment.id,
    status: payment.status,
    ...(payment.reference !== undefined && { reference: payment.reference }),
    customer: { id: payment.customerId },
    _links: {
      self: { href: `${base}/payments/${payment.id}` },
      redirect: { href: redirectHref(base, payment) },
    },
  };
}

/** The authenticated Checkout.com API, scoped to the entity whose secret key is presented. */
export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { state } = options;
  const owners = new WeakMap<FastifyRequest, Entity>();
  const owner = (request: FastifyRequest): Entity => owners.get(request) as Entity;
  // Another entity's payment is answered like an unknown one.
  const owned = (request: FastifyRequest, payment: Payment | undefined): Payment | undefined =>
    payment && payment.entityId === owner(request).id ? payment : undefined;

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('cko-request-id', request.id).header('cko-version', CKO_VERSION);
    const entity = authenticate(request.headers.authorization, options.entities());
    if (!entity) {
      reply.code(401).send();
      return;
    }
    owners.set(request, entity);
    done();
  });

  app.post('/payments', async (request, reply) => {
    const entity = owner(request);
    const presented = idempotencyKey(request);
    // Idempotency keys belong to the account that sent them.
    const key = presented === undefined ? undefined : `${entity.id} ${presented}`;
    const cached = key === undefined ? undefined : state.cachedAnswer(key);
    if (cached) return sendJson(reply, cached.statusCode, cached.json);
    if (request.body === MALFORMED_BODY || request.body === undefined) {
      return invalid(request, reply, ['request_body_malformed']);
    }
    const result = validateCreatePayment(request.body, state.settings());
    if (!result.ok) return invalid(request, reply, result.codes);
    const payment = state.createPayment(result.value, entity.id);
    // Kept as the text sent: an idempotent replay sends the same bytes.
    const json = JSON.stringify(createdBody(options.baseUrl(request), payment));
    if (key !== undefined) state.cacheAnswer(key, 202, json);
    return sendJson(reply, 202, json);
  });

  app.get<{ Params: { id: string } }>('/payments/:id', async (request, reply) => {
    const found = state.lookup(request.params.id);
    if (!found || !owned(request, found.payment)) return reply.code(404).send();
    return paymentDetails(options.baseUrl(request), found.payment, found.session !== undefined);
  });

  app.get<{ Params: { id: string } }>('/payments/:id/actions', async (request, reply) => {
    const id = request.params.id;
    const payment = owned(request, id.startsWith('pay_') ? state.getPayment(id) : undefined);
    if (!payment) return reply.code(404).send();
    return actionList(payment);
  });

  app.register(refundRoutes, { state, baseUrl: options.baseUrl, owner, owned });

  // Where a webhook's `_links.self` points: the event as it was sent.
  app.get<{ Params: { id: string } }>('/workflows/events/:id', async (request, reply) => {
    const event = options.event(request.params.id);
    if (!event || event.entityId !== owner(request).id) return reply.code(404).send();
    return reply.type('application/json; charset=utf-8').send(event.body);
  });
}

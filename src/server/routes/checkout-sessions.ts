import type { Static } from 'typebox';
import type { CheckoutSession } from '../../core/checkout/session.ts';
import { BawabaError } from '../../core/errors.ts';
import type { Customer } from '../../core/payment/payment.ts';
import {
  type CheckoutDeps,
  type CreateSessionInput,
  createCheckoutSession,
  expireCheckoutSession,
  sessionView,
} from '../../core/services/checkout-sessions.ts';
import {
  type CheckoutSessionObject,
  type CreateCheckoutSessionBody,
  CreateCheckoutSessionSchema,
  ExpireCheckoutSessionSchema,
  GetCheckoutSessionSchema,
  ListCheckoutSessionsSchema,
} from '../contract/checkout-sessions.ts';
import type { ViewOf } from '../contract/common.ts';
import { idempotencyReservation } from '../plugins/idempotency.ts';
import { cursorPage } from '../query.ts';
import type { ApiApp } from '../types.ts';
import { contactOf } from './customer.ts';
import { principalOf } from './principal.ts';

function toInput(body: Static<typeof CreateCheckoutSessionBody>): CreateSessionInput {
  const c = body.customer;
  const customer: Customer | undefined = c ? contactOf(c) : undefined;
  let expiresAt: number | undefined;
  if (body.expires_at !== undefined) {
    expiresAt = Date.parse(body.expires_at);
    if (Number.isNaN(expiresAt)) {
      throw new BawabaError('parameter_invalid', 'expires_at must be an ISO 8601 date-time.', 'expires_at');
    }
  }
  return {
    amount: body.amount,
    currency: body.currency,
    successUrl: body.success_url,
    cancelUrl: body.cancel_url,
    ...(body.payment_methods !== undefined ? { paymentMethods: body.payment_methods } : {}),
    ...(body.reference !== undefined ? { reference: body.reference } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.locale !== undefined ? { locale: body.locale } : {}),
    ...(customer ? { customer } : {}),
    ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

/** `/v1/checkout_sessions`: create, retrieve, list, expire. */
export function registerCheckoutSessionRoutes(app: ApiApp, deps: CheckoutDeps): void {
  const view = (session: CheckoutSession) => sessionView(deps.payment, session);
  const response: ViewOf<typeof CheckoutSessionObject, typeof view> = view;

  app.post(
    '/v1/checkout_sessions',
    { schema: CreateCheckoutSessionSchema, config: { idempotency: 'required' } },
    async (request, reply) => {
      const principal = principalOf(request);
      // A retry of a request that stored its session before it could answer: that session.
      const earlier = request.idempotency?.resourceId;
      const found = earlier ? await deps.sessions.get(principal.accountId, principal.mode, earlier) : undefined;
      const reservation = idempotencyReservation(request);
      const session = found ?? (await createCheckoutSession(deps, principal, toInput(request.body), reservation));
      return reply.code(201).send(response(session));
    },
  );

  app.get('/v1/checkout_sessions/:id', { schema: GetCheckoutSessionSchema }, async (request) => {
    const principal = principalOf(request);
    const { id } = request.params;
    const session = await deps.sessions.get(principal.accountId, principal.mode, id);
    if (!session) throw new BawabaError('resource_not_found', `No such checkout session: ${id}.`, 'id');
    return response(session);
  });

  app.get('/v1/checkout_sessions', { schema: ListCheckoutSessionsSchema }, async (request) => {
    const principal = principalOf(request);
    const page = await deps.sessions.list({
      accountId: principal.accountId,
      mode: principal.mode,
      ...cursorPage(request.query),
    });
    return { object: 'list' as const, data: page.data.map(response), has_more: page.hasMore };
  });

  app.post(
    '/v1/checkout_sessions/:id/expire',
    { schema: ExpireCheckoutSessionSchema, config: { idempotency: 'required' } },
    async (request) => {
      const principal = principalOf(request);
      return response(await expireCheckoutSession(deps, principal, request.params.id));
    },
  );
}

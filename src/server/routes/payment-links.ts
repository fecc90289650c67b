import type { Static } from 'typebox';
import type { PaymentLink } from '../../core/checkout/payment-link.ts';
import { BawabaError } from '../../core/errors.ts';
import {
  type CreateLinkInput,
  createPaymentLink,
  linkView,
  type PaymentLinkDeps,
  setPaymentLinkActive,
} from '../../core/services/payment-links.ts';
import type { ViewOf } from '../contract/common.ts';
import {
  ActivatePaymentLinkSchema,
  type CreatePaymentLinkBody,
  CreatePaymentLinkSchema,
  DeactivatePaymentLinkSchema,
  GetPaymentLinkSchema,
  ListPaymentLinksSchema,
  type PaymentLinkObject,
} from '../contract/payment-links.ts';
import { idempotencyReservation } from '../plugins/idempotency.ts';
import { cursorPage } from '../query.ts';
import type { ApiApp } from '../types.ts';
import { principalOf } from './principal.ts';

function toInput(body: Static<typeof CreatePaymentLinkBody>): CreateLinkInput {
  return {
    currency: body.currency,
    description: body.description,
    ...(body.amount !== undefined ? { amount: body.amount } : {}),
    ...(body.min_amount !== undefined ? { minAmount: body.min_amount } : {}),
    ...(body.max_amount !== undefined ? { maxAmount: body.max_amount } : {}),
    ...(body.payment_methods !== undefined ? { paymentMethods: body.payment_methods } : {}),
    ...(body.max_payments !== undefined ? { maxPayments: body.max_payments } : {}),
    ...(body.active !== undefined ? { active: body.active } : {}),
    ...(body.reference !== undefined ? { reference: body.reference } : {}),
    ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
    ...(body.locale !== undefined ? { locale: body.locale } : {}),
    ...(body.success_url !== undefined ? { successUrl: body.success_url } : {}),
    ...(body.cancel_url !== undefined ? { cancelUrl: body.cancel_url } : {}),
  };
}

/** `/v1/payment_links`: create, retrieve, list, deactivate, activate. */
export function registerPaymentLinkRoutes(app: ApiApp, deps: PaymentLinkDeps): void {
  const view = (link: PaymentLink) => linkView(deps.checkout, link);
  const response: ViewOf<typeof PaymentLinkObject, typeof view> = view;

  app.post(
    '/v1/payment_links',
    { schema: CreatePaymentLinkSchema, config: { idempotency: 'required' } },
    async (request, reply) => {
      const principal = principalOf(request);
      // A retry of a request that stored its link before it could answer: that link.
      const earlier = request.idempotency?.resourceId;
      const found = earlier ? await deps.links.get(principal.accountId, principal.mode, earlier) : undefined;
      const reservation = idempotencyReservation(request);
      const link = found ?? (await createPaymentLink(deps, principal, toInput(request.body), reservation));
      return reply.code(201).send(response(link));
    },
  );

  app.get('/v1/payment_links/:id', { schema: GetPaymentLinkSchema }, async (request) => {
    const principal = principalOf(request);
    const { id } = request.params;
    const link = await deps.links.get(principal.accountId, principal.mode, id);
    if (!link) throw new BawabaError('resource_not_found', `No such payment link: ${id}.`, 'id');
    return response(link);
  });

  app.get('/v1/payment_links', { schema: ListPaymentLinksSchema }, async (request) => {
    const principal = principalOf(request);
    const page = await deps.links.list({
      accountId: principal.accountId,
      mode: principal.mode,
      ...cursorPage(request.query),
    });
    return { object: 'list' as const, data: page.data.map(response), has_more: page.hasMore };
  });

  for (const [action, active, schema] of [
    ['deactivate', false, DeactivatePaymentLinkSchema],
    ['activate', true, ActivatePaymentLinkSchema],
  ] as const) {
    app.post(`/v1/payment_links/:id/${action}`, { schema, config: { idempotency: 'required' } }, async (request) => {
      const principal = principalOf(request);
      return response(await setPaymentLinkActive(deps, principal, request.params.id, active));
    });
  }
}

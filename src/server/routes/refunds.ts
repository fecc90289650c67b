import { BawabaError } from '../../core/errors.ts';
import { refundView } from '../../core/refund/refund.ts';
import { cancelPayment } from '../../core/services/cancel-payment.ts';
import { createRefund } from '../../core/services/refunds.ts';
import type { ViewOf } from '../contract/common.ts';
import {
  CancelPaymentSchema,
  CreateRefundSchema,
  GetRefundSchema,
  ListPaymentRefundsSchema,
  type RefundObject,
} from '../contract/refunds.ts';
import { idempotencyReservation } from '../plugins/idempotency.ts';
import type { ApiApp, AppDeps } from '../types.ts';
import { paymentResponse } from './payments.ts';
import { principalOf } from './principal.ts';

const view: ViewOf<typeof RefundObject, typeof refundView> = refundView;

/** Refunds (asynchronous: `pending` until the provider decides) and cancels. */
export function registerRefundRoutes(app: ApiApp, deps: AppDeps): void {
  app.post(
    '/v1/payments/:id/refunds',
    {
      schema: CreateRefundSchema,
      config: { idempotency: 'required' },
      // Every field is optional, so no body at all means an empty one.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { id } = request.params;
      const body = request.body;
      const result = await createRefund(
        deps.payment,
        p,
        id,
        {
          ...(body.amount !== undefined ? { amount: body.amount } : {}),
          ...(body.reason !== undefined ? { reason: body.reason } : {}),
          ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
        },
        idempotencyReservation(request),
        request.idempotency?.resourceId ?? null,
      );
      if (result.rejection) throw result.rejection;
      return reply.code(201).send(view(result.refund));
    },
  );

  app.get('/v1/refunds/:id', { schema: GetRefundSchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params;
    const refund = await deps.payment.refunds.get(p.accountId, p.mode, id);
    if (!refund) throw new BawabaError('resource_not_found', `No such refund: ${id}.`, 'id');
    return view(refund);
  });

  app.get('/v1/payments/:id/refunds', { schema: ListPaymentRefundsSchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params;
    const payment = await deps.payments.get(p.accountId, p.mode, id);
    if (!payment) throw new BawabaError('resource_not_found', `No such payment: ${id}.`, 'id');
    const refunds = await deps.payment.refunds.listForPayment(id);
    return { object: 'list' as const, data: refunds.map(view), has_more: false };
  });

  app.post(
    '/v1/payments/:id/cancel',
    { schema: CancelPaymentSchema, config: { idempotency: 'required' } },
    async (request) => {
      const p = principalOf(request);
      const { id } = request.params;
      return paymentResponse(await cancelPayment(deps.payment, p, id));
    },
  );
}

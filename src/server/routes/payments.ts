import type { Static } from 'typebox';
import { BawabaError } from '../../core/errors.ts';
import type { Customer, Payment } from '../../core/payment/payment.ts';
import { paymentView } from '../../core/payment/view.ts';
import { type CreatePaymentInput, createPayment } from '../../core/services/create-payment.ts';
import type { ViewOf } from '../contract/common.ts';
import {
  type CreatePaymentBody,
  CreatePaymentSchema,
  GetPaymentSchema,
  ListPaymentsSchema,
  type PaymentObject,
} from '../contract/payments.ts';
import { idempotencyReservation, sendStoredAnswer } from '../plugins/idempotency.ts';
import { cursorPage } from '../query.ts';
import type { ApiApp, AppDeps } from '../types.ts';
import { contactOf } from './customer.ts';
import { principalOf } from './principal.ts';

/** {@link paymentView}, checked to give exactly the fields of the payment schema. */
export const paymentResponse: ViewOf<typeof PaymentObject, typeof paymentView> = paymentView;

/** 202: the provider's answer is not known yet; the payment may still come to exist there. */
function uncertain(payment: Payment): boolean {
  return payment.status === 'processing' && !payment.providerPaymentId;
}

function toInput(body: Static<typeof CreatePaymentBody>): CreatePaymentInput {
  const c = body.customer;
  const customer: Customer | undefined = c
    ? { ...contactOf(c), ...(c.national_id !== undefined ? { nationalId: c.national_id } : {}) }
    : undefined;
  return {
    amount: body.amount,
    currency: body.currency,
    paymentMethod: body.payment_method,
    returnUrl: body.return_url,
    ...(body.connector !== undefined ? { connector: body.connector } : {}),
    ...(body.reference !== undefined ? { reference: body.reference } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.locale !== undefined ? { locale: body.locale } : {}),
    ...(customer ? { customer } : {}),
    ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
  };
}

/** A `created[...]` bound: an ISO 8601 date-time or Unix seconds. */
function parseTime(value: string | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new BawabaError('parameter_invalid', `${param} must be an ISO 8601 date-time or Unix seconds.`, param);
  }
  return ms;
}

/** `/v1/payments`: create, retrieve, list. */
export function registerPaymentRoutes(app: ApiApp, deps: AppDeps): void {
  app.post(
    '/v1/payments',
    { schema: CreatePaymentSchema, config: { idempotency: 'required', idempotencyClaim: 'with_object' } },
    async (request, reply) => {
      const principal = principalOf(request);
      const reservation = idempotencyReservation(request);
      const serialize201 = reply.getSerializationFunction('201') ?? JSON.stringify;
      const result = await createPayment(deps.payment, principal, toInput(request.body), {
        resumePaymentId: request.idempotency?.resourceId ?? null,
        ...(reservation && { reservation }),
        // The text the route's schema would serialize it to: the same on a replay.
        answer: (payment) =>
          uncertain(payment) ? undefined : { status: 201, body: serialize201(paymentResponse(payment)) },
      });
      deps.metrics.paymentsCreated.inc({ connector: result.payment.connector, status: result.payment.status });
      if (result.rejection) throw result.rejection;
      if (result.answered) return sendStoredAnswer(request, reply, result.answered.status, result.answered.body);
      request.idempotencyRetryable = uncertain(result.payment);
      return reply.code(uncertain(result.payment) ? 202 : 201).send(paymentResponse(result.payment));
    },
  );

  app.get('/v1/payments/:id', { schema: GetPaymentSchema }, async (request) => {
    const principal = principalOf(request);
    const { id } = request.params;
    const payment = await deps.payments.get(principal.accountId, principal.mode, id);
    if (!payment) throw new BawabaError('resource_not_found', `No such payment: ${id}.`, 'id');
    return paymentResponse(payment);
  });

  app.get('/v1/payments', { schema: ListPaymentsSchema }, async (request) => {
    const principal = principalOf(request);
    const q = request.query;
    const createdGte = parseTime(q['created[gte]'], 'created[gte]');
    const createdLt = parseTime(q['created[lt]'], 'created[lt]');
    const page = await deps.payments.list({
      accountId: principal.accountId,
      mode: principal.mode,
      ...cursorPage(q),
      ...(q.status ? { status: q.status } : {}),
      ...(createdGte !== undefined ? { createdGte } : {}),
      ...(createdLt !== undefined ? { createdLt } : {}),
      ...(q.reference !== undefined ? { reference: q.reference } : {}),
    });
    return { object: 'list' as const, data: page.data.map(paymentResponse), has_more: page.hasMore };
  });
}

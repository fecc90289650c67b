import type { FastifyReply, FastifyRequest } from 'fastify';
import { BawabaError, isBawabaError } from '../../core/errors.ts';
import { handleCustomerReturn } from '../../core/services/handle-return.ts';
import { PAGE_ROUTE_OPTIONS, renderPage } from '../html-page.ts';
import { sendError } from '../plugins/errors.ts';
import { rateLimiter } from '../plugins/rate-limits.ts';
import { type QueryValues, singleQueryValues } from '../query.ts';
import type { ApiApp, AppDeps } from '../types.ts';

/** The return route has no schema (it answers pages, and trusts no parameter): its types. */
interface ReturnRoute {
  Params: { connector: string; paymentId: string };
  Querystring: QueryValues;
}

const NOT_FOUND_PAGE = renderPage(
  'Payment not found',
  '<h1>Payment not found</h1><p>This payment link is not valid.</p>',
);

/** A customer's browser gets a page; any other client the error in the one shape. */
function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (/\btext\/html\b/i.test(request.headers.accept ?? '')) {
    return reply.code(404).type('text/html; charset=utf-8').send(NOT_FOUND_PAGE);
  }
  return sendError(reply, request, new BawabaError('resource_not_found', 'This payment link is not valid.'));
}

/**
 * `GET /return/{connector}/{payment_id}`: where providers send the customer back. Bawaba asks
 * the provider what happened, then sends the customer on to the merchant's `return_url`.
 */
export function registerReturnRoute(app: ApiApp, deps: AppDeps): void {
  // Each return asks the provider: limited per source address, then per payment.
  const limit = rateLimiter<ReturnRoute['Params']>(app, [
    { name: 'return-address', max: deps.rateLimits.returnsPerAddress, key: (request) => request.ip },
    {
      name: 'return-payment',
      max: deps.rateLimits.returnsPerPayment,
      key: (request) => request.params.paymentId,
    },
  ]);
  app.get<ReturnRoute>(
    '/return/:connector/:paymentId',
    { ...PAGE_ROUTE_OPTIONS, config: { public: true }, onRequest: limit },
    async (request, reply) => {
      const { connector, paymentId } = request.params;
      // A repeated parameter proves nothing: left out, the provider is asked about the payment itself.
      const query = singleQueryValues(request.query);
      try {
        const payment = await deps.payments.getById(paymentId);
        if (!payment || payment.connector !== connector) {
          return notFound(request, reply);
        }
        const result = await handleCustomerReturn(deps.payment, paymentId, query);
        return reply.redirect(result.redirectUrl, 303);
      } catch (err) {
        if (isBawabaError(err) && err.status === 404) {
          return notFound(request, reply);
        }
        throw err;
      }
    },
  );
}

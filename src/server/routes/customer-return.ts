import type { FastifyInstance } from 'fastify';
import { isBawabaError } from '../../core/errors.ts';
import { handleCustomerReturn } from '../../core/services/handle-return.ts';
import type { AppDeps } from '../types.ts';

const PAGE = (title: string, text: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
  `<meta name="viewport" content="width=device-width,initial-scale=1"></head>` +
  `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem">` +
  `<h1>${title}</h1><p>${text}</p></body></html>`;

/**
 * `GET /return/{connector}/{payment_id}`: where providers send the customer back. Bawaba asks
 * the provider what happened, then sends the customer on to the merchant's `return_url`.
 */
export function registerReturnRoute(app: FastifyInstance, deps: AppDeps): void {
  app.get('/return/:connector/:paymentId', { config: { public: true } }, async (request, reply) => {
    const { connector, paymentId } = request.params as { connector: string; paymentId: string };
    const query = request.query as Record<string, string | undefined>;
    try {
      const payment = await deps.payments.getById(paymentId);
      if (!payment || payment.connector !== connector) {
        return reply.code(404).type('text/html').send(PAGE('Payment not found', 'This payment link is not valid.'));
      }
      const result = await handleCustomerReturn(deps.payment, paymentId, query);
      return reply.redirect(result.redirectUrl, 303);
    } catch (err) {
      if (isBawabaError(err) && err.status === 404) {
        return reply.code(404).type('text/html').send(PAGE('Payment not found', 'This payment link is not valid.'));
      }
      throw err;
    }
  });
}

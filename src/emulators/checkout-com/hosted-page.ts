import type { FastifyInstance, FastifyReply } from 'fastify';
import { qpayFormErrors, readQpayForm } from '../kit/card-form.ts';
import { formBody, see, sendPage } from '../kit/page.ts';
import type { EntityRegistry } from './entities.ts';
import { type Lang, pickLang, renderNotFound, renderNotPayable, renderPaymentForm, renderResult } from './pages.ts';
import { APPROVING_PIN, type CheckoutComState, type Outcome, type Payment } from './state.ts';
import { otpValid } from './validate.ts';

function finish(
  state: CheckoutComState,
  reply: FastifyReply,
  payment: Payment,
  outcome: Outcome,
  lang: Lang,
): FastifyReply {
  const result = state.complete(payment.id, outcome);
  if (!result.ok) return sendPage(reply, 409, renderNotPayable(payment, lang));
  if (result.redirectUrl !== null) return see(reply, result.redirectUrl);
  return sendPage(reply, 200, renderResult(result.payment, result.session.id, lang));
}

/** The QPay page the customer is redirected to, and the form it posts back. */
export async function hostedPageRoutes(
  app: FastifyInstance,
  options: { state: CheckoutComState; entities: EntityRegistry },
): Promise<void> {
  const { state, entities } = options;
  const nameOf = (payment: Payment): string | undefined => entities.get(payment.entityId)?.name;

  app.get<{ Querystring: { pun?: string; lang?: string } }>(
    '/qpay-external/redirect-to-qpay',
    async (request, reply) => {
      const { pun, lang } = request.query;
      const payment = pun === undefined ? undefined : state.getByPun(pun);
      if (!payment) return sendPage(reply, 404, renderNotFound(pickLang(lang)));
      const pageLang = pickLang(lang, payment);
      if (payment.status !== 'Pending') return sendPage(reply, 409, renderNotPayable(payment, pageLang));
      return sendPage(reply, 200, renderPaymentForm(payment, nameOf(payment), pageLang));
    },
  );

  app.post('/qpay-external/pay', async (request, reply) => {
    const body = formBody(request.body);
    const payment = body.pun === undefined ? undefined : state.getByPun(body.pun);
    if (!payment) return sendPage(reply, 404, renderNotFound(pickLang(body.lang)));
    const lang = pickLang(body.lang, payment);
    if (payment.status !== 'Pending') return sendPage(reply, 409, renderNotPayable(payment, lang));
    if (body.action === 'cancel') return finish(state, reply, payment, 'cancel', lang);
    const form = readQpayForm(body);
    const errors = qpayFormErrors(form, state.clock.now(), otpValid);
    if (errors.length > 0) {
      const values = { card_number: form.cardNumber, expiry: form.expiry };
      return sendPage(reply, 400, renderPaymentForm(payment, nameOf(payment), lang, { values, errors }));
    }
    return finish(state, reply, payment, form.pin === APPROVING_PIN ? 'approve' : 'decline', lang);
  });
}

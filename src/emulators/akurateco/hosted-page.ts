import type { FastifyInstance, FastifyReply } from 'fastify';
import { cardNumberValid, expiryValid, normalizeCardNumber } from '../kit/card-form.ts';
import { formBody, see, sendPage } from '../kit/page.ts';
import type { MerchantRegistry } from './merchants.ts';
import { cardOutcome, complete, type Outcome, TEST_CARD } from './outcomes.ts';
import { pageLang } from './page-text.ts';
import {
  type CardField,
  type PaymentPage,
  renderClosed,
  renderExpired,
  renderNotFound,
  renderPaymentForm,
  renderThreeDs,
} from './pages.ts';
import { type AkuratecoState, EXPIRED_REASON, type Payment } from './state.ts';

type TokenParams = { Params: { token: string } };

export type CardForm = { cardNumber: string; expiry: string; cvv: string; cardHolder: string };

/** The test card takes any year (the engine documents 2025, already past); other cards need a future expiry. */
export function validateCardForm(form: CardForm, now: number): CardField[] {
  const errors: CardField[] = [];
  if (!cardNumberValid(form.cardNumber)) errors.push('card_number');
  const testCard = normalizeCardNumber(form.cardNumber) === TEST_CARD;
  const shape = /^\s*(0[1-9]|1[0-2])\s*\/\s*\d{2}\s*$/.test(form.expiry);
  if (!(testCard ? shape : expiryValid(form.expiry, now))) errors.push('expiry');
  if (!/^\d{3,4}$/.test(form.cvv)) errors.push('cvv');
  if (form.cardHolder.trim() === '') errors.push('card_holder');
  return errors;
}

const isExpired = (p: Payment): boolean => p.status === 'decline' && p.reason === EXPIRED_REASON;

/** Pages for a payment that no longer takes input: expired (→ expiry_url) or used up. */
function notOpen(reply: FastifyReply, payment: Payment): FastifyReply {
  if (isExpired(payment)) {
    if (payment.urls.expiry !== undefined) return see(reply, payment.urls.expiry);
    return sendPage(reply, 410, renderExpired(payment, pageLang(payment.language)));
  }
  return sendPage(reply, 410, renderClosed(payment, pageLang(payment.language)));
}

/** `GET /checkout/{token}`: card form, 3-D Secure step, or why the link cannot be used. */
export async function hostedPageRoutes(
  app: FastifyInstance,
  options: { state: AkuratecoState; merchants: MerchantRegistry },
): Promise<void> {
  const { state, merchants } = options;
  /** The page in the session's `checkout_language`, headed by its merchant's name. */
  const pageOf = (payment: Payment): PaymentPage => ({
    payment,
    lang: pageLang(payment.language),
    merchantName: merchants.get(payment.merchantKey)?.name,
  });

  function finish(reply: FastifyReply, payment: Payment, outcome: Outcome, card?: Payment['card']) {
    const result = complete(state, payment, outcome, card === undefined ? {} : { card });
    if (!result.ok) return notOpen(reply, payment);
    // 303 so the browser follows with a GET.
    return see(reply, result.redirectUrl);
  }

  app.get<TokenParams>('/checkout/:token', async (request, reply) => {
    const payment = state.getByToken(request.params.token);
    if (!payment) return sendPage(reply, 404, renderNotFound());
    if (payment.status === 'prepare') return sendPage(reply, 200, renderPaymentForm(pageOf(payment)));
    if (payment.status === '3ds') return sendPage(reply, 200, renderThreeDs(pageOf(payment)));
    return notOpen(reply, payment);
  });

  app.post<TokenParams>('/checkout/:token', async (request, reply) => {
    const payment = state.getByToken(request.params.token);
    if (!payment) return sendPage(reply, 404, renderNotFound());
    if (payment.status === '3ds') return see(reply, `/checkout/${payment.token}`);
    if (payment.status !== 'prepare') return notOpen(reply, payment);
    const body = formBody(request.body);
    if (body.action === 'cancel') return finish(reply, payment, 'cancel');
    const form: CardForm = {
      cardNumber: body.card_number ?? '',
      expiry: body.expiry ?? '',
      cvv: body.cvv ?? '',
      cardHolder: body.card_holder ?? '',
    };
    const errors = validateCardForm(form, state.clock.now());
    if (errors.length > 0) {
      const values = { card_number: form.cardNumber, expiry: form.expiry, card_holder: form.cardHolder };
      return sendPage(reply, 400, renderPaymentForm(pageOf(payment), { values, errors }));
    }
    const card = { holder: form.cardHolder.trim(), lastFour: normalizeCardNumber(form.cardNumber).slice(-4) };
    return finish(reply, payment, cardOutcome(form.cardNumber, form.expiry), card);
  });

  app.post<TokenParams>('/checkout/:token/3ds', async (request, reply) => {
    const payment = state.getByToken(request.params.token);
    if (!payment) return sendPage(reply, 404, renderNotFound());
    if (payment.status === 'prepare') return see(reply, `/checkout/${payment.token}`);
    if (payment.status !== '3ds') return notOpen(reply, payment);
    if (formBody(request.body).action === 'cancel') return finish(reply, payment, 'cancel');
    return finish(reply, payment, payment.threeDsResult === 'fail' ? '3ds_fail' : '3ds_success');
  });
}

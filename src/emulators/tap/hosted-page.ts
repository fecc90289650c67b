import type { FastifyInstance, FastifyReply } from 'fastify';
import { cardNumberValid, expiryValid, normalizeCardNumber } from '../kit/card-form.ts';
import { PAGE_PATH } from './api.ts';
import type { Outcome } from './outcomes.ts';
import type { CardFormField, Lang } from './page-text.ts';
import { pickLang, renderNotFound, renderNotPayable, renderPaymentForm, renderResult } from './pages.ts';
import { APPROVING_PIN, type CardDetails, type Charge, cardBrand, type TapState } from './state.ts';

type FormBody = Record<string, string | undefined>;

export type CardForm = { cardNumber: string; expiry: string; pin: string; otp: string };

/** Returns the fields that are wrong; any OTP passes in test mode (seed), but one must be typed. */
export function validateCardForm(form: CardForm, now: number): CardFormField[] {
  const errors: CardFormField[] = [];
  if (!cardNumberValid(form.cardNumber)) errors.push('card_number');
  if (!expiryValid(form.expiry, now)) errors.push('expiry');
  if (!/^\d{3,6}$/.test(form.pin)) errors.push('pin');
  if (form.otp.trim() === '') errors.push('otp');
  return errors;
}

function sendPage(reply: FastifyReply, statusCode: number, page: string): FastifyReply {
  return reply.code(statusCode).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}

function formBody(body: unknown): FormBody {
  return typeof body === 'object' && body !== null ? (body as FormBody) : {};
}

function cardOf(cardNumber: string): CardDetails {
  const card = normalizeCardNumber(cardNumber);
  return { firstSix: card.slice(0, 6), lastFour: card.slice(-4), brand: cardBrand(card) };
}

function finish(
  state: TapState,
  reply: FastifyReply,
  charge: Charge,
  outcome: Outcome,
  lang: Lang,
  card?: CardDetails,
) {
  const result = state.complete(charge.id, outcome, card);
  if (!result.ok) return sendPage(reply, 409, renderNotPayable(charge, lang));
  // 303 so the browser follows with a GET, whatever method brought it here.
  if (result.redirectUrl !== null) return reply.code(303).header('location', result.redirectUrl).send();
  return sendPage(reply, 200, renderResult(result.charge, lang));
}

/** The QPay page `transaction.url` opens, and the form it posts back. */
export async function hostedPageRoutes(app: FastifyInstance, options: { state: TapState }): Promise<void> {
  const { state } = options;

  app.get<{ Querystring: { chg?: string; lang?: string } }>(PAGE_PATH, async (request, reply) => {
    const { chg, lang } = request.query;
    const charge = chg === undefined ? undefined : state.getByToken(chg);
    // The page opens in the charge's `lang_code` unless the customer switched language.
    const pageLang = pickLang(lang ?? charge?.langCode);
    if (!charge) return sendPage(reply, 404, renderNotFound(pageLang));
    if (charge.status !== 'INITIATED') return sendPage(reply, 409, renderNotPayable(charge, pageLang));
    return sendPage(reply, 200, renderPaymentForm(charge, pageLang));
  });

  app.post(PAGE_PATH, async (request, reply) => {
    const body = formBody(request.body);
    const charge = body.chg === undefined ? undefined : state.getByToken(body.chg);
    const lang = pickLang(body.lang ?? charge?.langCode);
    if (!charge) return sendPage(reply, 404, renderNotFound(lang));
    if (charge.status !== 'INITIATED') return sendPage(reply, 409, renderNotPayable(charge, lang));
    if (body.action === 'cancel') return finish(state, reply, charge, 'cancel', lang);
    const form = {
      cardNumber: body.card_number ?? '',
      expiry: body.expiry ?? '',
      pin: body.pin ?? '',
      otp: body.otp ?? '',
    };
    const errors = validateCardForm(form, state.clock.now());
    if (errors.length > 0) {
      const values = { card_number: form.cardNumber, expiry: form.expiry };
      return sendPage(reply, 400, renderPaymentForm(charge, lang, { values, errors }));
    }
    const outcome = form.pin === APPROVING_PIN ? 'approve' : 'decline';
    return finish(state, reply, charge, outcome, lang, cardOf(form.cardNumber));
  });
}

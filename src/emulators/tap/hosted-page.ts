import type { FastifyInstance, FastifyReply } from 'fastify';
import { normalizeCardNumber, qpayFormErrors, readQpayForm } from '../kit/card-form.ts';
import { formBody, see, sendPage } from '../kit/page.ts';
import { PAGE_PATH } from './api.ts';
import type { MerchantRegistry } from './merchants.ts';
import type { Outcome } from './outcomes.ts';
import type { Lang } from './page-text.ts';
import { pickLang, renderNotFound, renderNotPayable, renderPaymentForm, renderResult } from './pages.ts';
import { APPROVING_PIN, type CardDetails, type Charge, cardBrand, type TapState } from './state.ts';

/** Any OTP passes in test mode (seed), but one must be typed. */
const otpTyped = (otp: string): boolean => otp.trim() !== '';

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
  if (result.redirectUrl !== null) return see(reply, result.redirectUrl);
  return sendPage(reply, 200, renderResult(result.charge, lang));
}

/** The QPay page `transaction.url` opens, and the form it posts back. */
export async function hostedPageRoutes(
  app: FastifyInstance,
  options: { state: TapState; merchants: MerchantRegistry },
): Promise<void> {
  const { state, merchants } = options;
  const nameOf = (charge: Charge): string | undefined => merchants.get(charge.merchantId)?.name;

  app.get<{ Querystring: { chg?: string; lang?: string } }>(PAGE_PATH, async (request, reply) => {
    const { chg, lang } = request.query;
    const charge = chg === undefined ? undefined : state.getByToken(chg);
    // The page opens in the charge's `lang_code` unless the customer switched language.
    const pageLang = pickLang(lang ?? charge?.langCode);
    if (!charge) return sendPage(reply, 404, renderNotFound(pageLang));
    if (charge.status !== 'INITIATED') return sendPage(reply, 409, renderNotPayable(charge, pageLang));
    return sendPage(reply, 200, renderPaymentForm(charge, nameOf(charge), pageLang));
  });

  app.post(PAGE_PATH, async (request, reply) => {
    const body = formBody(request.body);
    const charge = body.chg === undefined ? undefined : state.getByToken(body.chg);
    const lang = pickLang(body.lang ?? charge?.langCode);
    if (!charge) return sendPage(reply, 404, renderNotFound(lang));
    if (charge.status !== 'INITIATED') return sendPage(reply, 409, renderNotPayable(charge, lang));
    if (body.action === 'cancel') return finish(state, reply, charge, 'cancel', lang);
    const form = readQpayForm(body);
    const errors = qpayFormErrors(form, state.clock.now(), otpTyped);
    if (errors.length > 0) {
      const values = { card_number: form.cardNumber, expiry: form.expiry };
      return sendPage(reply, 400, renderPaymentForm(charge, nameOf(charge), lang, { values, errors }));
    }
    const outcome = form.pin === APPROVING_PIN ? 'approve' : 'decline';
    return finish(state, reply, charge, outcome, lang, cardOf(form.cardNumber));
  });
}

import type { CheckoutSession } from '../../core/checkout/session.ts';
import type { PaymentMethod } from '../../core/payment/payment.ts';
import { html, raw, type SafeHtml } from '../kit/html.ts';
import { fill, type Lang, strings } from '../kit/i18n.ts';
import { shopperMoney, shopperTime } from './format.ts';
import { CHECKOUT } from './i18n.ts';
import { CHECKOUT_STYLESHEET_PATH } from './style.ts';

type Strings = ReturnType<typeof strings<keyof typeof CHECKOUT.en>>;

/** What every checkout page shows around its content. */
export interface Frame {
  readonly lang: Lang;
  readonly merchant: string;
  /** The merchant's logo (served by the gateway); without it, the name's first letter. */
  readonly logo?: string;
  /** The page's own path, for the language switch; none on pages without one. */
  readonly path?: string;
  readonly testMode: boolean;
  /** Seconds and address of an automatic move to another page (works without script). */
  readonly refresh?: { readonly seconds: number; readonly url: string };
}

/** The strings of `lang`. */
export function t(lang: Lang): Strings {
  return strings(CHECKOUT, lang);
}

const ICONS: Readonly<Record<PaymentMethod, string>> = {
  qpay: '<span class="q" aria-hidden="true">Q</span>',
  card: '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" aria-hidden="true"><rect x="2.5" y="5" width="19" height="14" rx="2"/><path d="M2.5 9.5h19"/><circle cx="16" cy="15" r="1.6"/><circle cx="18.4" cy="15" r="1.6"/></svg>',
  qattah:
    '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8" aria-hidden="true"><circle cx="8" cy="8" r="3"/><circle cx="16.5" cy="9" r="2.5"/><path d="M2.5 19c.6-3.3 2.8-5 5.5-5s4.9 1.7 5.5 5M13.5 14.6c1-.7 2-1 3-1 2.3 0 4.2 1.5 4.7 4.4"/></svg>',
};

const CHECK =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" aria-hidden="true"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg>';
const CROSS =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';
const CLOCK =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><circle cx="12" cy="12" r="8.5"/><path d="M12 7.5V12l3 2"/></svg>';

/** A whole page. */
export function document(frame: Frame, title: string, body: SafeHtml): string {
  const s = t(frame.lang);
  const other: Lang = frame.lang === 'ar' ? 'en' : 'ar';
  const initial = [...frame.merchant.trim()][0]?.toUpperCase() ?? '·';
  const refresh = frame.refresh
    ? html`<meta http-equiv="refresh" content="${`${frame.refresh.seconds};url=${frame.refresh.url}`}">`
    : '';
  return html`<!doctype html>
<html lang="${frame.lang}" dir="${frame.lang === 'ar' ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · ${frame.merchant}</title>
<link rel="stylesheet" href="${CHECKOUT_STYLESHEET_PATH}">
${refresh}
</head>
<body>
<div class="wrap">
<header class="merchant">
${frame.logo ? html`<img class="logo image" src="${frame.logo}" alt="">` : html`<span class="logo" aria-hidden="true">${initial}</span>`}
<span class="name"><bdi>${frame.merchant}</bdi></span>
${
  frame.path === undefined
    ? ''
    : html`<a class="lang" href="${`${frame.path}?lang=${other}`}" hreflang="${other}" lang="${other}" title="${s.languageName}">${s.language}</a>`
}
</header>
${frame.testMode ? html`<p class="testmode" role="note">${s.testMode}</p>` : ''}
<main>
${body}
</main>
<footer class="foot"><span>${s.secured}</span></footer>
</div>
</body>
</html>`.value;
}

function summary(session: CheckoutSession, merchant: string, lang: Lang, over = false): SafeHtml {
  const s = t(lang);
  return html`<section class="card summary" aria-labelledby="amount-label">
<p class="label" id="amount-label">${fill(over ? s.paymentTo : s.payTo, { merchant })}</p>
<p class="amount" id="amount"><bdi>${shopperMoney(session.amount, session.currency, lang)}</bdi></p>
${session.description ? html`<p class="description">${session.description}</p>` : ''}
${session.reference ? html`<p class="reference">${fill(s.reference, { reference: session.reference })}</p>` : ''}
</section>`;
}

/** What the choice page says above the methods. */
export type ChoiceNotice = 'none' | 'try_again' | 'unavailable';

/** The page where the customer picks how to pay. */
export function choicePage(frame: Frame, session: CheckoutSession, action: string, notice: ChoiceNotice): string {
  const s = t(frame.lang);
  const buttons = session.paymentMethods.map(
    (m) => html`<button class="method" type="submit" name="method" value="${m}" id="method-${m}">
<span class="icon">${raw(ICONS[m])}</span>
<span class="text"><span class="title">${s[`method_${m}`]}</span><span class="hint">${s[`methodHint_${m}`]}</span></span>
<span class="chev" aria-hidden="true">›</span>
</button>`,
  );
  const message = notice === 'try_again' ? s.tryAgain : notice === 'unavailable' ? s.unavailable : undefined;
  return document(
    frame,
    fill(s.title, { merchant: frame.merchant }),
    html`${summary(session, frame.merchant, frame.lang)}
<section class="card" aria-labelledby="choose">
<h1 id="choose">${s.chooseMethod}</h1>
${message ? html`<p class="notice bad" role="alert">${message}</p>` : ''}
<form class="methods" method="post" action="${action}">
<input type="hidden" name="_csrf" value="${session.csrfToken}">
${buttons}
</form>
</section>
<p class="foot-note"><small>${fill(s.expiresAt, { time: shopperTime(session.expiresAt, frame.lang) })}</small></p>
<a class="leave" id="cancel" href="${session.cancelUrl}">${fill(s.cancel, { merchant: frame.merchant })}</a>`,
  );
}

/** A payment of the session is in flight: continue it, no second one. */
export function inFlightPage(frame: Frame, session: CheckoutSession, continueUrl: string | undefined): string {
  const s = t(frame.lang);
  return document(
    frame,
    s.inFlightTitle,
    html`${summary(session, frame.merchant, frame.lang)}
<section class="card result wait" aria-labelledby="title">
<div class="mark">${raw(CLOCK)}</div>
<h1 id="title">${s.inFlightTitle}</h1>
<p>${continueUrl ? s.inFlight : s.checking}</p>
<div class="actions">
${continueUrl ? html`<a class="button" id="continue" href="${continueUrl}">${s.continuePayment}</a>` : html`<a class="button quiet" href="${frame.path ?? ''}">${s.refresh}</a>`}
</div>
</section>`,
  );
}

/** On the way to the provider's page: a refresh, with a button for when it does not happen. */
export function redirectPage(frame: Frame, method: PaymentMethod, url: string): string {
  const s = t(frame.lang);
  return document(
    { ...frame, refresh: { seconds: 0, url } },
    s.redirectTitle,
    html`<section class="card result wait" aria-labelledby="title">
<div class="mark">${raw(CLOCK)}</div>
<h1 id="title">${s.redirectTitle}</h1>
<p>${fill(s.redirecting, { method: s[`method_${method}`] })}</p>
<div class="actions"><a class="button" id="continue" href="${url}">${s.continuePayment}</a></div>
</section>`,
  );
}

/** The session is paid: on to the merchant's success page. */
export function successPage(frame: Frame, session: CheckoutSession, successUrl: string, split = false): string {
  const s = t(frame.lang);
  const amount = shopperMoney(session.amount, session.currency, frame.lang);
  return document(
    { ...frame, refresh: { seconds: 5, url: successUrl } },
    s.successTitle,
    html`<section class="card result ok" aria-labelledby="title">
<div class="mark">${raw(CHECK)}</div>
<h1 id="title">${s.successTitle}</h1>
<p id="result-text">${fill(split ? s.successSplit : s.success, { merchant: frame.merchant, amount: `\u2068${amount}\u2069` })}</p>
<p class="reference">${fill(s.autoContinue, { merchant: frame.merchant })}</p>
<div class="actions"><a class="button" id="continue" href="${successUrl}">${fill(s.continueToMerchant, { merchant: frame.merchant })}</a></div>
</section>`,
  );
}

/** The payment failed or was canceled; another method may be tried while the session lasts. */
export function failedPage(frame: Frame, session: CheckoutSession, retryUrl: string | undefined): string {
  const s = t(frame.lang);
  return document(
    frame,
    s.failedTitle,
    html`<section class="card result bad" aria-labelledby="title">
<div class="mark">${raw(CROSS)}</div>
<h1 id="title">${s.failedTitle}</h1>
<p>${s.failed}</p>
<div class="actions">
${retryUrl ? html`<a class="button" id="retry" href="${retryUrl}">${s.chooseAnother}</a>` : ''}
<a class="button quiet" id="cancel" href="${session.cancelUrl}">${fill(s.backToMerchant, { merchant: frame.merchant })}</a>
</div>
</section>
${summary(session, frame.merchant, frame.lang)}`,
  );
}

/** A session that ended: expired, or already paid (reached again after completion). */
export function closedPage(frame: Frame, session: CheckoutSession, kind: 'expired' | 'complete', url: string): string {
  const s = t(frame.lang);
  const [title, text] = kind === 'expired' ? [s.expiredTitle, s.expired] : [s.completeTitle, s.complete];
  return document(
    frame,
    title,
    html`${summary(session, frame.merchant, frame.lang, true)}
<section class="card result ${kind === 'expired' ? 'bad' : 'ok'}" aria-labelledby="title">
<div class="mark">${raw(kind === 'expired' ? CLOCK : CHECK)}</div>
<h1 id="title">${title}</h1>
<p>${fill(text, { merchant: frame.merchant })}</p>
<div class="actions"><a class="button" id="continue" href="${url}">${kind === 'expired' ? fill(s.backToMerchant, { merchant: frame.merchant }) : fill(s.continueToMerchant, { merchant: frame.merchant })}</a></div>
</section>`,
  );
}

/** A page with only a title and a message (not found, errors). */
export function messagePage(lang: Lang, title: string, text: string): string {
  return document(
    { lang, merchant: 'Bawaba', testMode: false },
    title,
    html`<section class="card result bad" aria-labelledby="title">
<div class="mark">${raw(CROSS)}</div>
<h1 id="title">${title}</h1>
<p>${text}</p>
</section>`,
  );
}

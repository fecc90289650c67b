import type { PaymentLink } from '../../core/checkout/payment-link.ts';
import { exponentOf, parseMajor } from '../../core/money.ts';
import { html, raw } from '../kit/html.ts';
import { fill, type Lang } from '../kit/i18n.ts';
import { localDigits, shopperMoney } from './format.ts';
import { document, type Frame, t } from './render.ts';

const CHECK =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" aria-hidden="true"><path d="M5 12.5l4.5 4.5L19 7.5"/></svg>';
const CROSS =
  '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.4" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18"/></svg>';

/** Why an amount typed on the page is not one. */
export type EnteredAmountError = 'missing' | 'not_number' | 'decimals';

const EASTERN_DIGITS = /[\u0660-\u0669\u06f0-\u06f9]/g;

/**
 * The amount a customer typed, in minor units: Latin, Arabic-Indic or Persian digits, `.` or
 * the Arabic decimal separator `٫`, thousands grouped by `,` or `٬` (or not at all).
 */
export function parseEnteredAmount(
  text: string | undefined,
  currency: string,
): { readonly amount: number } | { readonly error: EnteredAmountError } {
  const plain = (text ?? '')
    .replace(EASTERN_DIGITS, (d) => String((d.codePointAt(0) ?? 0) & 0xf))
    .replace(/\u066b/g, '.')
    .replace(/[\s\u00a0\u066c]/g, '');
  if (plain === '') return { error: 'missing' };
  const grouped = /^\d{1,3}(,\d{3})+(\.\d+)?$/.test(plain) ? plain.replace(/,/g, '') : plain;
  if (!/^\d+(\.\d+)?$/.test(grouped) || grouped.replace('.', '').length > 15) return { error: 'not_number' };
  try {
    return { amount: parseMajor(grouped, currency).amount };
  } catch {
    return { error: 'decimals' };
  }
}

/** What the amount page shows under the field. */
export type AmountNotice =
  | { readonly kind: 'entered'; readonly error: EnteredAmountError }
  | { readonly kind: 'bounds'; readonly problem: 'below_min' | 'above_max' }
  | { readonly kind: 'unavailable' };

function noticeText(frame: Frame, link: PaymentLink, notice: AmountNotice): string {
  const s = t(frame.lang);
  const money = (amount: number | null) => `\u2068${shopperMoney(amount ?? 0, link.currency, frame.lang)}\u2069`;
  if (notice.kind === 'unavailable') return fill(s.amountUnavailable, { merchant: frame.merchant });
  if (notice.kind === 'bounds') {
    return notice.problem === 'below_min'
      ? fill(s.amountBelow, { min: money(link.minAmount) })
      : fill(s.amountAbove, { max: money(link.maxAmount) });
  }
  const exp = exponentOf(link.currency);
  switch (notice.error) {
    case 'missing':
      return s.amountMissing;
    case 'decimals':
      return exp === 0 ? s.amountWhole : fill(s.amountDecimals, { decimals: localDigits(String(exp), frame.lang) });
    default: {
      const example = ((link.minAmount ?? 0) + (link.maxAmount ?? 0)) / 2;
      const text = shopperMoney(Math.round(example), link.currency, frame.lang).split('\u00a0');
      // The number alone, in the page's digits, without grouping that a customer might not type.
      const number = (frame.lang === 'ar' ? text[0] : text[1]) ?? '';
      return fill(s.amountNotNumber, { example: `\u2068${number.replace(/[,٬]/g, '')}\u2069` });
    }
  }
}

/** The currency as the page names it beside the field. */
function currencyLabel(link: PaymentLink, lang: Lang): string {
  const sample = shopperMoney(0, link.currency, lang).split('\u00a0');
  return (lang === 'ar' ? sample[1] : sample[0]) ?? link.currency;
}

/** The page of a link whose customer enters the amount, within its bounds. */
export function amountPage(
  frame: Frame,
  link: PaymentLink,
  action: string,
  entered: string,
  notice: AmountNotice | undefined,
): string {
  const s = t(frame.lang);
  const bounds = fill(s.amountBounds, {
    min: `\u2068${shopperMoney(link.minAmount ?? 0, link.currency, frame.lang)}\u2069`,
    max: `\u2068${shopperMoney(link.maxAmount ?? 0, link.currency, frame.lang)}\u2069`,
  });
  const error = notice ? noticeText(frame, link, notice) : undefined;
  const cur = currencyLabel(link, frame.lang);
  return document(
    frame,
    fill(s.title, { merchant: frame.merchant }),
    html`<section class="card summary" aria-labelledby="pay-label">
<p class="label" id="pay-label">${fill(s.payTo, { merchant: frame.merchant })}</p>
<p class="description"><strong>${link.description}</strong></p>
${link.reference ? html`<p class="reference">${fill(s.reference, { reference: link.reference })}</p>` : ''}
</section>
<section class="card" aria-labelledby="enter">
<h1 id="enter">${s.enterAmount}</h1>
<form class="amount-form" method="post" action="${action}" novalidate>
<input type="hidden" name="_csrf" value="${link.csrfToken}">
<input type="hidden" name="lang" value="${frame.lang}">
<label for="amount">${fill(s.amountField, { currency: cur })}</label>
<div class="field${error ? ' bad' : ''}">
<input id="amount" name="amount" type="text" inputmode="decimal" autocomplete="off" required value="${entered}" aria-describedby="${error ? 'amount-error amount-hint' : 'amount-hint'}"${raw(error ? ' aria-invalid="true" autofocus' : '')}>
<span class="cur" aria-hidden="true">${cur}</span>
</div>
${error ? html`<p class="error" id="amount-error" role="alert">${error}</p>` : ''}
<p class="hint" id="amount-hint">${bounds}</p>
<button class="button" type="submit" id="continue">${s.continue}</button>
</form>
</section>`,
  );
}

/** A link that opens no session: off, or paid as many times as allowed. */
export function linkClosedPage(frame: Frame, reason: 'inactive' | 'exhausted'): string {
  const s = t(frame.lang);
  const [title, text] =
    reason === 'inactive' ? [s.linkInactiveTitle, s.linkInactive] : [s.linkExhaustedTitle, s.linkExhausted];
  return document(
    frame,
    title,
    html`<section class="card result bad" aria-labelledby="title">
<div class="mark">${raw(CROSS)}</div>
<h1 id="title">${title}</h1>
<p>${fill(text, { merchant: frame.merchant })}</p>
</section>`,
  );
}

/** The link's own thank-you page (the default `success_url` of its sessions). */
export function thanksPage(frame: Frame, paid: { amount: number; currency: string } | undefined): string {
  const s = t(frame.lang);
  const text = paid
    ? fill(s.thanksPaid, {
        merchant: frame.merchant,
        amount: `\u2068${shopperMoney(paid.amount, paid.currency, frame.lang)}\u2069`,
      })
    : fill(s.thanksNeutral, { merchant: frame.merchant });
  return document(
    frame,
    s.thanksTitle,
    html`<section class="card result ok" aria-labelledby="title">
<div class="mark">${raw(CHECK)}</div>
<h1 id="title">${s.thanksTitle}</h1>
<p id="result-text">${text}</p>
</section>`,
  );
}

/** The link's own page for a customer who left its checkout (the default `cancel_url`). */
export function canceledPage(frame: Frame, again: string | undefined): string {
  const s = t(frame.lang);
  return document(
    frame,
    s.canceledTitle,
    html`<section class="card result bad" aria-labelledby="title">
<div class="mark">${raw(CROSS)}</div>
<h1 id="title">${s.canceledTitle}</h1>
<p>${s.canceled}</p>
${again ? html`<div class="actions"><a class="button" id="again" href="${again}">${s.startAgain}</a></div>` : ''}
</section>`,
  );
}

import { html, renderPage, type SafeHtml } from '../kit/html.ts';
import { formatAmount } from './money.ts';
import { TEST_CARD, TEST_CVV } from './outcomes.ts';
import { type Lang, TEXT } from './page-text.ts';
import type { Payment } from './state.ts';

export type CardField = 'card_number' | 'expiry' | 'cvv' | 'card_holder';
export type FormState = { values?: Partial<Record<CardField, string>>; errors?: CardField[] };

/** A page of one payment: in its language, headed by its merchant's name (when the merchant is known). */
export type PaymentPage = { payment: Payment; lang: Lang; merchantName: string | undefined };

const STYLES = `
header.brand{background:#0f2a44;color:#fff;padding:14px 16px}
header.brand .inner{max-width:480px;margin:0 auto;font-weight:800;font-size:1.3rem}
header.brand small{display:block;font-weight:400;font-size:.75rem;opacity:.85}
h2{font-size:1.1rem;margin:0 0 12px}
.amount{font-size:1.75rem;font-weight:700;margin:2px 0 8px}
.row{display:flex;gap:12px}
.row>div{flex:1;min-width:0}
input.invalid{border-color:#b42318;background:#fff6f5}
.field-error{color:#b42318;font-size:.85rem;margin-top:4px}
.actions{display:flex;gap:12px;margin-top:20px}
#pay,#continue{flex:2;background:#1d4ed8;color:#fff;font-weight:700}
#cancel{flex:1;background:#fff;color:#1f2328;border-color:#c7ccd1}
.test-mode{background:#fffbeb;border:2px dashed #d97706;border-radius:12px;padding:14px 16px;font-size:.9rem}
.test-mode h2{font-size:1rem;margin:0 0 6px;color:#92400e}
.test-mode code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#fef3c7;padding:0 4px;border-radius:4px}
`;

export const money = (p: Payment): string => `${formatAmount(p.order.amount, p.order.currency)} ${p.order.currency}`;

/** The order number, kept in its own direction inside Arabic text. */
const orderNumber = (p: Payment): SafeHtml => html`<bdi>${p.order.number}</bdi>`;

function layout(lang: Lang, title: string, content: SafeHtml): string {
  const body = html`<header class="brand"><div class="inner">Checkout<small>${TEXT[lang].brand}</small></div></header>
<main>${content}</main>`;
  return renderPage({ title, body, lang, styles: STYLES });
}

/** The order being paid, headed by the merchant's name as the checkout page shows it. */
function summary({ payment: p, lang, merchantName }: PaymentPage): SafeHtml {
  return html`<section class="card" id="order">
  ${merchantName !== undefined && html`<h1 id="merchant-name">${merchantName}</h1>`}
  <div class="muted">${TEXT[lang].order} ${orderNumber(p)}</div>
  <div class="amount" id="amount"><bdi>${money(p)}</bdi></div>
  <div>${p.order.description}</div>
</section>`;
}

function testModeBox(lang: Lang): SafeHtml {
  const t = TEXT[lang].testMode;
  const code = (text: string) => html`<code>${text}</code>`;
  return html`<section class="test-mode" id="test-mode" aria-label="${t.label}">
  <h2>${t.heading}</h2>
  <div>${t.card(code(TEST_CARD), code(TEST_CVV), code('25'))}</div>
  <ul>${t.outcomes.map(
    ([month, outcome]) => html`
    <li>${code(month)} ${outcome}</li>`,
  )}
  </ul>
  <div>${t.others}</div>
</section>`;
}

function field(
  lang: Lang,
  name: CardField,
  state: FormState,
  attrs: { type?: string; placeholder?: string; autocomplete: string; ltr?: boolean },
) {
  const invalid = state.errors?.includes(name) ?? false;
  return html`<label for="${name}">${TEXT[lang].labels[name]}</label>
<input id="${name}" name="${name}" type="${attrs.type ?? 'text'}" autocomplete="${attrs.autocomplete}"${attrs.ltr === true && html` dir="ltr"`}
  ${attrs.placeholder !== undefined && html`placeholder="${attrs.placeholder}"`} value="${state.values?.[name] ?? ''}"
  ${invalid && html`class="invalid" aria-invalid="true" aria-describedby="${name}-error"`} required>
${invalid && html`<div class="field-error" id="${name}-error">${TEXT[lang].errors[name]}</div>`}`;
}

export function renderPaymentForm(page: PaymentPage, state: FormState = {}): string {
  const { payment: p, lang } = page;
  const t = TEXT[lang];
  const content = html`${summary(page)}
<form class="card" method="post" action="/checkout/${p.token}" novalidate>
  <h2>${t.payByCard}</h2>
  ${field(lang, 'card_number', state, { placeholder: '1234 5678 9012 3456', autocomplete: 'cc-number', ltr: true })}
  <div class="row">
    <div>${field(lang, 'expiry', state, { placeholder: 'MM/YY', autocomplete: 'cc-exp', ltr: true })}</div>
    <div>${field(lang, 'cvv', state, { type: 'password', autocomplete: 'cc-csc', ltr: true })}</div>
  </div>
  ${field(lang, 'card_holder', state, { autocomplete: 'cc-name' })}
  <div class="actions">
    <button type="submit" id="pay" name="action" value="pay">${t.pay} <bdi>${money(p)}</bdi></button>
    <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>${t.cancel}</button>
  </div>
</form>
${testModeBox(lang)}`;
  return layout(lang, t.title, content);
}

export function renderThreeDs(page: PaymentPage): string {
  const { payment: p, lang } = page;
  const t = TEXT[lang];
  const content = html`${summary(page)}
<form class="card" id="three-ds" method="post" action="/checkout/${p.token}/3ds">
  <h2>${t.threeDsHeading}</h2>
  <p>${t.threeDsAsk}</p>
  <p class="muted">${p.threeDsResult === 'fail' ? t.threeDsWill.fail : t.threeDsWill.succeed}</p>
  <div class="actions">
    <button type="submit" id="continue" name="action" value="continue">${t.continue}</button>
    <button type="submit" id="cancel" name="action" value="cancel">${t.cancel}</button>
  </div>
</form>`;
  return layout(lang, t.threeDsTitle, content);
}

export function renderExpired(p: Payment, lang: Lang): string {
  const t = TEXT[lang];
  const content = html`<section class="card" id="expired">
  <h1>${t.expiredTitle}</h1>
  <p>${t.expired(orderNumber(p))}</p>
  ${p.urls.expiry !== undefined && html`<a id="back" href="${p.urls.expiry}">${t.backToMerchant}</a>`}
</section>`;
  return layout(lang, t.expiredTitle, content);
}

export function renderClosed(p: Payment, lang: Lang): string {
  const t = TEXT[lang];
  const content = html`<section class="card" id="closed">
  <h1>${t.closedHeading}</h1>
  <p>${t.closed(orderNumber(p))}</p>
</section>`;
  return layout(lang, t.closedTitle, content);
}

/** An unknown link says nothing of its language: the page is in English. */
export function renderNotFound(lang: Lang = 'en'): string {
  const t = TEXT[lang];
  return layout(lang, t.notFoundTitle, html`<section class="card" id="not-found"><h1>${t.notFound}</h1></section>`);
}

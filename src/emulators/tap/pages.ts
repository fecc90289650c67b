import { html, renderPage, type SafeHtml } from '../kit/html.ts';
import { PAGE_PATH } from './api.ts';
import { formatMajor } from './money.ts';
import { type CardFormField, type Lang, TEST_CARD, TEXT } from './page-text.ts';
import type { Charge } from './state.ts';

const STYLES = `
header.brand{background:#1a1f36;color:#fff;padding:14px 16px}
header.brand .inner{max-width:480px;margin:0 auto;display:flex;align-items:center;justify-content:space-between;gap:12px}
.logo{font-weight:800;font-size:1.4rem;letter-spacing:.5px}
.logo small{display:block;font-weight:400;font-size:.75rem;opacity:.85;letter-spacing:0}
#lang-switch{color:#fff;text-decoration:none;border:1px solid rgba(255,255,255,.6);border-radius:999px;padding:4px 12px;font-size:.875rem}
.amount{font-size:1.75rem;font-weight:700;margin:2px 0 8px;color:#1a1f36}
dl.summary{margin:0}
dl.summary dt{font-size:.8rem;color:#57606a;text-transform:uppercase;letter-spacing:.04em}
dl.summary dd{margin:0 0 8px}
.row{display:flex;gap:12px}
.row>div{flex:1;min-width:0}
form.card>label:first-of-type{margin-top:0}
html[dir=rtl] input{text-align:right}
input.invalid{border-color:#b42318;background:#fff6f5}
.field-error{color:#b42318;font-size:.85rem;margin-top:4px}
.alert{background:#fff6f5;border:1px solid #f3b4ad;color:#b42318;border-radius:8px;padding:10px 12px;margin-bottom:8px}
.actions{display:flex;gap:12px;margin-top:20px}
#pay{flex:2;background:#2ace82;color:#0b2e1c;font-weight:700}
#pay:hover{background:#22b571}
#cancel{flex:1;background:#fff;color:#1f2328;border-color:#c7ccd1}
.test-mode{background:#fffbeb;border:2px dashed #d97706;border-radius:12px;padding:14px 16px;font-size:.9rem}
.test-mode h2{font-size:1rem;margin:0 0 6px;color:#92400e}
.test-mode ul{margin:6px 0 0;padding-inline-start:20px}
.test-mode code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#fef3c7;padding:0 4px;border-radius:4px}
.ltr{direction:ltr;unicode-bidi:isolate;display:inline-block}
`;

export function pickLang(requested: unknown): Lang {
  return requested === 'ar' ? 'ar' : 'en';
}

const money = (charge: Charge): string => `${charge.currency} ${formatMajor(charge.amount, charge.currency)}`;

/** `token` undefined hides the language switch (pages that cannot be shown again, like a result). */
function layout(lang: Lang, title: string, content: SafeHtml, token?: string): string {
  const t = TEXT[lang];
  const other = lang === 'en' ? 'ar' : 'en';
  const href = token === undefined ? '' : `${PAGE_PATH}?chg=${encodeURIComponent(token)}&lang=${other}`;
  const body = html`<header class="brand"><div class="inner">
  <div class="logo">QPay<small>${t.secure}</small></div>
  ${token !== undefined && html`<a id="lang-switch" href="${href}" lang="${other}">${t.otherLang}</a>`}
</div></header>
<main>${content}</main>`;
  return renderPage({ title, lang, body, styles: STYLES });
}

function testModeBox(lang: Lang): SafeHtml {
  const t = TEXT[lang];
  return html`<section class="test-mode" id="test-mode" aria-label="${t.testMode}">
  <h2>${t.testMode}</h2>
  <div>${t.testIntro}</div>
  <ul>
    <li>${t.testCard} <code class="ltr">${TEST_CARD}</code></li>
    <li>${t.testExpiry}</li>
    <li>${t.testPin}</li>
    <li>${t.testOtp}</li>
  </ul>
</section>`;
}

export type FormState = {
  values?: { card_number?: string; expiry?: string };
  errors?: readonly CardFormField[];
};

type InputSpec = { name: CardFormField; label: string; attrs: SafeHtml; value?: string | undefined };

function field(lang: Lang, spec: InputSpec, errors: readonly CardFormField[]): SafeHtml {
  const invalid = errors.includes(spec.name);
  const id = `f-${spec.name}`;
  return html`<label for="${id}">${spec.label}</label>
<input id="${id}" name="${spec.name}" dir="ltr" ${spec.attrs} value="${spec.value ?? ''}"
  ${invalid && html`class="invalid" aria-invalid="true" aria-describedby="${id}-error"`} required>
${invalid && html`<div class="field-error" id="${id}-error">${TEXT[lang].errors[spec.name]}</div>`}`;
}

export function renderPaymentForm(charge: Charge, lang: Lang, state: FormState = {}): string {
  const t = TEXT[lang];
  const errors = state.errors ?? [];
  const values = state.values ?? {};
  const content = html`<section class="card">
  <h1>${t.merchantPayment}</h1>
  <dl class="summary">
    <dt>${t.amount}</dt><dd class="amount"><span class="ltr" id="amount">${money(charge)}</span></dd>
    ${charge.description !== undefined && html`<dt>${t.description}</dt><dd><bdi id="description">${charge.description}</bdi></dd>`}
  </dl>
</section>
<form class="card" method="post" action="${PAGE_PATH}" autocomplete="off" novalidate>
  ${errors.length > 0 && html`<div class="alert" role="alert">${t.fixErrors}</div>`}
  <input type="hidden" name="chg" value="${charge.pageToken}">
  <input type="hidden" name="lang" value="${lang}">
  ${field(lang, { name: 'card_number', label: t.cardNumber, value: values.card_number, attrs: html`type="text" inputmode="numeric" autocomplete="cc-number" placeholder="1234 5678 9012 3456" maxlength="23"` }, errors)}
  <div class="row">
    <div>${field(lang, { name: 'expiry', label: t.expiry, value: values.expiry, attrs: html`type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM/YY" maxlength="5"` }, errors)}</div>
    <div>${field(lang, { name: 'pin', label: t.pin, attrs: html`type="password" inputmode="numeric" maxlength="6"` }, errors)}</div>
  </div>
  ${field(lang, { name: 'otp', label: t.otp, attrs: html`type="text" autocomplete="one-time-code" maxlength="12"` }, errors)}
  <div class="actions">
    <button type="submit" id="pay" name="action" value="pay">${t.pay} <span class="ltr">${money(charge)}</span></button>
    <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>${t.cancel}</button>
  </div>
</form>
${testModeBox(lang)}`;
  return layout(lang, t.title, content, charge.pageToken);
}

function messagePage(lang: Lang, heading: string, text: string, token?: string, extra?: SafeHtml): string {
  const content = html`<section class="card" id="message"><h1>${heading}</h1><p>${text}</p>${extra}</section>`;
  return layout(lang, heading, content, token);
}

export function renderNotFound(lang: Lang): string {
  return messagePage(lang, TEXT[lang].notFound, TEXT[lang].notFoundBody);
}

/** Shown for a charge that can no longer be paid: completed, cancelled, declined or abandoned. */
export function renderNotPayable(charge: Charge, lang: Lang): string {
  const t = TEXT[lang];
  return charge.status === 'ABANDONED'
    ? messagePage(lang, t.expired, t.expiredBody, charge.pageToken)
    : messagePage(lang, t.done, t.doneBody, charge.pageToken);
}

/** The page shown after paying when the merchant gave no `redirect.url`. */
export function renderResult(charge: Charge, lang: Lang): string {
  const t = TEXT[lang];
  const status = charge.status as keyof (typeof TEXT)['en']['resultTitle'];
  const extra = html`<p class="muted">${t.chargeLabel}: <code class="ltr" id="charge-id">${charge.id}</code></p>`;
  return messagePage(lang, t.resultTitle[status], money(charge), undefined, extra);
}

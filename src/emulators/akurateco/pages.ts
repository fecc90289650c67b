import { html, renderPage, type SafeHtml } from '../kit/html.ts';
import { formatAmount } from './money.ts';
import { TEST_CARD, TEST_CVV } from './outcomes.ts';
import type { Payment } from './state.ts';

export type CardField = 'card_number' | 'expiry' | 'cvv' | 'card_holder';
export type FormState = { values?: Partial<Record<CardField, string>>; errors?: CardField[] };

const STYLES = `
header.brand{background:#0f2a44;color:#fff;padding:14px 16px}
header.brand .inner{max-width:480px;margin:0 auto;font-weight:800;font-size:1.3rem}
header.brand small{display:block;font-weight:400;font-size:.75rem;opacity:.85}
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

const FIELD_ERRORS: Record<CardField, string> = {
  card_number: 'Enter a valid card number.',
  expiry: 'Enter a valid expiry date (MM/YY).',
  cvv: 'Enter the 3 or 4 digit security code.',
  card_holder: 'Enter the cardholder name.',
};

export const money = (p: Payment): string => `${formatAmount(p.order.amount, p.order.currency)} ${p.order.currency}`;

function layout(title: string, content: SafeHtml): string {
  const body = html`<header class="brand"><div class="inner">Checkout<small>Secure payment page</small></div></header>
<main>${content}</main>`;
  return renderPage({ title, body, lang: 'en', styles: STYLES });
}

function summary(p: Payment): SafeHtml {
  return html`<section class="card" id="order">
  <div class="muted">Order ${p.order.number}</div>
  <div class="amount" id="amount">${money(p)}</div>
  <div>${p.order.description}</div>
</section>`;
}

function testModeBox(): SafeHtml {
  return html`<section class="test-mode" id="test-mode" aria-label="Test mode">
  <h2>Test mode: no real money moves</h2>
  <div>Card <code>${TEST_CARD}</code>, CVV <code>${TEST_CVV}</code>, year <code>25</code> (accepted for this test card even though 2025 has passed; any year works). The expiry month picks the outcome:</div>
  <ul>
    <li><code>01</code> success (settled)</li>
    <li><code>02</code> decline</li>
    <li><code>05</code> 3-D Secure, then success</li>
    <li><code>06</code> 3-D Secure, then failure</li>
  </ul>
  <div>Any other Luhn-valid card with a future expiry is settled.</div>
</section>`;
}

function field(
  name: CardField,
  label: string,
  state: FormState,
  attrs: { type?: string; placeholder?: string; autocomplete: string },
) {
  const invalid = state.errors?.includes(name) ?? false;
  return html`<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="${attrs.type ?? 'text'}" autocomplete="${attrs.autocomplete}"
  ${attrs.placeholder !== undefined && html`placeholder="${attrs.placeholder}"`} value="${state.values?.[name] ?? ''}"
  ${invalid && html`class="invalid" aria-invalid="true" aria-describedby="${name}-error"`} required>
${invalid && html`<div class="field-error" id="${name}-error">${FIELD_ERRORS[name]}</div>`}`;
}

export function renderPaymentForm(p: Payment, state: FormState = {}): string {
  const content = html`${summary(p)}
<form class="card" method="post" action="/checkout/${p.token}" novalidate>
  <h1>Pay by card</h1>
  ${field('card_number', 'Card number', state, { placeholder: '1234 5678 9012 3456', autocomplete: 'cc-number' })}
  <div class="row">
    <div>${field('expiry', 'Expiry (MM/YY)', state, { placeholder: 'MM/YY', autocomplete: 'cc-exp' })}</div>
    <div>${field('cvv', 'CVV', state, { type: 'password', autocomplete: 'cc-csc' })}</div>
  </div>
  ${field('card_holder', 'Cardholder name', state, { autocomplete: 'cc-name' })}
  <div class="actions">
    <button type="submit" id="pay" name="action" value="pay">Pay ${money(p)}</button>
    <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>Cancel</button>
  </div>
</form>
${testModeBox()}`;
  return layout('Checkout', content);
}

export function renderThreeDs(p: Payment): string {
  const result = p.threeDsResult === 'fail' ? 'fail' : 'succeed';
  const content = html`${summary(p)}
<form class="card" id="three-ds" method="post" action="/checkout/${p.token}/3ds">
  <h1>3-D Secure verification</h1>
  <p>Your bank asks you to confirm this payment.</p>
  <p class="muted">Test mode: this authentication will ${result}.</p>
  <div class="actions">
    <button type="submit" id="continue" name="action" value="continue">Continue</button>
    <button type="submit" id="cancel" name="action" value="cancel">Cancel</button>
  </div>
</form>`;
  return layout('3-D Secure', content);
}

export function renderExpired(p: Payment): string {
  const content = html`<section class="card" id="expired">
  <h1>Session expired</h1>
  <p>The time to pay for order ${p.order.number} has run out.</p>
  ${p.urls.expiry !== undefined && html`<a id="back" href="${p.urls.expiry}">Return to the merchant</a>`}
</section>`;
  return layout('Session expired', content);
}

export function renderClosed(p: Payment): string {
  const content = html`<section class="card" id="closed">
  <h1>This payment link is no longer valid</h1>
  <p>Order ${p.order.number}: one link is one payment, and this one has been used.</p>
</section>`;
  return layout('Link no longer valid', content);
}

export function renderNotFound(): string {
  return layout('Not found', html`<section class="card" id="not-found"><h1>Payment session not found</h1></section>`);
}

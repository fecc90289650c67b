import { html, renderPage, type SafeHtml } from '../kit/html.ts';
import { formatSar } from './money.ts';
import { remainingTime } from './order-json.ts';
import { type PageText, TEXT } from './page-text.ts';
import type { Invoice, Lang, Order } from './state.ts';

const STYLES = `
.amount{font-size:1.5rem;font-weight:700}
.row{display:flex;gap:8px}
.row>*{flex:1}
button.primary{background:#5b21b6;color:#fff;width:100%;margin-top:12px}
button.applepay{background:#000;color:#fff;width:100%;margin-top:12px}
button.mada{background:#0f766e;color:#fff;width:100%;margin-top:12px}
ul.shares{list-style:none;padding:0;margin:0}
ul.shares li{display:flex;justify-content:space-between;gap:8px;padding:8px 0;border-bottom:1px solid #eee}
`;

function page(lang: Lang, body: SafeHtml, title?: string): string {
  return renderPage({ title: title ?? TEXT[lang].title, lang, body, styles: STYLES });
}

const q = (lang: Lang): string => `?lang=${lang}`;

function header(order: Order, t: PageText, now: number): SafeHtml {
  const left = remainingTime(order, now);
  return html`<div class="card"><h1>${t.title}</h1>
<p class="muted">${order.reference}</p>
<p>${t.total}: <span class="amount" id="order-amount">${formatSar(order.amountMinor)}</span> SAR</p>
<p class="muted">${t.remaining}: <span id="remaining-time">${left.min}:${String(left.sec).padStart(2, '0')}</span></p>
</div>`;
}

/** The initiator's page before any share exists: equal or custom split. */
export function renderSplitPage(order: Order, lang: Lang, now: number, error?: string, rows = 4): string {
  const t = TEXT[lang];
  const customRows = Array.from(
    { length: rows },
    (_, i) => html`<div class="row">
<label>${t.shareName} ${i + 1}<input name="share_name" autocomplete="off"></label>
<label>${t.shareAmount} ${i + 1}<input name="share_amount" inputmode="decimal" autocomplete="off"></label>
</div>`,
  );
  const body = html`<main>${header(order, t, now)}
${error !== undefined && html`<div class="card"><p class="error" id="split-error" role="alert">${error}</p></div>`}
<div class="card"><h1>${t.splitEqual}</h1>
<form id="split-equal-form" method="post" action="/${order.id}/split/equal${q(lang)}">
<label for="people">${t.people}</label><input id="people" name="people" type="number" min="1" max="20" value="2">
<button class="primary" id="split-equal" type="submit">${t.splitEqualButton}</button>
</form></div>
<div class="card"><h1>${t.splitCustom}</h1>
<form id="split-custom-form" method="post" action="/${order.id}/split/custom${q(lang)}">
${customRows}
<button class="primary" id="split-custom" type="submit">${t.splitCustomButton}</button>
</form></div></main>`;
  return page(lang, body);
}

/** The initiator's page once split: one link per share, each with its status. */
export function renderSharesPage(order: Order, lang: Lang, now: number): string {
  const t = TEXT[lang];
  const items = order.invoices.map(
    (
      inv,
    ) => html`<li data-invoice="${inv.id}"><a class="share-link" href="/${order.id}/invoices/${inv.id}${q(lang)}">${inv.name}</a>
<span class="share-amount">${formatSar(inv.amountMinor)} SAR</span>
<span class="share-status" data-status="${inv.paymentStatus}">${t.status[inv.paymentStatus]}</span></li>`,
  );
  const body = html`<main>${header(order, t, now)}
<div class="card"><h1>${t.shares}</h1><p class="muted">${t.shareHint}</p>
<ul class="shares">${items}</ul>
<p><a id="refresh" href="/${order.id}${q(lang)}">${t.refresh}</a></p></div></main>`;
  return page(lang, body);
}

/** A payer's page for one share: the Apple Pay and mada stand-ins. */
export function renderInvoicePage(order: Order, invoice: Invoice, lang: Lang, now: number): string {
  const t = TEXT[lang];
  const body = html`<main>${header(order, t, now)}
<div class="card"><h1>${t.payTitle}</h1>
<p id="invoice-name">${invoice.name}</p>
<p><span class="amount" id="invoice-amount">${formatSar(invoice.amountMinor)}</span> SAR</p>
<form id="pay-form" method="post" action="/${order.id}/invoices/${invoice.id}/pay${q(lang)}">
<button class="applepay" id="pay-applepay" name="brand" value="APPLEPAY" type="submit">${t.payApple}</button>
<button class="mada" id="pay-mada" name="brand" value="MADA" type="submit">${t.payMada}</button>
</form></div></main>`;
  return page(lang, body);
}

export function renderWaitingPage(order: Order, invoice: Invoice, lang: Lang): string {
  const t = TEXT[lang];
  const body = html`<main><div class="card"><h1>${t.title}</h1>
<p id="paid-waiting">${t.paidWaiting}</p>
<p>${invoice.name}: ${formatSar(invoice.amountMinor)} SAR</p>
<p><a id="refresh" href="/${order.id}/invoices/${invoice.id}${q(lang)}">${t.refresh}</a></p></div></main>`;
  return page(lang, body);
}

/** A closed order: paid (link to success_url), timed out (link to failure_url), cancelled, refunded. */
export function renderResultPage(order: Order, lang: Lang): string {
  const t = TEXT[lang];
  let content: SafeHtml;
  if (order.activityStatus === 'PAID') {
    const message = order.paymentStatus === 'REFUNDED' ? t.refunded : t.success;
    content = html`<p id="result" data-result="success">${message}</p>
${order.successUrl !== null && html`<p><a id="success-link" href="${order.successUrl}">${t.backToMerchant}</a></p>`}`;
  } else if (order.activityStatus === 'TIMEOUT') {
    content = html`<p id="result" data-result="failure" class="error">${t.failure}</p>
${order.failureUrl !== null && html`<p><a id="failure-link" href="${order.failureUrl}">${t.backToMerchant}</a></p>`}`;
  } else {
    content = html`<p id="result" data-result="abandoned" class="error">${t.abandoned}</p>`;
  }
  return page(lang, html`<main><div class="card"><h1>${t.title}</h1>${content}</div></main>`);
}

export function renderNotFound(lang: Lang): string {
  return page(
    lang,
    html`<main><div class="card"><h1>${TEXT[lang].title}</h1><p class="error">${TEXT[lang].notFound}</p></div></main>`,
  );
}

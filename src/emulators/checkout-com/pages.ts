import { html, renderPage, type SafeHtml } from '../kit/html.ts';
import type { Payment, PaymentStatus } from './state.ts';
import type { CardFormField } from './validate.ts';

export type Lang = 'en' | 'ar';

const TEXT = {
  en: {
    title: 'QPay – Secure payment',
    secure: 'Secure payment by NAPS',
    merchantPayment: 'Payment to merchant',
    amount: 'Amount',
    description: 'Description',
    cardNumber: 'Card number',
    expiry: 'Expiry (MM/YY)',
    pin: 'PIN',
    otp: 'One-time password (OTP)',
    pay: 'Pay',
    cancel: 'Cancel',
    otherLang: 'العربية',
    fixErrors: 'Please correct the fields marked below.',
    testMode: 'Test mode',
    testIntro: 'This is the Checkout.com QPay emulator. No real money moves. Use:',
    testCard: 'Card number: any 16 to 19 digits that pass the Luhn check, e.g.',
    testExpiry: 'Expiry: any date in the future, e.g. 12/30',
    testPin: 'PIN 677 approves the payment; any other PIN declines it',
    testOtp: 'OTP: any 6 digits, e.g. 123456',
    errors: {
      card_number: 'This card number is not valid: enter the 16 to 19 digits on the card.',
      expiry: 'Enter a valid expiry date in the future, as MM/YY.',
      pin: 'The PIN must have 3 to 6 digits.',
      otp: 'The OTP must have exactly 6 digits.',
    },
    notFound: 'Payment not found',
    notFoundBody: 'This payment link is not valid.',
    done: 'Payment already processed',
    doneBody: 'This payment has already been completed. You have not been charged again.',
    expired: 'Payment expired',
    expiredBody: 'The time allowed to complete this payment has passed.',
    resultTitle: { Captured: 'Payment approved', Declined: 'Payment declined', Canceled: 'Payment canceled' },
    sessionLabel: 'Session id',
  },
  ar: {
    title: 'QPay – دفع آمن',
    secure: 'دفع آمن عبر شبكة نابس',
    merchantPayment: 'دفعة إلى التاجر',
    amount: 'المبلغ',
    description: 'الوصف',
    cardNumber: 'رقم البطاقة',
    expiry: 'تاريخ الانتهاء',
    pin: 'الرقم السري (PIN)',
    otp: 'رمز التحقق لمرة واحدة (OTP)',
    pay: 'ادفع',
    cancel: 'إلغاء',
    otherLang: 'English',
    fixErrors: 'يرجى تصحيح الحقول المشار إليها أدناه.',
    testMode: 'وضع الاختبار',
    testIntro: 'هذا محاكي QPay من Checkout.com، ولا تُنقل أي أموال حقيقية. استخدم:',
    testCard: 'رقم البطاقة: أي رقم من 16 إلى 19 خانة صالح وفق خوارزمية Luhn، مثل',
    testExpiry: 'تاريخ الانتهاء: أي تاريخ في المستقبل، مثل 12/30',
    testPin: 'الرقم السري 677 يوافق على الدفعة، وأي رقم سري آخر يرفضها',
    testOtp: 'رمز التحقق: أي 6 أرقام، مثل 123456',
    errors: {
      card_number: 'رقم البطاقة غير صالح: أدخل الأرقام الموجودة على البطاقة (من 16 إلى 19 رقمًا).',
      expiry: 'أدخل تاريخ انتهاء صالحًا في المستقبل بصيغة شهر/سنة.',
      pin: 'يجب أن يتكون الرقم السري من 3 إلى 6 أرقام.',
      otp: 'يجب أن يتكون رمز التحقق من 6 أرقام بالضبط.',
    },
    notFound: 'لم يتم العثور على الدفعة',
    notFoundBody: 'رابط الدفع هذا غير صالح.',
    done: 'تمت معالجة الدفعة مسبقًا',
    doneBody: 'اكتملت هذه الدفعة من قبل، ولم يتم خصم المبلغ مرة أخرى.',
    expired: 'انتهت صلاحية الدفعة',
    expiredBody: 'انقضت المهلة المسموح بها لإتمام هذه الدفعة.',
    resultTitle: { Captured: 'تمت الموافقة على الدفعة', Declined: 'تم رفض الدفعة', Canceled: 'تم إلغاء الدفعة' },
    sessionLabel: 'معرّف الجلسة',
  },
} as const;

export const TEST_CARD = '4215375500883243';

const STYLES = `
header.brand{background:#8a1538;color:#fff;padding:14px 16px}
header.brand .inner{max-width:480px;margin:0 auto;display:flex;align-items:center;justify-content:space-between;gap:12px}
.logo{font-weight:800;font-size:1.4rem;letter-spacing:.5px}
.logo small{display:block;font-weight:400;font-size:.75rem;opacity:.85;letter-spacing:0}
#lang-switch{color:#fff;text-decoration:none;border:1px solid rgba(255,255,255,.6);border-radius:999px;padding:4px 12px;font-size:.875rem}
.amount{font-size:1.75rem;font-weight:700;margin:2px 0 8px;color:#8a1538}
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
#pay{flex:2;background:#8a1538;color:#fff;font-weight:700}
#pay:hover{background:#6f102d}
#cancel{flex:1;background:#fff;color:#1f2328;border-color:#c7ccd1}
.test-mode{background:#fffbeb;border:2px dashed #d97706;border-radius:12px;padding:14px 16px;font-size:.9rem}
.test-mode h2{font-size:1rem;margin:0 0 6px;color:#92400e}
.test-mode ul{margin:6px 0 0;padding-inline-start:20px}
.test-mode code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#fef3c7;padding:0 4px;border-radius:4px}
.ltr{direction:ltr;unicode-bidi:isolate;display:inline-block}
`;

/** QAR minor units to "QAR 1.00" with string arithmetic only (QAR has two decimals). */
export function formatAmount(amount: number, currency: string): string {
  const digits = String(amount).padStart(3, '0');
  return `${currency} ${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

export function pickLang(requested: unknown, payment?: Payment): Lang {
  if (requested === 'ar' || requested === 'en') return requested;
  return payment?.language === 'ar' ? 'ar' : 'en';
}

function langSwitchHref(lang: Lang, pun: string): string {
  const other = lang === 'en' ? 'ar' : 'en';
  return `/qpay-external/redirect-to-qpay?pun=${encodeURIComponent(pun)}&lang=${other}`;
}

/** `pun` undefined hides the language switch (pages that cannot be shown again, like a result). */
function layout(lang: Lang, title: string, content: SafeHtml, pun?: string): string {
  const t = TEXT[lang];
  const other = lang === 'en' ? 'ar' : 'en';
  const body = html`<header class="brand"><div class="inner">
  <div class="logo">QPay<small>${t.secure}</small></div>
  ${pun !== undefined && html`<a id="lang-switch" href="${langSwitchHref(lang, pun)}" lang="${other}">${t.otherLang}</a>`}
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

export function renderPaymentForm(payment: Payment, lang: Lang, state: FormState = {}): string {
  const t = TEXT[lang];
  const errors = state.errors ?? [];
  const values = state.values ?? {};
  const content = html`<section class="card">
  <h1>${t.merchantPayment}</h1>
  <dl class="summary">
    <dt>${t.amount}</dt><dd class="amount"><span class="ltr" id="amount">${formatAmount(payment.amount, payment.currency)}</span></dd>
    <dt>${t.description}</dt><dd><bdi id="description">${payment.description}</bdi></dd>
  </dl>
</section>
<form class="card" method="post" action="/qpay-external/pay" autocomplete="off" novalidate>
  ${errors.length > 0 && html`<div class="alert" role="alert">${t.fixErrors}</div>`}
  <input type="hidden" name="pun" value="${payment.pun}">
  <input type="hidden" name="lang" value="${lang}">
  ${field(lang, { name: 'card_number', label: t.cardNumber, value: values.card_number, attrs: html`type="text" inputmode="numeric" autocomplete="cc-number" placeholder="1234 5678 9012 3456" maxlength="23"` }, errors)}
  <div class="row">
    <div>${field(lang, { name: 'expiry', label: t.expiry, value: values.expiry, attrs: html`type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM/YY" maxlength="5"` }, errors)}</div>
    <div>${field(lang, { name: 'pin', label: t.pin, attrs: html`type="password" inputmode="numeric" maxlength="6"` }, errors)}</div>
  </div>
  ${field(lang, { name: 'otp', label: t.otp, attrs: html`type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6"` }, errors)}
  <div class="actions">
    <button type="submit" id="pay" name="action" value="pay">${t.pay} <span class="ltr">${formatAmount(payment.amount, payment.currency)}</span></button>
    <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>${t.cancel}</button>
  </div>
</form>
${testModeBox(lang)}`;
  return layout(lang, t.title, content, payment.pun);
}

function messagePage(lang: Lang, heading: string, text: string, pun?: string, extra?: SafeHtml): string {
  const content = html`<section class="card" id="message"><h1>${heading}</h1><p>${text}</p>${extra}</section>`;
  return layout(lang, heading, content, pun);
}

export function renderNotFound(lang: Lang): string {
  return messagePage(lang, TEXT[lang].notFound, TEXT[lang].notFoundBody);
}

/** Shown for a payment that can no longer be paid: completed, canceled, declined or expired. */
export function renderNotPayable(payment: Payment, lang: Lang): string {
  const t = TEXT[lang];
  return payment.status === 'Expired' || payment.status === 'Voided'
    ? messagePage(lang, t.expired, t.expiredBody, payment.pun)
    : messagePage(lang, t.done, t.doneBody, payment.pun);
}

/** The page shown after paying when the merchant gave no success/failure URL. */
export function renderResult(payment: Payment, sessionId: string, lang: Lang): string {
  const t = TEXT[lang];
  // Shown right after completion, before any refund can change the status.
  const status = payment.status as Extract<PaymentStatus, 'Captured' | 'Declined' | 'Canceled'>;
  const heading = t.resultTitle[status];
  const extra = html`<p class="muted">${t.sessionLabel}: <code class="ltr" id="session-id">${sessionId}</code></p>`;
  return messagePage(lang, heading, formatAmount(payment.amount, payment.currency), undefined, extra);
}

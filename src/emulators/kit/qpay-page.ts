/**
 * The hosted QPay (NAPS debit) card page, whoever hosts it: the branded header with its language
 * switch, the payment summary headed by the merchant's name, the card form (card number, expiry,
 * PIN, OTP), the test-mode box and the message pages, with the words they share in English and
 * Arabic. Each host brings its colours, its own words (who powers the page, its test data, its
 * result titles), its paths, the field that names the payment and the merchant's name.
 */
import type { QpayField } from './card-form.ts';
import { html, renderPage, type SafeHtml } from './html.ts';

export type QpayLang = 'en' | 'ar';

/** The words every host's QPay page uses alike. */
export const QPAY_TEXT = {
  en: {
    title: 'QPay – Secure payment',
    merchantPayment: 'Payment to merchant',
    paymentTo: 'Payment to',
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
    testCard: 'Card number: any 16 to 19 digits that pass the Luhn check, e.g.',
    testExpiry: 'Expiry: any date in the future, e.g. 12/30',
    errors: {
      card_number: 'This card number is not valid: enter the 16 to 19 digits on the card.',
      expiry: 'Enter a valid expiry date in the future, as MM/YY.',
      pin: 'The PIN must have 3 to 6 digits.',
    },
    notFound: 'Payment not found',
    notFoundBody: 'This payment link is not valid.',
    done: 'Payment already processed',
    doneBody: 'This payment has already been completed. You have not been charged again.',
    expired: 'Payment expired',
    expiredBody: 'The time allowed to complete this payment has passed.',
  },
  ar: {
    title: 'QPay – دفع آمن',
    merchantPayment: 'دفعة إلى التاجر',
    paymentTo: 'دفعة إلى',
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
    testCard: 'رقم البطاقة: أي رقم من 16 إلى 19 خانة صالح وفق خوارزمية Luhn، مثل',
    testExpiry: 'تاريخ الانتهاء: أي تاريخ في المستقبل، مثل 12/30',
    errors: {
      card_number: 'رقم البطاقة غير صالح: أدخل الأرقام الموجودة على البطاقة (من 16 إلى 19 رقمًا).',
      expiry: 'أدخل تاريخ انتهاء صالحًا في المستقبل بصيغة شهر/سنة.',
      pin: 'يجب أن يتكون الرقم السري من 3 إلى 6 أرقام.',
    },
    notFound: 'لم يتم العثور على الدفعة',
    notFoundBody: 'رابط الدفع هذا غير صالح.',
    done: 'تمت معالجة الدفعة مسبقًا',
    doneBody: 'اكتملت هذه الدفعة من قبل، ولم يتم خصم المبلغ مرة أخرى.',
    expired: 'انتهت صلاحية الدفعة',
    expiredBody: 'انقضت المهلة المسموح بها لإتمام هذه الدفعة.',
  },
} as const;

/** One language's words of a host's page: the shared ones and the host's own. */
export type QpayText = {
  [K in keyof (typeof QPAY_TEXT)['en']]: K extends 'errors' ? Record<QpayField, string> : string;
} & {
  /** Who the header says runs the page. */
  secure: string;
  testIntro: string;
  testPin: string;
  testOtp: string;
};

/** The host's colours: its header and amount, and its Pay button. */
export type QpayTheme = { brand: string; pay: string; payText: string; payHover: string };

function qpayStyles(theme: QpayTheme): string {
  return `
header.brand{background:${theme.brand};color:#fff;padding:14px 16px}
header.brand .inner{max-width:480px;margin:0 auto;display:flex;align-items:center;justify-content:space-between;gap:12px}
.logo{font-weight:800;font-size:1.4rem;letter-spacing:.5px}
.logo small{display:block;font-weight:400;font-size:.75rem;opacity:.85;letter-spacing:0}
#lang-switch{color:#fff;text-decoration:none;border:1px solid rgba(255,255,255,.6);border-radius:999px;padding:4px 12px;font-size:.875rem}
.amount{font-size:1.75rem;font-weight:700;margin:2px 0 8px;color:${theme.brand}}
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
#pay{flex:2;background:${theme.pay};color:${theme.payText};font-weight:700}
#pay:hover{background:${theme.payHover}}
#cancel{flex:1;background:#fff;color:#1f2328;border-color:#c7ccd1}
.test-mode{background:#fffbeb;border:2px dashed #d97706;border-radius:12px;padding:14px 16px;font-size:.9rem}
.test-mode h2{font-size:1rem;margin:0 0 6px;color:#92400e}
.test-mode ul{margin:6px 0 0;padding-inline-start:20px}
.test-mode code{font-family:ui-monospace,Menlo,Consolas,monospace;background:#fef3c7;padding:0 4px;border-radius:4px}
.ltr{direction:ltr;unicode-bidi:isolate;display:inline-block}
`;
}

/** One page in one language: its words, the host's styles and, when it can be shown again, its language switch. */
type QpayFrame = {
  lang: QpayLang;
  t: QpayText;
  styles: string;
  /** The same page in the other language; absent hides the switch (a result cannot be shown again). */
  switchHref?: ((other: QpayLang) => string) | undefined;
};

function qpayLayout(frame: QpayFrame, title: string, content: SafeHtml): string {
  const { lang, t, switchHref } = frame;
  const other = lang === 'en' ? 'ar' : 'en';
  const body = html`<header class="brand"><div class="inner">
  <div class="logo">QPay<small>${t.secure}</small></div>
  ${switchHref !== undefined && html`<a id="lang-switch" href="${switchHref(other)}" lang="${other}">${t.otherLang}</a>`}
</div></header>
<main>${content}</main>`;
  return renderPage({ title, lang, body, styles: frame.styles });
}

function testModeBox(t: QpayText, testCard: string): SafeHtml {
  return html`<section class="test-mode" id="test-mode" aria-label="${t.testMode}">
  <h2>${t.testMode}</h2>
  <div>${t.testIntro}</div>
  <ul>
    <li>${t.testCard} <code class="ltr">${testCard}</code></li>
    <li>${t.testExpiry}</li>
    <li>${t.testPin}</li>
    <li>${t.testOtp}</li>
  </ul>
</section>`;
}

export type QpayFormState = {
  values?: { card_number?: string; expiry?: string };
  errors?: readonly QpayField[];
};

type InputSpec = { name: QpayField; label: string; attrs: SafeHtml; value?: string | undefined };

function field(t: QpayText, spec: InputSpec, errors: readonly QpayField[]): SafeHtml {
  const invalid = errors.includes(spec.name);
  const id = `f-${spec.name}`;
  return html`<label for="${id}">${spec.label}</label>
<input id="${id}" name="${spec.name}" dir="ltr" ${spec.attrs} value="${spec.value ?? ''}"
  ${invalid && html`class="invalid" aria-invalid="true" aria-describedby="${id}-error"`} required>
${invalid && html`<div class="field-error" id="${id}-error">${t.errors[spec.name]}</div>`}`;
}

/** What the card form shows and where it posts. */
export type QpayPayment = {
  /** The heading's merchant; the fixed words when the host does not know it. */
  merchantName: string | undefined;
  /** The amount as shown, with its currency. */
  amount: string;
  /** Shown when the payment has one. */
  description: string | undefined;
  /** Where the form posts. */
  action: string;
  /** The hidden field that names the payment on the host's form. */
  hidden: { name: string; value: string };
  /** The OTP input's attributes (hosts ask for different OTPs). */
  otpAttrs: SafeHtml;
  testCard: string;
};

function qpayFormPage(frame: QpayFrame, payment: QpayPayment, state: QpayFormState = {}): string {
  const { lang, t } = frame;
  const errors = state.errors ?? [];
  const values = state.values ?? {};
  const content = html`<section class="card">
  <h1>${payment.merchantName === undefined ? t.merchantPayment : html`${t.paymentTo} <bdi id="merchant-name">${payment.merchantName}</bdi>`}</h1>
  <dl class="summary">
    <dt>${t.amount}</dt><dd class="amount"><span class="ltr" id="amount">${payment.amount}</span></dd>
    ${payment.description !== undefined && html`<dt>${t.description}</dt><dd><bdi id="description">${payment.description}</bdi></dd>`}
  </dl>
</section>
<form class="card" method="post" action="${payment.action}" autocomplete="off" novalidate>
  ${errors.length > 0 && html`<div class="alert" role="alert">${t.fixErrors}</div>`}
  <input type="hidden" name="${payment.hidden.name}" value="${payment.hidden.value}">
  <input type="hidden" name="lang" value="${lang}">
  ${field(t, { name: 'card_number', label: t.cardNumber, value: values.card_number, attrs: html`type="text" inputmode="numeric" autocomplete="cc-number" placeholder="1234 5678 9012 3456" maxlength="23"` }, errors)}
  <div class="row">
    <div>${field(t, { name: 'expiry', label: t.expiry, value: values.expiry, attrs: html`type="text" inputmode="numeric" autocomplete="cc-exp" placeholder="MM/YY" maxlength="5"` }, errors)}</div>
    <div>${field(t, { name: 'pin', label: t.pin, attrs: html`type="password" inputmode="numeric" maxlength="6"` }, errors)}</div>
  </div>
  ${field(t, { name: 'otp', label: t.otp, attrs: payment.otpAttrs }, errors)}
  <div class="actions">
    <button type="submit" id="pay" name="action" value="pay">${t.pay} <span class="ltr">${payment.amount}</span></button>
    <button type="submit" id="cancel" name="action" value="cancel" formnovalidate>${t.cancel}</button>
  </div>
</form>
${testModeBox(t, payment.testCard)}`;
  return qpayLayout(frame, t.title, content);
}

/** A heading and a line (and maybe more), as the not-found, not-payable and result pages are. */
function qpayMessagePage(frame: QpayFrame, heading: string, text: string, extra?: SafeHtml): string {
  const content = html`<section class="card" id="message"><h1>${heading}</h1><p>${text}</p>${extra}</section>`;
  return qpayLayout(frame, heading, content);
}

/** A host's QPay page family: its words in both languages, its colours, and where its language switch goes. */
export type QpayPages = {
  text: Readonly<Record<QpayLang, QpayText>>;
  theme: QpayTheme;
  /** The page of the payment named by `token` in the `other` language. */
  switchHref(token: string, other: QpayLang): string;
};

/**
 * The pages of a host's QPay family. A page given the payment's `token` offers the language
 * switch; one without (not found, a result) cannot be shown again, so it does not.
 */
export function qpayPages(family: QpayPages) {
  const styles = qpayStyles(family.theme);
  const frame = (lang: QpayLang, token?: string): QpayFrame => ({
    lang,
    t: family.text[lang],
    styles,
    switchHref: token === undefined ? undefined : (other) => family.switchHref(token, other),
  });
  return {
    form: (lang: QpayLang, token: string, payment: QpayPayment, state?: QpayFormState): string =>
      qpayFormPage(frame(lang, token), payment, state),
    notFound(lang: QpayLang): string {
      const { t } = frame(lang);
      return qpayMessagePage(frame(lang), t.notFound, t.notFoundBody);
    },
    /** A payment that can no longer be paid: `expired` when its time ran out, else already processed. */
    notPayable(lang: QpayLang, token: string, expired: boolean): string {
      const t = family.text[lang];
      const [heading, text] = expired ? [t.expired, t.expiredBody] : [t.done, t.doneBody];
      return qpayMessagePage(frame(lang, token), heading, text);
    },
    /** The page after paying when the merchant gave nowhere to send the customer. */
    result: (lang: QpayLang, heading: string, text: string, extra: SafeHtml): string =>
      qpayMessagePage(frame(lang), heading, text, extra),
  };
}

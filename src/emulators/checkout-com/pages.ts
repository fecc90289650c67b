import { html } from '../kit/html.ts';
import { QPAY_TEXT, type QpayFormState, type QpayLang, qpayPages } from '../kit/qpay-page.ts';
import type { Payment, PaymentStatus } from './state.ts';

export type Lang = QpayLang;

const TEXT = {
  en: {
    ...QPAY_TEXT.en,
    secure: 'Secure payment by NAPS',
    testIntro: 'This is the Checkout.com QPay emulator. No real money moves. Use:',
    testPin: 'PIN 677 approves the payment; any other PIN declines it',
    testOtp: 'OTP: any 6 digits, e.g. 123456',
    errors: { ...QPAY_TEXT.en.errors, otp: 'The OTP must have exactly 6 digits.' },
    resultTitle: { Captured: 'Payment approved', Declined: 'Payment declined', Canceled: 'Payment canceled' },
    sessionLabel: 'Session id',
  },
  ar: {
    ...QPAY_TEXT.ar,
    secure: 'دفع آمن عبر شبكة نابس',
    testIntro: 'هذا محاكي QPay من Checkout.com، ولا تُنقل أي أموال حقيقية. استخدم:',
    testPin: 'الرقم السري 677 يوافق على الدفعة، وأي رقم سري آخر يرفضها',
    testOtp: 'رمز التحقق: أي 6 أرقام، مثل 123456',
    errors: { ...QPAY_TEXT.ar.errors, otp: 'يجب أن يتكون رمز التحقق من 6 أرقام بالضبط.' },
    resultTitle: { Captured: 'تمت الموافقة على الدفعة', Declined: 'تم رفض الدفعة', Canceled: 'تم إلغاء الدفعة' },
    sessionLabel: 'معرّف الجلسة',
  },
} as const;

export const TEST_CARD = '4215375500883243';

/** QAR minor units to "QAR 1.00" with string arithmetic only (QAR has two decimals). */
export function formatAmount(amount: number, currency: string): string {
  const digits = String(amount).padStart(3, '0');
  return `${currency} ${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

export function pickLang(requested: unknown, payment?: Payment): Lang {
  if (requested === 'ar' || requested === 'en') return requested;
  return payment?.language === 'ar' ? 'ar' : 'en';
}

const PAGES = qpayPages({
  text: TEXT,
  theme: { brand: '#8a1538', pay: '#8a1538', payText: '#fff', payHover: '#6f102d' },
  switchHref: (pun, other) => `/qpay-external/redirect-to-qpay?pun=${encodeURIComponent(pun)}&lang=${other}`,
});

export type FormState = QpayFormState;

/** The card form of a payment, headed by its entity's name. */
export function renderPaymentForm(
  payment: Payment,
  merchantName: string | undefined,
  lang: Lang,
  state: FormState = {},
): string {
  return PAGES.form(
    lang,
    payment.pun,
    {
      merchantName,
      amount: formatAmount(payment.amount, payment.currency),
      description: payment.description,
      action: '/qpay-external/pay',
      hidden: { name: 'pun', value: payment.pun },
      otpAttrs: html`type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6"`,
      testCard: TEST_CARD,
    },
    state,
  );
}

export function renderNotFound(lang: Lang): string {
  return PAGES.notFound(lang);
}

/** Shown for a payment that can no longer be paid: completed, canceled, declined or expired. */
export function renderNotPayable(payment: Payment, lang: Lang): string {
  return PAGES.notPayable(lang, payment.pun, payment.status === 'Expired' || payment.status === 'Voided');
}

/** The page shown after paying when the merchant gave no success/failure URL. */
export function renderResult(payment: Payment, sessionId: string, lang: Lang): string {
  const t = TEXT[lang];
  // Shown right after completion, before any refund can change the status.
  const status = payment.status as Extract<PaymentStatus, 'Captured' | 'Declined' | 'Canceled'>;
  const extra = html`<p class="muted">${t.sessionLabel}: <code class="ltr" id="session-id">${sessionId}</code></p>`;
  return PAGES.result(lang, t.resultTitle[status], formatAmount(payment.amount, payment.currency), extra);
}

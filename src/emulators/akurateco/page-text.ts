import { html, type SafeHtml } from '../kit/html.ts';
import type { CardField } from './pages.ts';

export type Lang = 'en' | 'ar';

/** The page's language from the session's `checkout_language` (`ar`, `ar-QA`, ...: Arabic); English otherwise. */
export function pageLang(checkoutLanguage: string | undefined): Lang {
  return checkoutLanguage?.trim().toLowerCase().split(/[-_]/)[0] === 'ar' ? 'ar' : 'en';
}

/** A Latin name kept in its own direction inside Arabic text (else "3-D" reads "D-3"). */
const SECURE = html`<bdi>3-D Secure</bdi>`;

/** What the test-mode box says; `card`, `cvv` and `year` are the test card's, as code. */
type TestModeText = {
  label: string;
  heading: string;
  card(card: SafeHtml, cvv: SafeHtml, year: SafeHtml): SafeHtml;
  outcomes: readonly [month: string, outcome: string | SafeHtml][];
  others: string;
};

/** Everything the hosted card page says, in both languages. */
export const TEXT: Record<
  Lang,
  {
    brand: string;
    order: string;
    title: string;
    payByCard: string;
    labels: Record<CardField, string>;
    errors: Record<CardField, string>;
    pay: string;
    cancel: string;
    testMode: TestModeText;
    threeDsTitle: string;
    threeDsHeading: string | SafeHtml;
    threeDsAsk: string;
    threeDsWill: { succeed: string; fail: string };
    continue: string;
    expiredTitle: string;
    expired(order: SafeHtml): SafeHtml;
    backToMerchant: string;
    closedTitle: string;
    closedHeading: string;
    closed(order: SafeHtml): SafeHtml;
    notFoundTitle: string;
    notFound: string;
  }
> = {
  en: {
    brand: 'Secure payment page',
    order: 'Order',
    title: 'Checkout',
    payByCard: 'Pay by card',
    labels: {
      card_number: 'Card number',
      expiry: 'Expiry (MM/YY)',
      cvv: 'CVV',
      card_holder: 'Cardholder name',
    },
    errors: {
      card_number: 'Enter a valid card number.',
      expiry: 'Enter a valid expiry date (MM/YY).',
      cvv: 'Enter the 3 or 4 digit security code.',
      card_holder: 'Enter the cardholder name.',
    },
    pay: 'Pay',
    cancel: 'Cancel',
    testMode: {
      label: 'Test mode',
      heading: 'Test mode: no real money moves',
      card: (card, cvv, year) =>
        html`Card ${card}, CVV ${cvv}, year ${year} (accepted for this test card even though 2025 has passed; any year works). The expiry month picks the outcome:`,
      outcomes: [
        ['01', 'success (settled)'],
        ['02', 'decline'],
        ['05', '3-D Secure, then success'],
        ['06', '3-D Secure, then failure'],
      ],
      others: 'Any other Luhn-valid card with a future expiry is settled.',
    },
    threeDsTitle: '3-D Secure',
    threeDsHeading: '3-D Secure verification',
    threeDsAsk: 'Your bank asks you to confirm this payment.',
    threeDsWill: {
      succeed: 'Test mode: this authentication will succeed.',
      fail: 'Test mode: this authentication will fail.',
    },
    continue: 'Continue',
    expiredTitle: 'Session expired',
    expired: (order) => html`The time to pay for order ${order} has run out.`,
    backToMerchant: 'Return to the merchant',
    closedTitle: 'Link no longer valid',
    closedHeading: 'This payment link is no longer valid',
    closed: (order) => html`Order ${order}: one link is one payment, and this one has been used.`,
    notFoundTitle: 'Not found',
    notFound: 'Payment session not found',
  },
  ar: {
    brand: 'صفحة دفع آمنة',
    order: 'الطلب',
    title: 'الدفع',
    payByCard: 'الدفع بالبطاقة',
    labels: {
      card_number: 'رقم البطاقة',
      expiry: 'تاريخ الانتهاء (شهر/سنة)',
      cvv: 'رمز الأمان (CVV)',
      card_holder: 'اسم حامل البطاقة',
    },
    errors: {
      card_number: 'أدخل رقم بطاقة صالحًا.',
      expiry: 'أدخل تاريخ انتهاء صالحًا (شهر/سنة).',
      cvv: 'أدخل رمز الأمان المكوّن من 3 أو 4 أرقام.',
      card_holder: 'أدخل اسم حامل البطاقة.',
    },
    pay: 'ادفع',
    cancel: 'إلغاء',
    testMode: {
      label: 'وضع الاختبار',
      heading: 'وضع الاختبار: لا تُنقل أي أموال حقيقية',
      card: (card, cvv, year) =>
        html`البطاقة ${card}، رمز الأمان ${cvv}، السنة ${year} (مقبولة لهذه البطاقة التجريبية رغم مرور عام 2025؛ وأي سنة أخرى تصلح أيضًا). شهر الانتهاء يحدد النتيجة:`,
      outcomes: [
        ['01', 'نجاح (settled)'],
        ['02', 'رفض'],
        ['05', html`تحقق ${SECURE} ثم نجاح`],
        ['06', html`تحقق ${SECURE} ثم فشل`],
      ],
      others: 'أي بطاقة أخرى صالحة وفق خوارزمية Luhn وتاريخ انتهائها في المستقبل تُسوّى (settled).',
    },
    threeDsTitle: '3-D Secure',
    threeDsHeading: html`التحقق عبر ${SECURE}`,
    threeDsAsk: 'يطلب منك البنك تأكيد هذه الدفعة.',
    threeDsWill: { succeed: 'وضع الاختبار: سينجح هذا التحقق.', fail: 'وضع الاختبار: سيفشل هذا التحقق.' },
    continue: 'متابعة',
    expiredTitle: 'انتهت صلاحية الجلسة',
    expired: (order) => html`انتهت المهلة المحددة لدفع الطلب ${order}.`,
    backToMerchant: 'العودة إلى التاجر',
    closedTitle: 'الرابط لم يعد صالحًا',
    closedHeading: 'رابط الدفع هذا لم يعد صالحًا',
    closed: (order) => html`الطلب ${order}: كل رابط لدفعة واحدة، وقد استُخدم هذا الرابط.`,
    notFoundTitle: 'غير موجودة',
    notFound: 'لم يتم العثور على جلسة الدفع',
  },
};

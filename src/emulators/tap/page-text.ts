import { QPAY_TEXT, type QpayLang } from '../kit/qpay-page.ts';

export type Lang = QpayLang;

export const TEST_CARD = '4215375500883243';

/** Everything the hosted page says, in both languages: QPay's words and Tap's own. */
export const TEXT = {
  en: {
    ...QPAY_TEXT.en,
    secure: 'NAPS QPay, powered by Tap',
    testIntro: 'This is the Tap Payments QPay emulator. No real money moves. Use:',
    testPin: 'PIN 677 approves the payment (CAPTURED); any other PIN declines it (DECLINED)',
    testOtp: 'OTP: anything, e.g. 1234',
    errors: { ...QPAY_TEXT.en.errors, otp: 'Enter the one-time password.' },
    resultTitle: { CAPTURED: 'Payment approved', DECLINED: 'Payment declined', CANCELLED: 'Payment cancelled' },
    chargeLabel: 'Charge id',
  },
  ar: {
    ...QPAY_TEXT.ar,
    secure: 'QPay من نابس، بواسطة تاب',
    testIntro: 'هذا محاكي QPay من تاب للمدفوعات، ولا تُنقل أي أموال حقيقية. استخدم:',
    testPin: 'الرقم السري 677 يوافق على الدفعة (CAPTURED)، وأي رقم سري آخر يرفضها (DECLINED)',
    testOtp: 'رمز التحقق: أي قيمة، مثل 1234',
    errors: { ...QPAY_TEXT.ar.errors, otp: 'أدخل رمز التحقق لمرة واحدة.' },
    resultTitle: { CAPTURED: 'تمت الموافقة على الدفعة', DECLINED: 'تم رفض الدفعة', CANCELLED: 'تم إلغاء الدفعة' },
    chargeLabel: 'معرّف العملية',
  },
} as const;

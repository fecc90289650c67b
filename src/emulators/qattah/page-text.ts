import type { Lang } from './state.ts';

export const TEXT = {
  ar: {
    title: 'قطّة باي',
    total: 'المبلغ الإجمالي',
    remaining: 'الوقت المتبقي',
    splitEqual: 'تقسيم بالتساوي',
    people: 'عدد الأشخاص',
    splitEqualButton: 'قسّم بالتساوي',
    splitCustom: 'تقسيم بمبالغ مخصصة',
    shareName: 'الاسم',
    shareAmount: 'المبلغ',
    splitCustomButton: 'قسّم',
    shares: 'الحصص',
    shareHint: 'شارك رابط كل حصة مع صاحبها.',
    refresh: 'تحديث',
    payTitle: 'ادفع حصتك',
    payApple: 'الدفع عبر Apple Pay',
    payMada: 'الدفع عبر مدى',
    paidWaiting: 'تم دفع حصتك. بانتظار دفع بقية الحصص.',
    success: 'تم دفع الطلب بالكامل.',
    backToMerchant: 'العودة إلى المتجر',
    failure: 'انتهت مهلة الدفع (15 دقيقة) قبل دفع جميع الحصص.',
    abandoned: 'تم إلغاء الطلب.',
    refunded: 'تم استرداد مبلغ الطلب.',
    notFound: 'الطلب غير موجود.',
    status: { PENDING: 'بانتظار الدفع', PAID: 'مدفوعة', EXPIRED: 'منتهية', AUTHORIZED: 'مفوّضة', REFUNDED: 'مستردة' },
  },
  en: {
    title: 'Qattah Pay',
    total: 'Total',
    remaining: 'Time left',
    splitEqual: 'Split equally',
    people: 'Number of people',
    splitEqualButton: 'Split equally',
    splitCustom: 'Split by custom amounts',
    shareName: 'Name',
    shareAmount: 'Amount',
    splitCustomButton: 'Split',
    shares: 'Shares',
    shareHint: 'Send each share link to the person who pays it.',
    refresh: 'Refresh',
    payTitle: 'Pay your share',
    payApple: 'Pay with Apple Pay',
    payMada: 'Pay with mada',
    paidWaiting: 'Your share is paid. Waiting for the other shares to be paid.',
    success: 'The order is fully paid.',
    backToMerchant: 'Back to the merchant',
    failure: 'The 15-minute payment window ended before every share was paid.',
    abandoned: 'The order was cancelled.',
    refunded: 'The order was refunded.',
    notFound: 'Order not found.',
    status: { PENDING: 'Pending', PAID: 'Paid', EXPIRED: 'Expired', AUTHORIZED: 'Authorized', REFUNDED: 'Refunded' },
  },
} as const;

export type PageText = (typeof TEXT)[Lang];

export function pickLang(query: string | undefined, fallback: Lang = 'ar'): Lang {
  return query === 'en' || query === 'ar' ? query : fallback;
}

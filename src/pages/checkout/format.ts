import { formatMajor } from '../../core/money.ts';
import type { Lang } from '../kit/i18n.ts';

const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

/** Latin digits as Arabic-Indic ones (٠–٩) in Arabic; unchanged in English. */
export function localDigits(text: string, lang: Lang): string {
  return lang === 'ar' ? text.replace(/[0-9]/g, (d) => ARABIC_INDIC[Number(d)] ?? d) : text;
}

/** Currency symbols shoppers in the Gulf read in Arabic; other currencies keep their code. */
const ARABIC_CURRENCY: Readonly<Record<string, string>> = {
  QAR: 'ر.ق',
  SAR: 'ر.س',
  AED: 'د.إ',
  KWD: 'د.ك',
  BHD: 'د.ب',
  OMR: 'ر.ع.',
  JOD: 'د.أ',
  EGP: 'ج.م',
};

/**
 * An amount as a shopper reads it, with the currency's own decimals (three for KWD, BHD, OMR,
 * JOD): `QAR 1,500.00` in English (a no-break space after the code); `١٬٥٠٠٫٠٠ ر.ق` in Arabic (Arabic-Indic digits and separators).
 */
export function shopperMoney(amount: number, currency: string, lang: Lang): string {
  const major = formatMajor({ amount, currency });
  const [whole = '0', frac] = major.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  if (lang === 'en') return `${currency}\u00a0${grouped}${frac === undefined ? '' : `.${frac}`}`;
  const number = localDigits(grouped.replace(/,/g, '٬') + (frac === undefined ? '' : `٫${frac}`), 'ar');
  return `${number}\u00a0${ARABIC_CURRENCY[currency] ?? currency}`;
}

/** A time of day in the Gulf (Asia/Qatar), with the language's digits. */
export function shopperTime(ms: number, lang: Lang): string {
  const text = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-QA-u-nu-arab' : 'en-GB', {
    timeZone: 'Asia/Qatar',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
  return lang === 'ar' ? localDigits(text, 'ar') : text;
}

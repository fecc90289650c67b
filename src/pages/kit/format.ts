import { formatMajor } from '../../core/money.ts';
import type { Lang } from './i18n.ts';

/** The time zone dates are shown in unless the operator chose another. */
export const DEFAULT_TIME_ZONE = 'Asia/Qatar';

/** True when `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * An amount in minor units as operators read it: the currency's own number of decimals (three
 * for KWD, BHD, OMR, JOD), thousands grouped, the code before it: `QAR 1,500.00`.
 */
export function formatMoney(amount: number, currency: string): string {
  const major = formatMajor({ amount, currency });
  const negative = major.startsWith('-');
  const [whole = '0', frac] = (negative ? major.slice(1) : major).split('.');
  return `${negative ? '-' : ''}${currency} ${group(whole)}${frac === undefined ? '' : `.${frac}`}`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(lang: Lang, timeZone: string, withSeconds: boolean): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${withSeconds}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-QA-u-nu-latn' : 'en-GB', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      hourCycle: 'h23',
    });
    formats.set(key, f);
  }
  return f;
}

/** An instant in the operator's time zone and language (Latin digits in both). */
export function formatDate(ms: number, lang: Lang, timeZone: string, withSeconds = false): string {
  return formatter(lang, timeZone, withSeconds).format(new Date(ms));
}

/** The calendar date (`YYYY-MM-DD`) of an instant in `timeZone`. */
export function dayIn(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(ms),
  );
}

/** The offset of `timeZone` from UTC at `ms`, in minutes (Asia/Qatar: 180). */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'));
  return Math.round((local - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

/** The instant a `YYYY-MM-DD` day starts in a zone `offsetMinutes` ahead of UTC; undefined if not a date. */
export function startOfDay(day: string, offsetMinutes: number): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(ms) ? undefined : ms - offsetMinutes * 60_000;
}

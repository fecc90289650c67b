/**
 * Tap speaks major units as JSON numbers; the emulator keeps integer minor units. Conversions go
 * through the decimal text of the number (`String(n)`), never through float multiplication.
 */

/** Currencies whose minor unit is not 1/100 (providers.md §5); every other one has 2 decimals. */
const EXPONENTS: Record<string, number> = {
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
  LYD: 3,
  IQD: 3,
  JPY: 0,
  KRW: 0,
  VND: 0,
  CLP: 0,
  ISK: 0,
  UGX: 0,
  XAF: 0,
  XOF: 0,
};

// ISO 4217 active codes: a well-formed code outside this list is "invalid" (1118), one inside but
// not taken by the payment method is "unsupported" (1119).
const ISO_4217 = new Set(
  (
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD ' +
    'GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT ' +
    'LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR ' +
    'NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP ' +
    'STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF ' +
    'YER ZAR ZMW ZWL'
  ).split(' '),
);

export function isIsoCurrency(code: string): boolean {
  return ISO_4217.has(code);
}

export function exponentOf(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/** `{int, frac}` digit strings of a finite number's exact shortest decimal text, exponent form included. */
function decimalDigits(value: number): { int: string; frac: string } {
  const text = String(Math.abs(value)).toLowerCase();
  const [mantissa = '', exp = '0'] = text.split('e');
  const [intPart = '', fracPart = ''] = mantissa.split('.');
  const digits = intPart + fracPart;
  // Position of the decimal point within `digits` once the exponent is applied.
  const point = intPart.length + Number(exp);
  const padded = point <= 0 ? '0'.repeat(1 - point) + digits : digits.padEnd(point, '0');
  const at = Math.max(point, 1);
  return { int: padded.slice(0, at).replace(/^0+(?=\d)/, ''), frac: padded.slice(at).replace(/0+$/, '') };
}

/** 15 significant digits: the most a JSON number (a double) carries exactly both ways. */
export const MAX_MINOR = 999_999_999_999_999;

export type ParsedAmount = { ok: true; minor: number } | { ok: false; reason: 'invalid' | 'too_many_decimals' };

/** A JSON number of major units to integer minor units of `currency`, exactly. */
export function majorToMinor(value: unknown, currency: string): ParsedAmount {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return { ok: false, reason: 'invalid' };
  const exponent = exponentOf(currency);
  const { int, frac } = decimalDigits(value);
  if (frac.length > exponent) return { ok: false, reason: 'too_many_decimals' };
  const minor = BigInt(int + frac.padEnd(exponent, '0'));
  if (minor <= 0n || minor > BigInt(MAX_MINOR)) return { ok: false, reason: 'invalid' };
  return { ok: true, minor: Number(minor) };
}

/** Minor units as a fixed-decimals string: 100 QAR → "1.00", 1500 KWD → "1.500" (the hashstring form). */
export function formatMajor(minor: number, currency: string): string {
  const exponent = exponentOf(currency);
  if (exponent === 0) return String(minor);
  const digits = String(minor).padStart(exponent + 1, '0');
  return `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Minor units as the JSON number Tap answers with (100 QAR → 1, 150 → 1.5). */
export function minorToMajor(minor: number, currency: string): number {
  // Parsing the exact decimal text yields the double closest to it, which prints back the same way.
  return Number(formatMajor(minor, currency));
}

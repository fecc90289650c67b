/** ISO 4217 exponents of the currencies the emulator knows; any other 3-letter code uses 2. */
const EXPONENTS: Record<string, number> = {
  QAR: 2,
  SAR: 2,
  AED: 2,
  USD: 2,
  EUR: 2,
  KWD: 3,
  BHD: 3,
  OMR: 3,
  JOD: 3,
  TND: 3,
  VND: 0,
  ISK: 0,
  UGX: 0,
  JPY: 0,
};

export const exponentOf = (currency: string): number => EXPONENTS[currency] ?? 2;

/**
 * Parses the Checkout amount string: exactly the currency's number of decimals, no leading
 * zeros ("3.01", "0.19", "10.000" for KWD); returns integer minor units, or null.
 */
export function parseAmount(text: unknown, currency: string): number | null {
  if (typeof text !== 'string') return null;
  const exp = exponentOf(currency);
  const pattern = exp === 0 ? /^(0|[1-9]\d{0,11})$/ : new RegExp(`^(0|[1-9]\\d{0,11})\\.(\\d{${exp}})$`);
  const match = pattern.exec(text);
  if (!match) return null;
  const minor = Number(match[1]) * 10 ** exp + (exp === 0 ? 0 : Number(match[2]));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Integer minor units → "3.01" with the currency's exponent, by string arithmetic. */
export function formatAmount(minor: number, currency: string): string {
  const exp = exponentOf(currency);
  const digits = String(minor).padStart(exp + 1, '0');
  if (exp === 0) return digits;
  return `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
}

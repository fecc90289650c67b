/**
 * Money: integer minor units plus an ISO 4217 currency, everywhere inside Bawaba.
 *
 * This module owns the exponent table and every conversion to and from a provider's
 * wire format. No float arithmetic on money happens anywhere: major-unit forms are built
 * and parsed as decimal strings.
 */

/** An amount of money in integer minor units (fils, halalas, ...). */
export interface Money {
  /** Integer minor units; always a safe integer. */
  readonly amount: number;
  /** ISO 4217 alphabetic code, upper case. */
  readonly currency: string;
}

/**
 * ISO 4217 minor-unit exponents of the currencies Bawaba knows. Deliberately not taken from
 * `Intl`, whose currency digits differ from ISO 4217 for several currencies.
 */
export const CURRENCY_EXPONENTS: Readonly<Record<string, number>> = Object.freeze({
  AED: 2,
  BHD: 3,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  JOD: 3,
  JPY: 0,
  KWD: 3,
  OMR: 3,
  QAR: 2,
  SAR: 2,
  TND: 3,
  USD: 2,
});

/** True when `currency` is an ISO 4217 code present in {@link CURRENCY_EXPONENTS}. */
export function isKnownCurrency(currency: string): boolean {
  return Object.hasOwn(CURRENCY_EXPONENTS, currency);
}

/**
 * The ISO 4217 exponent of a known currency.
 * @throws RangeError for an unknown currency.
 */
export function exponentOf(currency: string): number {
  const exp = CURRENCY_EXPONENTS[currency];
  if (exp === undefined) throw new RangeError(`unknown currency ${currency}`);
  return exp;
}

/**
 * Renders minor units as a major-unit decimal string with exactly the currency's exponent
 * digits: `formatMajor({amount: 301, currency: 'QAR'})` is `"3.01"`, KWD 5 is `"0.005"`.
 */
export function formatMajor(money: Money): string {
  const exp = exponentOf(money.currency);
  if (!Number.isSafeInteger(money.amount)) throw new RangeError('amount is not a safe integer');
  const negative = money.amount < 0;
  const digits = String(Math.abs(money.amount)).padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = digits.slice(digits.length - exp);
  return `${negative ? '-' : ''}${whole}${exp > 0 ? `.${frac}` : ''}`;
}

/**
 * An amount as messages to people say it: currency, major units, and the minor units the API
 * speaks in: `QAR 10.00 (1000)`.
 */
export function describeAmount(money: Money): string {
  return `${money.currency} ${formatMajor(money)} (${money.amount})`;
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * Parses a major-unit decimal string (`"100.00"`, `"3.5"`, `"7"`) into minor units exactly.
 * Fewer fraction digits than the exponent are padded; more are accepted only when the extra
 * digits are zeros (`"1.500"` in QAR), otherwise the value is not representable.
 * @throws RangeError when the text is not a plain decimal or not representable.
 */
export function parseMajor(text: string, currency: string): Money {
  const exp = exponentOf(currency);
  const m = DECIMAL.exec(text.trim());
  if (!m) throw new RangeError(`not a decimal amount: ${JSON.stringify(text)}`);
  const [, sign, whole = '0', fracRaw = ''] = m;
  const extra = fracRaw.slice(exp);
  if (/[^0]/.test(extra)) {
    throw new RangeError(`${text} has more than ${exp} decimals for ${currency}`);
  }
  const frac = fracRaw.slice(0, exp).padEnd(exp, '0');
  const amount = Number(`${sign}${whole}${frac}`);
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${text} is out of range`);
  return { amount: amount === 0 ? 0 : amount, currency };
}

/**
 * The major-unit JSON number some providers expect. The number is built from the
 * exact decimal string, so its JSON rendering is that string (`1.5`, `0.005`).
 */
export function toMajorNumber(money: Money): number {
  return Number(formatMajor(money));
}

/**
 * Reads a major-unit JSON number back into minor units, through its shortest decimal
 * rendering (never by multiplying a float).
 * @throws RangeError when the number has more decimals than the currency allows.
 */
export function fromMajorNumber(value: number, currency: string): Money {
  if (!Number.isFinite(value)) throw new RangeError('amount is not finite');
  let text = String(value);
  if (/e/i.test(text)) text = value.toFixed(20).replace(/\.?0+$/, '');
  return parseMajor(text, currency);
}

/**
 * Splits `total` into parts proportional to `weights` (largest remainder), so the parts are
 * integers in minor units that always sum exactly to the total.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError('total must be a non-negative safe integer');
  if (weights.length === 0 || weights.some((w) => !Number.isSafeInteger(w) || w < 0)) {
    throw new RangeError('weights must be non-negative safe integers');
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) throw new RangeError('weights must not all be zero');
  const big = weights.map((w) => BigInt(w) * BigInt(total));
  const parts = big.map((b) => Number(b / BigInt(sum)));
  const order = big
    .map((b, i) => ({ i, rem: b % BigInt(sum) }))
    .sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  let left = total - parts.reduce((a, b) => a + b, 0);
  for (const { i } of order) {
    if (left === 0) break;
    parts[i] = (parts[i] ?? 0) + 1;
    left -= 1;
  }
  return parts;
}

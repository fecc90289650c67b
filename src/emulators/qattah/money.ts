/**
 * Qattah takes SAR as a JSON number in major units and answers strings with two decimals
 * (providers.md §3.2, §5). Inside, amounts are integer halalas; conversions go through the
 * number's decimal text (`String(n)`), never through float multiplication.
 */

/** Largest order total accepted: 9 999 999 999.99 SAR keeps halalas far inside safe integers. */
const MAX_DIGITS = 10;

export type ParsedAmount = { ok: true; minor: number } | { ok: false; error: string };

/** Parses decimal text `123`, `123.4`, `123.45` into halalas; anything else is an error. */
export function parseSarText(text: string): ParsedAmount {
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (!match) {
    if (/^\d+\.\d{3,}$/.test(text.trim())) return { ok: false, error: 'may have at most 2 decimal places' };
    return { ok: false, error: 'must be a positive number' };
  }
  const int = (match[1] ?? '').replace(/^0+(?=\d)/, '');
  if (int.length > MAX_DIGITS) return { ok: false, error: 'is too large' };
  const minor = Number(int) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (minor <= 0) return { ok: false, error: 'must be greater than 0' };
  return { ok: true, minor };
}

/** A JSON number in SAR (exact decimal text, at most 2 decimals, > 0) to halalas. */
export function parseSarNumber(value: unknown): ParsedAmount {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, error: 'must be a number' };
  if (value <= 0) return { ok: false, error: 'must be greater than 0' };
  return parseSarText(String(value));
}

/** Halalas to `"100.00"`. */
export function formatSar(minor: number): string {
  const int = Math.floor(minor / 100);
  return `${int}.${String(minor % 100).padStart(2, '0')}`;
}

/** Splits `total` halalas into `parts` shares that add up exactly; earlier shares take the remainder. */
export function splitEqually(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const remainder = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < remainder ? 1 : 0));
}

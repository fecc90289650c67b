const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const LATEST = Date.UTC(9999, 11, 31);
const UNITS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * An expiry as the API and the CLI take it: an ISO 8601 date-time with its offset (a bare date
 * is midnight UTC) or Unix seconds; epoch milliseconds, or undefined when it is neither.
 */
export function parseInstant(value: string | number): number | undefined {
  if (typeof value === 'number' || /^\d{1,12}$/.test(value)) {
    const seconds = Number(value);
    return Number.isSafeInteger(seconds) && seconds >= 0 && seconds * 1000 <= LATEST ? seconds * 1000 : undefined;
  }
  if (!ISO_8601.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) || ms > LATEST ? undefined : ms;
}

/** `90d`, `12h`, `30m`, `45s`, `2w` in milliseconds; undefined for anything else. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return undefined;
  const ms = Number(m[1]) * (UNITS[m[2]] ?? 0);
  return ms > 0 ? ms : undefined;
}

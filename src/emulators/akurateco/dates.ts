const QATAR_OFFSET_MS = 3 * 3_600_000;

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD hh:mm:ss` in UTC, the seed's `date` format. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** Asia/Qatar is UTC+3 all year (no daylight saving). */
const qatarDay = (ms: number): string => new Date(ms + QATAR_OFFSET_MS).toISOString().slice(0, 10);
const qatarHour = (ms: number): number => new Date(ms + QATAR_OFFSET_MS).getUTCHours();

export const VOID_CUTOFF_HOUR = 21;

/** TESS rule (providers.md §4.5): same Qatar calendar day as the settlement, before 21:00 Qatar time. */
export function voidWindowProblem(settledAt: number, now: number): string | null {
  if (qatarDay(settledAt) !== qatarDay(now)) {
    return 'Void is only possible on the day of the payment (Asia/Qatar time)';
  }
  if (qatarHour(now) >= VOID_CUTOFF_HOUR) return 'Void is not accepted between 21:00 and 24:00 Asia/Qatar time';
  return null;
}

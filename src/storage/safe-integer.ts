/**
 * Integer columns (money, epoch-ms times) must come back as exact JS numbers. better-sqlite3
 * silently rounds beyond 2^53 and pg hands int8 over as text, so both paths check here.
 */
export function toSafeInteger(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new RangeError(`${what}: ${String(value)} is not a safe integer`);
  }
  return n;
}

/** Like {@link toSafeInteger} but lets SQL NULL through. */
export function toSafeIntegerOrNull(value: unknown, what: string): number | null {
  return value === null ? null : toSafeInteger(value, what);
}

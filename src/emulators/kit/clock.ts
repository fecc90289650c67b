/** Real time shifted by an offset that the control API moves forward. */
export type EmulatorClock = {
  now(): number;
  nowIso(): string;
  offsetMs(): number;
  advance(ms: number): number;
  reset(): void;
};

export function createEmulatorClock(realNow: () => number = Date.now): EmulatorClock {
  let offset = 0;
  const now = (): number => realNow() + offset;
  return {
    now,
    nowIso: () => new Date(now()).toISOString(),
    offsetMs: () => offset,
    advance(ms: number): number {
      // Time only moves forward: expiry and caches assume monotonic emulator time.
      if (!Number.isSafeInteger(ms) || ms < 0) {
        throw new RangeError(`advance_ms must be a non-negative integer, got ${String(ms)}`);
      }
      offset += ms;
      return now();
    },
    reset(): void {
      offset = 0;
    },
  };
}

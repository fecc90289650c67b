/**
 * A fixed-window counter per key: the checkout pages are public, so each address (and each
 * session's form) gets a budget per minute. In memory: a node's own share of the traffic.
 */
export function windowLimiter(max: number, windowMs: number, now: () => number): (key: string) => boolean {
  let windowStart = now();
  let counts = new Map<string, number>();
  return (key) => {
    const t = now();
    if (t - windowStart >= windowMs) {
      windowStart = t;
      counts = new Map();
    }
    const used = (counts.get(key) ?? 0) + 1;
    counts.set(key, used);
    return used <= max;
  };
}

/**
 * The one way tests wait: poll a condition, briefly, until it holds or a deadline passes, and
 * fail naming what was awaited. Tests never sleep for a fixed time instead.
 */

const POLL_MS = 5;

/** Polls `predicate` until it holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  await waitForValue(async () => ((await predicate()) ? true : undefined), what, timeoutMs);
}

/** Polls `get` until it gives a value (not undefined) and answers it; fails naming `what` after `timeoutMs`. */
export async function waitForValue<T>(
  get: () => T | undefined | Promise<T | undefined>,
  what = 'condition',
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * When each attempt of a merchant webhook delivery is made, counted from the previous one:
 * immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (the Svix / Standard Webhooks
 * schedule): 8 attempts over about 27.5 hours.
 */
export const WEBHOOK_RETRY_DELAYS_MS: readonly number[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 60 * 60_000,
  5 * 60 * 60_000,
  10 * 60 * 60_000,
  10 * 60 * 60_000,
];

/** A 2xx within this long is a successful delivery; anything else, or nothing, is a failure. */
export const WEBHOOK_TIMEOUT_MS = 15_000;

/** The delay before attempt number `attempt` (1-based), or undefined when there is none left. */
export function webhookDelayBefore(attempt: number): number | undefined {
  return WEBHOOK_RETRY_DELAYS_MS[attempt - 1];
}

/** Back-off of a job whose handler threw: 1 s, 2 s, 4 s ... capped at 1 hour. */
export function jobBackoffMs(attempts: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);
}

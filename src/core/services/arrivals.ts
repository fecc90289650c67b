/**
 * Provider news often outruns the answer it follows: a provider sends "payment pending" while
 * Bawaba is still storing the id its creation call returned. A notification that finds no
 * payment waits here, briefly, for this process to announce that it stored one with that id,
 * instead of looking again only when its wait runs out (a payment created on another node is
 * found by that look).
 */
const waiting = new Map<string, Set<() => void>>();

/** The key of a provider's payment id under one connector account. */
export function arrivalKey(connectorAccountId: string, providerPaymentId: string): string {
  return `${connectorAccountId}\u0000${providerPaymentId}`;
}

/** A wait for one key: `arrived` is true when it was announced in time; `cancel` ends it (false). */
export interface Arrival {
  readonly arrived: Promise<boolean>;
  cancel(): void;
}

/** Starts waiting, at once, for `key` to be announced within `timeoutMs`. */
export function awaitArrival(key: string, timeoutMs: number): Arrival {
  let listeners = waiting.get(key);
  if (listeners === undefined) {
    listeners = new Set();
    waiting.set(key, listeners);
  }
  const set = listeners;
  let finish: (arrived: boolean) => void = () => {};
  const arrived = new Promise<boolean>((resolve) => {
    finish = (value) => {
      clearTimeout(timer);
      set.delete(wake);
      if (set.size === 0 && waiting.get(key) === set) waiting.delete(key);
      resolve(value);
    };
  });
  const wake = () => finish(true);
  const timer = setTimeout(() => finish(false), timeoutMs);
  set.add(wake);
  return { arrived, cancel: () => finish(false) };
}

/** A payment with `key` was stored: wakes whoever waits for it. */
export function announceArrival(key: string): void {
  const listeners = waiting.get(key);
  if (listeners === undefined) return;
  for (const wake of [...listeners]) wake();
}

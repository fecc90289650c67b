import type { EmulatorClock } from '../kit/clock.ts';
import { prefixedId } from '../kit/ids.ts';
import { createGenericNotifier, type NotifierTuning } from '../kit/notifier.ts';
import type { Order } from './state.ts';

/** "A few" retries on a non-2xx answer (the schedule is not documented): after 2 s, 10 s, 1 min. */
export const DEFAULT_CALLBACK_RETRY_DELAYS_MS: readonly number[] = [2_000, 10_000, 60_000];

export type QattahNotifierOptions = {
  clock: EmulatorClock;
  tuning: NotifierTuning;
};

export type QattahNotifier = ReturnType<typeof createQattahNotifier>;

/** `callback_url` with `order_id` added to its query (kept if the merchant put one there already). */
export function callbackTarget(callbackUrl: string, orderId: string): string {
  const url = new URL(callbackUrl);
  url.searchParams.set('order_id', orderId);
  return url.toString();
}

/**
 * The success callback (providers.md §3.7): `GET {callback_url}?order_id=...`, no body, no
 * signature; sent only when an order becomes fully paid. The merchant then GETs the order.
 */
export function createQattahNotifier(options: QattahNotifierOptions) {
  const notifier = createGenericNotifier({
    clock: options.clock,
    ...options.tuning,
    retryDelaysMs: options.tuning.retryDelaysMs ?? DEFAULT_CALLBACK_RETRY_DELAYS_MS,
  });

  function orderPaid(order: Order): void {
    notifier.send({
      id: prefixedId('cb_', 20),
      type: 'order.paid',
      subjectId: order.id,
      body: Buffer.alloc(0),
      method: 'GET',
      targets:
        order.callbackUrl === null
          ? []
          : [{ url: callbackTarget(order.callbackUrl, order.id), headers: { accept: 'application/json' } }],
    });
  }

  return { ...notifier, orderPaid };
}

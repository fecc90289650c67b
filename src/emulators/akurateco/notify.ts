import { utf8Body } from '../kit/bytes.ts';
import type { EmulatorClock } from '../kit/clock.ts';
import { prefixedId } from '../kit/ids.ts';
import { createGenericNotifier, type NotifierTuning } from '../kit/notifier.ts';
import { callbackHash } from './hash.ts';
import type { MerchantRegistry } from './merchants.ts';
import { formatAmount } from './money.ts';
import type { CallbackEvent } from './state.ts';

const MINUTE = 60_000;
/** TESS (providers.md §4.6): immediately, then +15, +30 and +45 minutes after the first try. */
export const TESS_RETRY_DELAYS_MS: readonly number[] = [15 * MINUTE, 15 * MINUTE, 15 * MINUTE];

export const CALLBACK_CONTENT_TYPE = 'application/x-www-form-urlencoded; charset=utf-8';

export type AkuratecoNotifierOptions = {
  merchants: MerchantRegistry;
  clock: EmulatorClock;
  /** Retry delays count on the emulator clock (default TESS's 15, 15, 15 min). */
  tuning: NotifierTuning;
};

export type AkuratecoNotifier = ReturnType<typeof createAkuratecoNotifier>;

/** The callback's fields in the documented order (providers.md §4.6), hash last. */
export function callbackFields(event: CallbackEvent, password: string): [string, string][] {
  const { payment } = event;
  const base = {
    id: payment.id,
    order_number: payment.order.number,
    order_amount: formatAmount(payment.order.amount, payment.order.currency),
    order_currency: payment.order.currency,
    order_description: payment.order.description,
  };
  const fields: [string, string][] = [
    ...Object.entries(base),
    ['order_status', event.orderStatus],
    ['type', event.type],
    ['status', event.status],
  ];
  if (event.reason !== undefined) fields.push(['reason', event.reason]);
  fields.push(['hash', callbackHash(base, password)]);
  return fields;
}

/**
 * Posts each callback form-encoded to the merchant's configured notification URL (Checkout has
 * no per-request notification_url). Retries wait on the emulator clock and go out on a sweep.
 */
export function createAkuratecoNotifier(options: AkuratecoNotifierOptions) {
  const notifier = createGenericNotifier({
    clock: options.clock,
    ...options.tuning,
    retryDelaysMs: options.tuning.retryDelaysMs ?? TESS_RETRY_DELAYS_MS,
    retryOnClock: true,
  });

  function handle(event: CallbackEvent): void {
    const merchant = options.merchants.get(event.payment.merchantKey);
    if (!merchant) return;
    const body = new URLSearchParams(callbackFields(event, merchant.password)).toString();
    const url = merchant.notificationUrl;
    notifier.send({
      id: prefixedId('cb_', 26),
      type: `${event.type}.${event.status}`,
      subjectId: event.payment.id,
      body: utf8Body(body),
      targets: url === null ? [] : [{ url, headers: { 'content-type': CALLBACK_CONTENT_TYPE } }],
    });
  }

  return { ...notifier, handle };
}

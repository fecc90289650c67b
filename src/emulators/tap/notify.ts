import { utf8Body } from '../kit/bytes.ts';
import type { EmulatorClock } from '../kit/clock.ts';
import { prefixedId } from '../kit/ids.ts';
import { createGenericNotifier, type NotifierTuning } from '../kit/notifier.ts';
import { chargeHashFields, chargeJson, refundHashFields, refundJson } from './charge-json.ts';
import { hashString } from './hashstring.ts';
import type { MerchantRegistry } from './merchants.ts';
import type { TapEvent } from './state.ts';

export type TapNotifierOptions = {
  merchants: MerchantRegistry;
  clock: EmulatorClock;
  tuning: NotifierTuning;
  /** A copy about `subjectId` ended delivered or failed: Tap shows it as `post.status`. */
  onSettled?(subjectId: string, delivered: boolean): void;
};

export type TapNotifier = ReturnType<typeof createTapNotifier>;

/**
 * Posts the charge (or refund) object, as it is at the status change, to the object's `post.url`
 * with `hashstring` signed by the merchant's secret key (providers.md §2.5).
 */
export function createTapNotifier(options: TapNotifierOptions) {
  const notifier = createGenericNotifier({
    clock: options.clock,
    ...options.tuning,
    ...(options.onSettled !== undefined && { onSettled: options.onSettled }),
  });

  function handle(event: TapEvent): void {
    const subject = event.kind === 'charge' ? event.charge : event.refund;
    const merchant = options.merchants.get(subject.merchantId);
    if (!merchant) return;
    const [json, fields] =
      event.kind === 'charge'
        ? [chargeJson(event.charge, 'GET'), chargeHashFields(event.charge)]
        : [refundJson(event.refund, 'GET'), refundHashFields(event.refund)];
    const headers = { 'content-type': 'application/json', hashstring: hashString(fields, merchant.secretKey) };
    notifier.send({
      id: prefixedId('ntf_', 26),
      type: `${event.kind}.${subject.status}`,
      subjectId: subject.id,
      // A refund's notifications stay behind its charge's (a refund of a capture not yet notified).
      ...(event.kind === 'refund' && { sequenceKey: event.refund.chargeId }),
      body: utf8Body(JSON.stringify(json)),
      targets: subject.postUrl === undefined ? [] : [{ url: subject.postUrl, headers }],
    });
  }

  return { ...notifier, handle };
}

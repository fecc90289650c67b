import { BawabaError } from '../errors.ts';
import type { ProviderNotification } from '../event-ports.ts';
import type { Payment } from '../payment/payment.ts';
import type { PaymentDeps } from './deps.ts';
import { paymentOutbox } from './outbox.ts';

const MAX_ATTEMPTS = 8;

/** A provider notification to store with the change it brings; `stored` says whether it was. */
export interface CarriedNotification {
  readonly record: ProviderNotification;
  stored: boolean;
}

/**
 * Applies `change` to the freshest copy of a payment with optimistic concurrency: on a lost
 * race it reloads and asks `change` again, so concurrent writers (a notification and a customer
 * return) each decide on the other's result. `change` returns `undefined` to write nothing.
 * A status change writes its event (and webhook deliveries) in the same transaction, and so
 * does the provider notification that brought the change (`notification`), with its result.
 */
export async function updatePayment(
  deps: Pick<PaymentDeps, 'payments' | 'ids' | 'clock' | 'connectors'>,
  current: Payment,
  change: (fresh: Payment) => Payment | undefined,
  notification?: CarriedNotification,
): Promise<Payment> {
  let fresh = current;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = change(fresh);
    if (next === undefined) return fresh;
    const written = { ...next, version: fresh.version + 1 };
    const outbox = paymentOutbox(deps, fresh, written);
    const withNotification =
      notification === undefined
        ? outbox
        : {
            ...outbox,
            notification: {
              ...notification.record,
              processed: { result: 'applied', paymentId: fresh.id, at: next.updatedAt },
            },
          };
    if (await deps.payments.update(written, fresh.version, withNotification)) {
      if (notification !== undefined) notification.stored = true;
      return written;
    }
    const reloaded = await deps.payments.getById(fresh.id);
    if (!reloaded) throw new BawabaError('resource_not_found', `payment ${fresh.id} disappeared`);
    fresh = reloaded;
  }
  throw new BawabaError('internal_error', `payment ${current.id} kept changing under concurrent updates`);
}

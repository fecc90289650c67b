import { BawabaError } from '../errors.ts';
import type { ProviderNotification } from '../event-ports.ts';
import type { Payment } from '../payment/payment.ts';
import type { IdempotentAnswer } from '../repositories.ts';
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
 * does the provider notification that brought the change (`notification`), with its result,
 * and the answer to the request that made it (`answer`, given the payment as written).
 */
export async function updatePayment(
  deps: Pick<PaymentDeps, 'payments' | 'ids' | 'clock' | 'connectors'>,
  current: Payment,
  change: (fresh: Payment) => Payment | undefined,
  notification?: CarriedNotification,
  answer?: (written: Payment) => IdempotentAnswer | undefined,
): Promise<Payment> {
  let fresh = current;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = change(fresh);
    if (next === undefined) return fresh;
    const written = { ...next, version: fresh.version + 1 };
    const outbox = paymentOutbox(deps, fresh, written);
    const answered = answer?.(written);
    const full = {
      ...outbox,
      ...(notification && {
        notification: {
          ...notification.record,
          processed: { result: 'applied', paymentId: fresh.id, at: next.updatedAt },
        },
      }),
      ...(answered && { answer: answered }),
    };
    if (await deps.payments.update(written, fresh.version, full)) {
      if (notification !== undefined) notification.stored = true;
      return written;
    }
    const reloaded = await deps.payments.getById(fresh.id);
    if (!reloaded) throw new BawabaError('resource_not_found', `payment ${fresh.id} disappeared`);
    fresh = reloaded;
  }
  throw new BawabaError('internal_error', `payment ${current.id} kept changing under concurrent updates`);
}

import { BawabaError } from '../errors.ts';
import type { Payment } from '../payment/payment.ts';
import type { PaymentRepo } from '../ports.ts';

const MAX_ATTEMPTS = 8;

/**
 * Applies `change` to the freshest copy of a payment with optimistic concurrency: on a lost
 * race it reloads and asks `change` again, so concurrent writers (a notification and a customer
 * return) each decide on the other's result. `change` returns `undefined` to write nothing.
 */
export async function updatePayment(
  repo: PaymentRepo,
  current: Payment,
  change: (fresh: Payment) => Payment | undefined,
): Promise<Payment> {
  let fresh = current;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const next = change(fresh);
    if (next === undefined) return fresh;
    const written = { ...next, version: fresh.version + 1 };
    if (await repo.update(written, fresh.version)) return written;
    const reloaded = await repo.getById(fresh.id);
    if (!reloaded) throw new BawabaError('resource_not_found', `payment ${fresh.id} disappeared`);
    fresh = reloaded;
  }
  throw new BawabaError('internal_error', `payment ${current.id} kept changing under concurrent updates`);
}

import type { Kysely } from 'kysely';
import type { CustomerReturn, CustomerReturnRepo } from '../../core/repositories.ts';
import { toSafeInteger } from '../safe-integer.ts';
import type { DB } from '../schema.ts';
import { checkedStatus } from './payment-repo.ts';

/** Customers' returns from the providers' pages (see migration 0012). */
export function createCustomerReturnRepo(db: Kysely<DB>): CustomerReturnRepo {
  return {
    async record(r) {
      await db
        .insertInto('customer_returns')
        .values({ id: r.id, payment_id: r.paymentId, returned_at: r.returnedAt, outcome: r.outcome, status: r.status })
        .execute();
    },
    async listForPayment(paymentId) {
      const rows = await db
        .selectFrom('customer_returns')
        .selectAll()
        .where('payment_id', '=', paymentId)
        .orderBy('returned_at')
        .orderBy('id')
        .execute();
      return rows.map(
        (row): CustomerReturn => ({
          id: row.id,
          paymentId: row.payment_id,
          returnedAt: toSafeInteger(row.returned_at, 'customer_returns.returned_at'),
          outcome: row.outcome,
          status: checkedStatus(row.status),
        }),
      );
    },
  };
}

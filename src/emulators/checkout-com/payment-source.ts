import type { Payment } from './state.ts';

/** The `source` object of a QPay payment, as in API answers and webhook data. */
export function qpaySource(payment: Payment): Record<string, unknown> {
  const source: Record<string, unknown> = { type: 'qpay', description: payment.description, pun: payment.pun };
  if (payment.qpay) {
    source.qpay_status = payment.qpay.status;
    source.status_message = payment.qpay.message;
    if (payment.qpay.confirmationId !== undefined) source.confirmation_id = payment.qpay.confirmationId;
  }
  return source;
}

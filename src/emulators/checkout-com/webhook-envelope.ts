import { qpaySource } from './payment-source.ts';
import { qpayBalances } from './refunds.ts';
import type { NotificationEvent, Payment } from './state.ts';

/** The envelope version of the documented example (providers.md §1.9). */
export const WEBHOOK_VERSION = '1.0.29';

/** The webhook body for one event, built when the event happens so every copy sent is identical. */
export function webhookEnvelope(base: string, event: NotificationEvent, payment: Payment): Record<string, unknown> {
  const paymentHref = `${base}/payments/${payment.id}`;
  const actionsHref = `${paymentHref}/actions`;
  const { data } = event;
  return {
    id: event.id,
    type: event.type,
    version: WEBHOOK_VERSION,
    created_on: event.created_on,
    data: {
      id: data.id,
      ...(data.action_id !== undefined && { action_id: data.action_id }),
      ...(data.reference !== undefined && { reference: data.reference }),
      amount: data.amount,
      currency: data.currency,
      processed_on: data.processed_on,
      ...(data.response_code !== undefined && { response_code: data.response_code }),
      ...(data.response_summary !== undefined && { response_summary: data.response_summary }),
      balances: data.balances ?? qpayBalances(event.type === 'payment_captured' ? data.amount : 0),
      ...(data.metadata !== undefined && { metadata: data.metadata }),
      source: qpaySource(payment),
      event_links: { payment: paymentHref, payment_actions: actionsHref },
    },
    _links: {
      self: { href: `${base}/workflows/events/${event.id}` },
      subject: { href: paymentHref },
      payment: { href: paymentHref },
      payment_actions: { href: actionsHref },
    },
  };
}

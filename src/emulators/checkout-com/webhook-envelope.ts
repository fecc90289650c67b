import { qpaySource } from './payment-source.ts';
import type { NotificationEvent, NotificationType, Payment } from './state.ts';

/** The envelope version of the documented example (providers.md §1.9). */
export const WEBHOOK_VERSION = '1.0.29';

function balances(type: NotificationType, amount: number): Record<string, number> {
  // QPay has no separate authorisation: money is either captured in full or not at all.
  const captured = type === 'payment_captured' ? amount : 0;
  return {
    total_authorized: captured,
    total_voided: 0,
    available_to_void: 0,
    total_captured: captured,
    available_to_capture: 0,
    total_refunded: 0,
    available_to_refund: captured,
  };
}

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
      balances: data.balances ?? balances(event.type, data.amount),
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

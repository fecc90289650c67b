import { createHmac, timingSafeEqual } from 'node:crypto';
import type {
  ConnectorAccount,
  InboundNotification,
  NotificationOutcome,
  ProviderPaymentStatus,
} from '../../core/connector-contract.ts';
import { isObject, parseJson } from '../http.ts';

/** Checkout.com QPay notification types (providers.md §1.9) and what they say about the payment. */
export const CHECKOUT_EVENT_STATUS: Readonly<Record<string, ProviderPaymentStatus | null>> = {
  payment_pending: 'pending',
  payment_capture_pending: 'processing',
  payment_captured: 'captured',
  payment_approved: 'processing',
  payment_capture_declined: 'failed',
  payment_declined: 'failed',
  // Not read from the event: a customer's cancel or a failure (see CANCELED_OR_FAILED).
  payment_canceled: 'canceled',
  // QPay is never voided by the merchant: a void is Checkout's expiry of an unpaid payment.
  payment_voided: 'expired',
  payment_expired: 'expired',
  // Refund outcomes concern refund objects, not the payment's own status.
  payment_refund_pending: null,
  payment_refunded: null,
  payment_refund_declined: null,
};

/**
 * Checkout.com sends `payment_canceled` for QPay "when the customer has canceled the payment or
 * the payment has failed" (CKO-2): the event, signed as it is, cannot say which. It is taken as
 * an authenticated hint, and the gateway reads the outcome from the payment's GET and actions.
 */
export const CANCELED_OR_FAILED = 'payment_canceled';

/** Refund notifications (providers.md §1.7, §1.9): about the refund whose `action_id` they carry. */
export const REFUND_EVENT_STATUS: Readonly<Record<string, 'pending' | 'succeeded' | 'failed'>> = {
  payment_refund_pending: 'pending',
  payment_refunded: 'succeeded',
  payment_refund_declined: 'failed',
};

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies `Cko-Signature` (hex HMAC-SHA256 of the raw body with the webhook signature key,
 * providers.md §1.9) and, when the account sets one, the static `Authorization` header; then
 * reads the event. Unknown event types are verified but carry no status.
 */
export function parseCheckoutNotification(account: ConnectorAccount, n: InboundNotification): NotificationOutcome {
  const key = account.credentials.webhook_signature_key;
  if (!key) return { kind: 'unverified', reason: 'no webhook_signature_key is configured for this connector' };
  const signature = n.headers['cko-signature'];
  if (!signature) return { kind: 'unverified', reason: 'missing Cko-Signature header' };
  const expected = createHmac('sha256', key).update(n.rawBody, 'utf8').digest('hex');
  if (!constantTimeEqual(signature.trim().toLowerCase(), expected)) {
    return { kind: 'unverified', reason: 'Cko-Signature does not match the body' };
  }
  const authorization = account.credentials.webhook_authorization;
  if (authorization && !constantTimeEqual(n.headers.authorization ?? '', authorization)) {
    return { kind: 'unverified', reason: 'Authorization header does not match' };
  }
  const body = parseJson(n.rawBody);
  if (!isObject(body) || typeof body.id !== 'string' || typeof body.type !== 'string') {
    return { kind: 'unverified', reason: 'signed body is not a Checkout.com event' };
  }
  const data = isObject(body.data) ? body.data : {};
  const refund = REFUND_EVENT_STATUS[body.type];
  if (refund && typeof data.id === 'string' && typeof data.action_id === 'string') {
    return {
      kind: 'verified',
      eventId: body.id,
      eventType: body.type,
      snapshot: null,
      refund: {
        providerPaymentId: data.id,
        providerRefundId: data.action_id,
        status: refund,
        failureMessage: typeof data.response_summary === 'string' ? data.response_summary : null,
      },
    };
  }
  if (body.type === CANCELED_OR_FAILED && typeof data.id === 'string' && data.id.startsWith('pay_')) {
    return { kind: 'hint', eventType: body.type, providerPaymentId: data.id, authenticated: true };
  }
  const status = CHECKOUT_EVENT_STATUS[body.type];
  if (!status || typeof data.id !== 'string' || !data.id.startsWith('pay_')) {
    return { kind: 'verified', eventId: body.id, eventType: body.type, snapshot: null };
  }
  const money =
    typeof data.amount === 'number' && Number.isSafeInteger(data.amount) && typeof data.currency === 'string'
      ? { amount: data.amount, currency: data.currency }
      : null;
  return {
    kind: 'verified',
    eventId: body.id,
    eventType: body.type,
    snapshot: {
      providerPaymentId: data.id,
      status,
      providerStatus: body.type,
      money,
      redirectUrl: null,
      failureMessage: typeof data.response_summary === 'string' ? data.response_summary : null,
    },
  };
}

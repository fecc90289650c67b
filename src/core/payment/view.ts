import type { Payment, PaymentPart } from './payment.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The API's view of a payment (snake_case; the national id is write-only): what the API
 * answers and what events carry.
 */
export function paymentView(p: Payment) {
  const customer = p.customer
    ? {
        ...(p.customer.name !== undefined ? { name: p.customer.name } : {}),
        ...(p.customer.email !== undefined ? { email: p.customer.email } : {}),
        ...(p.customer.phone !== undefined ? { phone: p.customer.phone } : {}),
      }
    : null;
  return {
    id: p.id,
    object: 'payment' as const,
    status: p.status,
    amount: p.amount,
    amount_refunded: p.amountRefunded,
    currency: p.currency,
    payment_method: p.paymentMethod,
    connector: p.connector,
    livemode: p.mode === 'live',
    reference: p.reference,
    description: p.description,
    customer,
    metadata: { ...p.metadata },
    return_url: p.returnUrl,
    next_action:
      p.status === 'requires_action' && p.nextActionUrl ? { type: 'redirect' as const, url: p.nextActionUrl } : null,
    provider_payment_id: p.providerPaymentId,
    canceled_by: p.canceledBy,
    captured_after_cancel: p.capturedAfterCancel,
    parts: p.parts.map(partView),
    connector_attempts: p.connectorAttempts.map((a) => ({
      connector: a.connector,
      outcome: a.outcome,
      reason: a.reason,
      at: iso(a.at),
    })),
    failure_code: p.failureCode,
    failure_message: p.failureMessage,
    expires_at: p.expiresAt === null ? null : iso(p.expiresAt),
    captured_at: p.capturedAt === null ? null : iso(p.capturedAt),
    created_at: iso(p.createdAt),
    updated_at: iso(p.updatedAt),
  };
}

/** One share of a split payment, as the API shows it inside the payment. */
export function partView(part: PaymentPart) {
  return {
    id: part.id,
    name: part.name,
    amount: part.amount,
    status: part.status,
    method: part.method,
    paid_at: part.paidAt === null ? null : iso(part.paidAt),
  };
}

/** What a `payment.part_paid` event carries: the share, and the whole payment as it now is. */
export function partEventView(p: Payment, part: PaymentPart) {
  return {
    object: 'payment_part' as const,
    ...partView(part),
    payment_id: p.id,
    currency: p.currency,
    payment: paymentView(p),
  };
}

/** The API's view of a payment, as a plain record (for event snapshots). */
export type PaymentView = ReturnType<typeof paymentView>;

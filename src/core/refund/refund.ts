import type { Mode } from '../payment/payment.ts';

/** Every status a refund can have: providers approve refunds asynchronously. */
export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;

/** A refund status. */
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Moves a refund can make; `succeeded` and `failed` are final. */
export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  pending: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
};

/** True when a refund in `from` may become `to`: only a pending refund settles, once. */
export function canMoveRefund(from: RefundStatus, to: RefundStatus): boolean {
  return REFUND_TRANSITIONS[from].includes(to);
}

/** A refund of (part of) a captured payment (`re_...`). Times are epoch milliseconds. */
export interface Refund {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  readonly paymentId: string;
  /** Integer minor units, in the payment's currency. */
  readonly amount: number;
  readonly currency: string;
  readonly status: RefundStatus;
  readonly reason: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  /** The provider's id for the refund (an action id, for some), once it answered. */
  readonly providerRefundId: string | null;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly version: number;
}

/** True when `status` is one of {@link REFUND_STATUSES}. */
export function isRefundStatus(status: unknown): status is RefundStatus {
  return typeof status === 'string' && (REFUND_STATUSES as readonly string[]).includes(status);
}

/** The API's view of a refund. */
export function refundView(r: Refund) {
  return {
    id: r.id,
    object: 'refund' as const,
    payment_id: r.paymentId,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    metadata: { ...r.metadata },
    livemode: r.mode === 'live',
    provider_refund_id: r.providerRefundId,
    failure_code: r.failureCode,
    failure_message: r.failureMessage,
    created_at: new Date(r.createdAt).toISOString(),
    updated_at: new Date(r.updatedAt).toISOString(),
  };
}

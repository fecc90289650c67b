import type { Refund, RefundStatus } from './refunds.ts';
import type { RefundSettlement } from './state.ts';

const iso = (ms: number): string => new Date(ms).toISOString();

/** A refund as the control API shows it. */
export type RefundView = {
  action_id: string;
  payment_id: string;
  entity_id: string;
  amount: number;
  currency: string;
  reference: string | null;
  metadata: Record<string, unknown> | null;
  status: RefundStatus;
  requested_on: string;
  /** When it approves by itself; null when only the control API settles it. */
  approves_on: string | null;
  settled_on: string | null;
};

export type RefundResult =
  | { ok: true; refund: RefundView }
  | { ok: false; error: 'refund_not_found' }
  | { ok: false; error: 'refund_not_pending'; refund: RefundView };

export function refundView(refund: Refund): RefundView {
  return {
    action_id: refund.actionId,
    payment_id: refund.paymentId,
    entity_id: refund.entityId,
    amount: refund.amount,
    currency: refund.currency,
    reference: refund.reference ?? null,
    metadata: refund.metadata ?? null,
    status: refund.status,
    requested_on: iso(refund.requestedAt),
    approves_on: refund.approveAt === null || refund.status !== 'pending' ? null : iso(refund.approveAt),
    settled_on: refund.settledAt === undefined ? null : iso(refund.settledAt),
  };
}

export function refundResult(settlement: RefundSettlement): RefundResult {
  if (settlement.ok) return { ok: true, refund: refundView(settlement.refund) };
  if (settlement.reason === 'not_found') return { ok: false, error: 'refund_not_found' };
  return { ok: false, error: 'refund_not_pending', refund: refundView(settlement.refund) };
}

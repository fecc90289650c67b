import type { EmulatorClock } from '../kit/clock.ts';
import {
  OPEN_REFUND_STATUSES,
  REFUND_RESPONSES,
  REFUND_STATUS_OF,
  type RefundOutcome,
  type RefundStatus,
  type ResponseCode,
} from './outcomes.ts';
import type { Charge } from './state.ts';
import { gatewayReference, paymentReference, tapId } from './tap-ids.ts';
import type { RefundRequestInput } from './validate.ts';

/** A refund: PENDING until the control API, or the configured delay, settles it (providers.md §2.4). */
export type Refund = Omit<RefundRequestInput, 'amount'> & {
  id: string;
  merchantId: string;
  /** Minor units. */
  amount: number;
  status: RefundStatus;
  response: ResponseCode;
  createdAt: number;
  /** When it is refunded by itself (emulator clock); null waits for the control API. */
  approveAt: number | null;
  settledAt?: number;
  paymentReference?: string;
  gatewayReference?: string;
};

export type RefundRequestResult =
  | { ok: true; refund: Refund }
  | { ok: false; reason: 'charge_not_found' | 'not_captured' | 'currency_mismatch' | 'exceeds_balance' };

export type RefundSettlement =
  | { ok: true; refund: Refund }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'not_pending'; refund: Refund };

export type RefundBookOptions = {
  clock: EmulatorClock;
  /** The `refund_approval_delay_ms` setting when a refund is requested. */
  approvalDelayMs(): number | null;
  emit(refund: Refund, at: number): void;
};

/** Pending refunds hold their amount, so two requests can never refund more than was captured. */
export function refundableAmount(charge: Charge): number {
  const held = charge.refunds
    .filter((r) => OPEN_REFUND_STATUSES.has(r.status) || r.status === 'REFUNDED')
    .reduce((total, r) => total + r.amount, 0);
  return charge.status === 'CAPTURED' ? charge.amount - held : 0;
}

/** Every refund by id, and the moves from PENDING to a settled status. */
export function createRefundBook(options: RefundBookOptions) {
  const { clock } = options;
  const refunds = new Map<string, Refund>();

  function request(charge: Charge, input: RefundRequestInput): RefundRequestResult {
    if (charge.status !== 'CAPTURED') return { ok: false, reason: 'not_captured' };
    if (input.currency !== charge.currency) return { ok: false, reason: 'currency_mismatch' };
    if (input.amount > refundableAmount(charge)) return { ok: false, reason: 'exceeds_balance' };
    const now = clock.now();
    const delay = options.approvalDelayMs();
    // Its own fields first and the request's copied onto them (cheaper in V8 than a spread first).
    const refund: Refund = Object.assign(
      {
        id: tapId('re_', now),
        merchantId: charge.merchantId,
        status: 'PENDING' as RefundStatus,
        response: REFUND_RESPONSES.PENDING,
        createdAt: now,
        approveAt: delay === null ? null : now + delay,
      },
      input,
    );
    charge.refunds.push(refund);
    refunds.set(refund.id, refund);
    return { ok: true, refund };
  }

  function settle(refund: Refund, outcome: RefundOutcome, at: number): RefundSettlement {
    if (!OPEN_REFUND_STATUSES.has(refund.status)) return { ok: false, reason: 'not_pending', refund };
    const status = REFUND_STATUS_OF[outcome];
    if (status === refund.status) return { ok: false, reason: 'not_pending', refund };
    refund.status = status;
    refund.response = REFUND_RESPONSES[status];
    refund.settledAt = at;
    if (status === 'REFUNDED') {
      refund.paymentReference = paymentReference();
      refund.gatewayReference = gatewayReference();
    }
    options.emit(refund, at);
    return { ok: true, refund };
  }

  /** Refunds the charge's pending refunds whose delay has passed, each dated when it fell due. */
  function approveDue(charge: Charge): Refund[] {
    if (charge.refunds.length === 0) return [];
    const now = clock.now();
    const due = charge.refunds
      .filter((r) => OPEN_REFUND_STATUSES.has(r.status) && r.approveAt !== null && r.approveAt <= now)
      .sort((a, b) => (a.approveAt ?? 0) - (b.approveAt ?? 0));
    for (const refund of due) settle(refund, 'approve', refund.approveAt ?? now);
    return due;
  }

  return {
    request,
    settle,
    approveDue,
    get: (id: string): Refund | undefined => refunds.get(id),
    /** A refund saved by an earlier run (already in its charge's list). */
    restore(refund: Refund): void {
      refunds.set(refund.id, refund);
    },
    list: (): Refund[] => [...refunds.values()],
    clear(): void {
      refunds.clear();
    },
  };
}

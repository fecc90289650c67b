import type { EmulatorClock } from '../kit/clock.ts';
import { prefixedId } from '../kit/ids.ts';
import type { NotificationEvent, NotificationType, Payment, PaymentAction, PaymentStatus } from './state.ts';

export type RefundStatus = 'pending' | 'approved' | 'declined';
export type RefundOutcome = 'approve' | 'decline';

/** A refund request: pending until QPay (or the control API, or the configured delay) settles it. */
export type Refund = {
  actionId: string;
  paymentId: string;
  entityId: string;
  amount: number;
  currency: string;
  reference?: string;
  metadata?: Record<string, unknown>;
  status: RefundStatus;
  requestedAt: number;
  /** When it approves by itself (emulator clock); null waits for the control API, like the real sandbox. */
  approveAt: number | null;
  settledAt?: number;
};

export type RefundInput = { amount?: number; reference?: string; metadata?: Record<string, unknown> };

/** The `balances` object of the payment and of webhook data. */
export type Balances = {
  total_authorized: number;
  total_voided: number;
  available_to_void: number;
  total_captured: number;
  available_to_capture: number;
  total_refunded: number;
  available_to_refund: number;
};

export type RefundRequestResult =
  | { ok: true; refund: Refund }
  | { ok: false; reason: 'not_allowed' | 'exceeds_balance' };

export const REFUNDABLE_STATUSES: readonly PaymentStatus[] = ['Captured', 'Partially Refunded'];
const CAPTURED_STATUSES: readonly PaymentStatus[] = ['Captured', 'Partially Refunded', 'Refunded'];

const sum = (refunds: Refund[], status: RefundStatus): number =>
  refunds.filter((r) => r.status === status).reduce((total, r) => total + r.amount, 0);

/**
 * The balances of a QPay payment: it has no separate authorisation, so money is either captured
 * in full or not at all. Pending refunds reserve their amount: it can be neither refunded twice
 * nor shown as available.
 */
export function qpayBalances(captured: number, refunded = 0, pending = 0): Balances {
  return {
    total_authorized: captured,
    total_voided: 0,
    available_to_void: 0,
    total_captured: captured,
    available_to_capture: 0,
    total_refunded: refunded,
    available_to_refund: captured - refunded - pending,
  };
}

export function paymentBalances(payment: Payment): Balances {
  const captured = CAPTURED_STATUSES.includes(payment.status) ? payment.amount : 0;
  return qpayBalances(captured, sum(payment.refunds, 'approved'), sum(payment.refunds, 'pending'));
}

export type EmitRefundEvent = (
  payment: Payment,
  type: NotificationType,
  at: number,
  action: PaymentAction | undefined,
  data: Partial<NotificationEvent['data']>,
) => void;

export type RefundBookOptions = {
  clock: EmulatorClock;
  /** The `refund_approval_delay_ms` setting when a refund is requested. */
  approvalDelayMs(): number | null;
  emit: EmitRefundEvent;
};

const SETTLED = {
  approve: {
    status: 'approved',
    event: 'payment_refunded',
    action: { approved: true, response_code: '10000', response_summary: 'Approved' },
  },
  decline: {
    status: 'declined',
    event: 'payment_refund_declined',
    action: { approved: false, response_code: '20005', response_summary: 'Declined - Do Not Honour' },
  },
} as const;

export type RefundBook = ReturnType<typeof createRefundBook>;

/** Every refund by action id, and the transitions that move a payment's refunded balance. */
export function createRefundBook(options: RefundBookOptions) {
  const { clock } = options;
  const refunds = new Map<string, Refund>();

  function emitFor(payment: Payment, refund: Refund, type: NotificationType, at: number, action?: PaymentAction) {
    options.emit(payment, type, at, action, {
      action_id: refund.actionId,
      amount: refund.amount,
      // Without a reference (or metadata) of its own, the refund's webhooks carry the payment's.
      ...(refund.reference !== undefined && { reference: refund.reference }),
      ...(refund.metadata !== undefined && { metadata: refund.metadata }),
      balances: paymentBalances(payment),
    });
  }

  function request(payment: Payment, input: RefundInput): RefundRequestResult {
    if (!REFUNDABLE_STATUSES.includes(payment.status)) return { ok: false, reason: 'not_allowed' };
    const available = paymentBalances(payment).available_to_refund;
    const amount = input.amount ?? available;
    if (amount <= 0 || amount > available) return { ok: false, reason: 'exceeds_balance' };
    const now = clock.now();
    const delay = options.approvalDelayMs();
    const refund: Refund = {
      actionId: prefixedId('act_', 26),
      paymentId: payment.id,
      entityId: payment.entityId,
      amount,
      currency: payment.currency,
      ...(input.reference !== undefined && { reference: input.reference }),
      ...(input.metadata !== undefined && { metadata: input.metadata }),
      status: 'pending',
      requestedAt: now,
      approveAt: delay === null ? null : now + delay,
    };
    payment.refunds.push(refund);
    refunds.set(refund.actionId, refund);
    emitFor(payment, refund, 'payment_refund_pending', now);
    return { ok: true, refund };
  }

  function settle(payment: Payment, refund: Refund, outcome: RefundOutcome, at: number): void {
    const result = SETTLED[outcome];
    refund.status = result.status;
    refund.settledAt = at;
    const action: PaymentAction = {
      id: refund.actionId,
      type: 'Refund',
      processed_on: new Date(at).toISOString(),
      amount: refund.amount,
      ...result.action,
      ...(refund.reference !== undefined && { reference: refund.reference }),
      ...(refund.metadata !== undefined && { metadata: refund.metadata }),
    };
    payment.actions.push(action);
    if (outcome === 'approve') {
      const refunded = paymentBalances(payment).total_refunded;
      payment.status = refunded === payment.amount ? 'Refunded' : 'Partially Refunded';
    }
    emitFor(payment, refund, result.event, at, action);
  }

  /** Approves the payment's refunds whose delay has passed, each dated when it fell due. */
  function approveDue(payment: Payment): Refund[] {
    if (payment.refunds.length === 0) return [];
    const now = clock.now();
    const due = payment.refunds
      .filter((r) => r.status === 'pending' && r.approveAt !== null && r.approveAt <= now)
      .sort((a, b) => (a.approveAt ?? 0) - (b.approveAt ?? 0));
    for (const refund of due) settle(payment, refund, 'approve', refund.approveAt ?? now);
    return due;
  }

  return {
    request,
    settle,
    approveDue,
    get: (actionId: string): Refund | undefined => refunds.get(actionId),
    /** A refund saved by an earlier run (already in its payment's list). */
    restore(refund: Refund): void {
      refunds.set(refund.actionId, refund);
    },
    list: (): Refund[] => [...refunds.values()],
    clear(): void {
      refunds.clear();
    },
  };
}

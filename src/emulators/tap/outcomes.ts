/** What each way a QPay charge can end looks like. Codes other than 000/100 are not documented [I]. */

export type ChargeStatus = 'INITIATED' | 'CAPTURED' | 'DECLINED' | 'CANCELLED' | 'ABANDONED';
export type Outcome = 'approve' | 'decline' | 'cancel';
export const OUTCOMES: readonly Outcome[] = ['approve', 'decline', 'cancel'];

export type ResponseCode = { code: string; message: string };

export type OutcomeSpec = {
  status: ChargeStatus;
  response: ResponseCode;
  /** NAPS's own answer, shown as `gateway.response` once the card reached it. */
  gateway: ResponseCode | null;
  remarks: string;
  /** Whether the customer entered a card (card, source details and gateway reference appear). */
  carded: boolean;
};

export const INITIATED_RESPONSE: ResponseCode = { code: '100', message: 'Initiated' };

export const OUTCOME_SPECS: Record<Outcome | 'expire', OutcomeSpec> = {
  approve: {
    status: 'CAPTURED',
    response: { code: '000', message: 'Captured' },
    gateway: { code: '0000', message: 'Payment Processed Successfully' },
    remarks: 'charge - captured',
    carded: true,
  },
  decline: {
    status: 'DECLINED',
    response: { code: '507', message: 'Declined, Card Issuer' },
    gateway: { code: '0005', message: 'Do not honour: incorrect PIN' },
    remarks: 'charge - declined',
    carded: true,
  },
  cancel: {
    status: 'CANCELLED',
    response: { code: '301', message: 'Cancelled' },
    gateway: null,
    remarks: 'charge - cancelled',
    carded: false,
  },
  // The 30-minute window passed without an answer from the customer.
  expire: {
    status: 'ABANDONED',
    response: { code: '200', message: 'Abandoned' },
    gateway: null,
    remarks: 'charge - abandoned',
    carded: false,
  },
};

export type RefundStatus = 'PENDING' | 'REFUNDED' | 'DECLINED' | 'FAILED';
export type RefundOutcome = 'approve' | 'decline' | 'fail';
export const REFUND_OUTCOMES: readonly RefundOutcome[] = ['approve', 'decline', 'fail'];

export const REFUND_RESPONSES: Record<RefundStatus, ResponseCode> = {
  PENDING: { code: '100', message: 'Pending' },
  REFUNDED: { code: '000', message: 'Refunded' },
  DECLINED: { code: '507', message: 'Declined' },
  FAILED: { code: '999', message: 'Failed' },
};

export const REFUND_STATUS_OF: Record<RefundOutcome, RefundStatus> = {
  approve: 'REFUNDED',
  decline: 'DECLINED',
  fail: 'FAILED',
};

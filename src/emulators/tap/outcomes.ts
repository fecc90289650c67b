/**
 * What each way a QPay charge can end looks like. Response codes follow Tap's response-code
 * table where it gives one (000 captured, 100 initiated, 301 abandoned, 302 cancelled by the
 * customer, 304 expired, 401 refund failed, 501 refund declined); the others (507 for a card
 * decline, 100 for a refund still on its way) are the emulator's own and nothing relies on them.
 */

export type ChargeStatus = 'INITIATED' | 'CAPTURED' | 'DECLINED' | 'CANCELLED' | 'ABANDONED';
export type Outcome = 'approve' | 'decline' | 'cancel' | 'abandon';
export const OUTCOMES: readonly Outcome[] = ['approve', 'decline', 'cancel', 'abandon'];

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
  // The customer pressed Cancel on the QPay page.
  cancel: {
    status: 'CANCELLED',
    response: { code: '302', message: 'Cancelled' },
    gateway: null,
    remarks: 'charge - cancelled',
    carded: false,
  },
  // The customer left the page (closed it) without paying.
  abandon: {
    status: 'ABANDONED',
    response: { code: '301', message: 'Abandoned' },
    gateway: null,
    remarks: 'charge - abandoned',
    carded: false,
  },
  // The 30-minute window passed without an answer from the customer.
  expire: {
    status: 'ABANDONED',
    response: { code: '304', message: 'Expired' },
    gateway: null,
    remarks: 'charge - abandoned',
    carded: false,
  },
};

/** Refund statuses Tap documents (its refunds page and API reference). */
export type RefundStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'ACCEPTED'
  | 'UNKNOWN'
  | 'REFUNDED'
  | 'DECLINED'
  | 'FAILED'
  | 'CANCELLED'
  | 'RESTRICTED'
  | 'TIMEDOUT';
/** Moves of a refund: `progress`, `accept` and `unknown` keep it on its way; the rest end it. */
export type RefundOutcome =
  | 'approve'
  | 'decline'
  | 'fail'
  | 'progress'
  | 'accept'
  | 'unknown'
  | 'cancel'
  | 'restrict'
  | 'timeout';
export const REFUND_OUTCOMES: readonly RefundOutcome[] = [
  'approve',
  'decline',
  'fail',
  'progress',
  'accept',
  'unknown',
  'cancel',
  'restrict',
  'timeout',
];

/** Statuses in which a refund is still on its way: it holds its amount and may still move. */
export const OPEN_REFUND_STATUSES: ReadonlySet<RefundStatus> = new Set([
  'PENDING',
  'IN_PROGRESS',
  'ACCEPTED',
  'UNKNOWN',
]);

export const REFUND_RESPONSES: Record<RefundStatus, ResponseCode> = {
  PENDING: { code: '100', message: 'Pending' },
  IN_PROGRESS: { code: '100', message: 'In progress' },
  ACCEPTED: { code: '100', message: 'Accepted' },
  UNKNOWN: { code: '100', message: 'Unknown' },
  REFUNDED: { code: '000', message: 'Refunded' },
  DECLINED: { code: '501', message: 'Refund declined' },
  FAILED: { code: '401', message: 'Refund failed' },
  CANCELLED: { code: '401', message: 'Refund cancelled' },
  RESTRICTED: { code: '501', message: 'Refund restricted' },
  TIMEDOUT: { code: '401', message: 'Refund timed out' },
};

export const REFUND_STATUS_OF: Record<RefundOutcome, RefundStatus> = {
  approve: 'REFUNDED',
  decline: 'DECLINED',
  fail: 'FAILED',
  progress: 'IN_PROGRESS',
  accept: 'ACCEPTED',
  unknown: 'UNKNOWN',
  cancel: 'CANCELLED',
  restrict: 'RESTRICTED',
  timeout: 'TIMEDOUT',
};

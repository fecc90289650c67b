/**
 * The payment state machine, as data: one status set for every provider and a table of the
 * moves a provider's news may cause. Each connector maps its provider's statuses onto it.
 */

/** Every status a payment can have. */
export const PAYMENT_STATUSES = [
  'requires_action',
  'processing',
  'authorized',
  'captured',
  'partially_refunded',
  'refunded',
  'disputed',
  'failed',
  'canceled',
  'expired',
] as const;

/** A payment status. */
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * Moves allowed by news from the provider. A status absent from a row's list is either the
 * same status (a duplicate) or behind it (a late notification): both are stale, never applied.
 * `failed`, `canceled`, `expired`, `refunded` and `disputed` have no way out.
 */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  requires_action: [
    'processing',
    'authorized',
    'captured',
    'partially_refunded',
    'refunded',
    'disputed',
    'failed',
    'canceled',
    'expired',
  ],
  processing: ['authorized', 'captured', 'partially_refunded', 'refunded', 'disputed', 'failed', 'canceled', 'expired'],
  authorized: ['captured', 'partially_refunded', 'refunded', 'disputed', 'failed', 'canceled', 'expired'],
  // A same-day void undoes a capture, where the provider has voids.
  captured: ['partially_refunded', 'refunded', 'disputed', 'canceled'],
  partially_refunded: ['refunded', 'disputed'],
  refunded: [],
  disputed: [],
  failed: [],
  canceled: [],
  expired: [],
};

/** Statuses no provider news can move a payment out of. */
export const TERMINAL_STATUSES: readonly PaymentStatus[] = PAYMENT_STATUSES.filter(
  (s) => PAYMENT_TRANSITIONS[s].length === 0,
);

/** True when `status` is one of {@link PAYMENT_STATUSES}. */
export function isPaymentStatus(status: unknown): status is PaymentStatus {
  return typeof status === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(status);
}

/** True when nothing can move a payment out of `status`. */
export function isTerminal(status: PaymentStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/** The outcome of offering a new status to the state machine. */
export type Transition =
  | {
      readonly kind: 'moved';
      readonly from: PaymentStatus;
      readonly to: PaymentStatus;
    }
  | {
      readonly kind: 'stale';
      readonly from: PaymentStatus;
      readonly offered: PaymentStatus;
    };

/**
 * A merchant's cancel stops nothing at a provider that cannot void (QPay): the customer may
 * still pay. So a payment the merchant canceled can still learn it was captured, and records it.
 */
export const AFTER_MERCHANT_CANCEL: readonly PaymentStatus[] = ['captured'];

/**
 * The one pure transition function: `moved` when the table allows `current → offered`,
 * otherwise `stale` (a duplicate, a late notification, or news about a finished payment),
 * which callers log and ignore.
 */
export function transition(
  current: PaymentStatus,
  offered: PaymentStatus,
  context: { readonly canceledByMerchant?: boolean } = {},
): Transition {
  if (current === 'canceled' && context.canceledByMerchant && AFTER_MERCHANT_CANCEL.includes(offered)) {
    return { kind: 'moved', from: current, to: offered };
  }
  return PAYMENT_TRANSITIONS[current].includes(offered)
    ? { kind: 'moved', from: current, to: offered }
    : { kind: 'stale', from: current, offered };
}

/** True while news from the provider can still change the payment (see {@link AFTER_MERCHANT_CANCEL}). */
export function stillWatched(status: PaymentStatus, canceledBy: 'merchant' | null): boolean {
  return !isTerminal(status) || (status === 'canceled' && canceledBy === 'merchant');
}

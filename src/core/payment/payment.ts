import type { PaymentStatus } from './status.ts';

/** Whether an object belongs to the test (sandbox) or the live world of an account. */
export type Mode = 'test' | 'live';

/** Payment methods Bawaba offers merchants. */
export const PAYMENT_METHODS = ['qpay', 'card', 'qattah'] as const;

/** A payment method. */
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/** The customer as the merchant described them. `nationalId` is stored encrypted and never shown. */
export interface Customer {
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string;
  readonly nationalId?: string;
}

/** One connector's try at creating the payment, kept when routing moved on to another. */
export interface ConnectorAttempt {
  readonly connector: string;
  /** e.g. `unavailable`. */
  readonly outcome: string;
  /** Why, e.g. `timeout`, `connection_refused`, `server_error`. */
  readonly reason: string;
  readonly at: number;
}

/** Where one share of a split payment stands. */
export const PAYMENT_PART_STATUSES = ['pending', 'paid', 'expired', 'refunded'] as const;

/** A share's status. */
export type PaymentPartStatus = (typeof PAYMENT_PART_STATUSES)[number];

/**
 * One share of a split-bill payment: one payer's invoice. The provider is the truth for every
 * field but `paidAt`, which is when Bawaba first saw the share paid (split-bill providers may
 * report no time).
 */
export interface PaymentPart {
  /** The provider's id of the share (its invoice id). */
  readonly id: string;
  /** The payer's label, as the person who split the bill typed it. */
  readonly name: string;
  /** Integer minor units, in the payment's currency. */
  readonly amount: number;
  readonly status: PaymentPartStatus;
  /** How the share was paid (e.g. `applepay`, `mada`), once paid. */
  readonly method: string | null;
  readonly paidAt: number | null;
}

/** A payment, as Bawaba keeps it. Times are epoch milliseconds. */
export interface Payment {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  readonly status: PaymentStatus;
  /** Integer minor units. */
  readonly amount: number;
  readonly currency: string;
  readonly paymentMethod: PaymentMethod;
  /** Connector id, as the registry names it. */
  readonly connector: string;
  readonly connectorAccountId: string;
  /** The provider's id for this payment, once the provider answered. */
  readonly providerPaymentId: string | null;
  /** The provider's own last status word, for support and reconciliation. */
  readonly providerStatus: string | null;
  /** Where the customer goes to pay, while the payment requires action. */
  readonly nextActionUrl: string | null;
  readonly returnUrl: string;
  readonly reference: string | null;
  readonly description: string | null;
  /** Set at creation and never changed: updates do not write it. */
  readonly customer: Customer | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly expiresAt: number | null;
  /** Minor units refunded (refunds that succeeded). */
  readonly amountRefunded: number;
  /** Minor units held by refunds still pending: refunded + pending never exceeds `amount`. */
  readonly amountRefundPending: number;
  /** Set when the merchant canceled it; the provider may still capture it (then see below). */
  readonly canceledBy: 'merchant' | null;
  /** The provider captured it after the merchant canceled it: the money must be refunded. */
  readonly capturedAfterCancel: boolean;
  /** When the provider captured it (the start of a same-day void window). */
  readonly capturedAt: number | null;
  /** The shares of a split-bill payment, one per payer; empty for any other payment. */
  readonly parts: readonly PaymentPart[];
  /** Connectors tried before the current one, and why each was left. */
  readonly connectorAttempts: readonly ConnectorAttempt[];
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Optimistic-concurrency counter, incremented on every update. */
  readonly version: number;
}

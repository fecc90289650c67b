/**
 * The payment link: a stable address (and its QR code) that opens a fresh checkout session each
 * time a customer follows it, for a fixed amount or for an amount the customer enters within
 * bounds.
 */
import type { Outbox } from '../event-ports.ts';
import type { Mode, PaymentMethod } from '../payment/payment.ts';
import type { AccountPageQuery, IdempotencyReservation, Page } from '../repositories.ts';
import type { CheckoutSession } from './session.ts';

/** A payment link (`plink_...`), as stored. */
export interface PaymentLink {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  /** The unguessable part of the link's address (`/l/{token}`): not the id. */
  readonly token: string;
  /** Carried by the amount form of the link's page: an amount is accepted only with it. */
  readonly csrfToken: string;
  /** An inactive link opens no session. */
  readonly active: boolean;
  /** The fixed amount in minor units; null: the customer enters it within the bounds. */
  readonly amount: number | null;
  readonly minAmount: number | null;
  readonly maxAmount: number | null;
  readonly currency: string;
  readonly description: string;
  /** The methods its sessions offer; null: every method available when a session opens. */
  readonly paymentMethods: readonly PaymentMethod[] | null;
  /** Once this many of its sessions completed, it opens no more; null: no limit. */
  readonly maxPayments: number | null;
  /** Given to every session it opens. */
  readonly reference: string | null;
  readonly metadata: Readonly<Record<string, string>>;
  readonly locale: 'en' | 'ar' | null;
  /** Null: the gateway's own thank-you page of the link. */
  readonly successUrl: string | null;
  /** Null: the gateway's own page of the link saying the payment was canceled. */
  readonly cancelUrl: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Read, never written: how many of its sessions completed. */
  readonly completedSessions: number;
}

/** The metadata key naming, on a session it opened, the payment link. */
export const LINK_METADATA_KEY = 'payment_link';

/** Why a link opened no session. */
export type LinkClosedReason = 'inactive' | 'exhausted';

/** Why the link opens no session now (inactive, or at its maximum), or undefined when it does. */
export function linkClosedReason(link: PaymentLink): LinkClosedReason | undefined {
  if (!link.active) return 'inactive';
  if (link.maxPayments !== null && link.completedSessions >= link.maxPayments) return 'exhausted';
  return undefined;
}

/** Filters and cursor of a link listing, newest first. */
export type PaymentLinkListQuery = AccountPageQuery;

/** Payment links, and the sessions they opened. */
export interface PaymentLinkRepo {
  /** Stores a new link, its idempotency link and its outbox (its event) in one transaction. */
  insert(link: PaymentLink, reservation?: IdempotencyReservation, outbox?: Outbox): Promise<void>;
  get(accountId: string, mode: Mode, id: string): Promise<PaymentLink | undefined>;
  /** The link whose address is `/l/{token}`. */
  getByToken(token: string): Promise<PaymentLink | undefined>;
  list(query: PaymentLinkListQuery): Promise<Page<PaymentLink>>;
  /**
   * Turns a link on or off; undefined when the account has no such link. When that changed it,
   * `outboxOf` the changed link is written in the same transaction; asking again changes nothing.
   */
  setActive(
    accountId: string,
    mode: Mode,
    id: string,
    active: boolean,
    now: number,
    outboxOf?: (changed: PaymentLink) => Outbox,
  ): Promise<PaymentLink | undefined>;
  /**
   * Holding the link (a row lock on PostgreSQL; SQLite has one writer at a time): when it is
   * active and under its maximum of completed sessions, stores `session` with its outbox and
   * its tie to the link, all in one transaction; otherwise stores nothing and says why.
   */
  insertSession(linkId: string, session: CheckoutSession, outbox: Outbox): Promise<'opened' | LinkClosedReason>;
  /** True when `sessionId` was opened by the link. */
  opened(linkId: string, sessionId: string): Promise<boolean>;
}

/** The link as the API shows it; `url` is its address, `qrSvgUrl` its QR code. */
export function paymentLinkView(link: PaymentLink, url: string, qrSvgUrl: string) {
  return {
    id: link.id,
    object: 'payment_link' as const,
    active: link.active,
    url,
    qr_svg_url: qrSvgUrl,
    amount: link.amount,
    min_amount: link.minAmount,
    max_amount: link.maxAmount,
    currency: link.currency,
    description: link.description,
    payment_methods: link.paymentMethods === null ? null : [...link.paymentMethods],
    max_payments: link.maxPayments,
    completed_sessions: link.completedSessions,
    reference: link.reference,
    metadata: { ...link.metadata },
    locale: link.locale,
    success_url: link.successUrl,
    cancel_url: link.cancelUrl,
    livemode: link.mode === 'live',
    created_at: new Date(link.createdAt).toISOString(),
    updated_at: new Date(link.updatedAt).toISOString(),
  };
}

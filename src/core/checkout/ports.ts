/** What the checkout use cases need stored; implemented in `storage/`, wired by `main.ts`. */
import type { Outbox } from '../event-ports.ts';
import type { Mode } from '../payment/payment.ts';
import type { PaymentStatus } from '../payment/status.ts';
import type { AccountPageQuery, IdempotencyReservation, Page } from '../repositories.ts';
import type { CheckoutSession } from './session.ts';

/** Filters and cursor of a session listing, newest first. */
export type CheckoutSessionListQuery = AccountPageQuery;

/** What a decision taken while holding a session writes: the session (if changed) and its outbox. */
export interface SessionWrite<T> {
  readonly next?: CheckoutSession;
  readonly outbox?: Outbox;
  readonly result: T;
}

/** Checkout sessions. */
export interface CheckoutSessionRepo {
  /** Stores a new session, its outbox and its idempotency link in one transaction. */
  insert(session: CheckoutSession, outbox: Outbox, reservation?: IdempotencyReservation): Promise<void>;
  get(accountId: string, mode: Mode, id: string): Promise<CheckoutSession | undefined>;
  getById(id: string): Promise<CheckoutSession | undefined>;
  /** The session whose hosted page is `/c/{token}`. */
  getByToken(token: string): Promise<CheckoutSession | undefined>;
  list(query: CheckoutSessionListQuery): Promise<Page<CheckoutSession>>;
  /**
   * Holds the session (a row lock on PostgreSQL; SQLite has one writer at a time), hands it and
   * the status of its latest payment to `decide`, and writes what `decide` returns in the same
   * transaction (the next session as version + 1). Concurrent holds of one session queue, so
   * each decides on what the one before it wrote. Undefined when there is no such session.
   */
  hold<T>(
    id: string,
    decide: (session: CheckoutSession, latest: PaymentStatus | undefined) => SessionWrite<T>,
  ): Promise<T | undefined>;
}

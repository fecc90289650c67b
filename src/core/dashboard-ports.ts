/**
 * Ports of the operator dashboard: its users, their sessions, the audit log of what admins did,
 * and the read-only queries its pages need beyond the API's. Implemented in `storage/`.
 */
import type { DomainEvent, NewJob, WebhookAttempt, WebhookDelivery } from './event-ports.ts';
import type { Mode, Payment, PaymentMethod } from './payment/payment.ts';
import type { PaymentStatus } from './payment/status.ts';
import type { Refund, RefundStatus } from './refund/refund.ts';
import type { ApiKeyRecord, Page } from './repositories.ts';

/** What a dashboard user may do: `admin` everything, `viewer` read only. */
export type DashboardRole = 'admin' | 'viewer';

/** The roles, as data. */
export const DASHBOARD_ROLES: readonly DashboardRole[] = ['admin', 'viewer'];

/** A person who signs in to the dashboard of one account. */
export interface DashboardUser {
  readonly id: string;
  readonly accountId: string;
  /** Lower case; unique across accounts. */
  readonly email: string;
  readonly role: DashboardRole;
  /** The password's scrypt hash with its salt and cost parameters (never the password). */
  readonly passwordHash: string;
  /** IANA time zone the user's dates are shown in, e.g. `Asia/Qatar`. */
  readonly timeZone: string;
  readonly createdAt: number;
  readonly disabledAt: number | null;
}

/** A signed-in browser. Only the SHA-256 of its cookie's token is stored. */
export interface DashboardSession {
  /** Hex SHA-256 of the session token. */
  readonly tokenHash: string;
  readonly userId: string;
  readonly accountId: string;
  /** The CSRF token every form of this session carries. */
  readonly csrfToken: string;
  /** The data the session looks at: test or live. */
  readonly mode: Mode;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  /** Absolute end, whatever the activity. */
  readonly expiresAt: number;
  readonly ip: string;
}

/** One admin action, as the audit log keeps it. */
export interface AuditEntry {
  readonly id: string;
  readonly accountId: string;
  readonly mode: Mode;
  readonly userId: string;
  readonly userEmail: string;
  /** e.g. `refund.create`, `payment.cancel`, `delivery.redeliver`, `payment.reconcile`, `session.sign_in`. */
  readonly action: string;
  readonly objectId: string | null;
  /** What was asked and what came of it, in a few words or fields. */
  readonly detail: Readonly<Record<string, string>>;
  readonly ip: string;
  readonly createdAt: number;
}

/** Dashboard users, sessions and the audit log. */
export interface DashboardRepo {
  /** Throws when the e-mail is taken. */
  createUser(user: DashboardUser): Promise<void>;
  findUserByEmail(email: string): Promise<DashboardUser | undefined>;
  getUser(id: string): Promise<DashboardUser | undefined>;
  listUsers(accountId: string): Promise<DashboardUser[]>;
  setPassword(userId: string, passwordHash: string): Promise<void>;
  createSession(session: DashboardSession): Promise<void>;
  getSession(tokenHash: string): Promise<DashboardSession | undefined>;
  /** Records activity; written only when `lastSeenAt` is older than `notBefore`. */
  touchSession(tokenHash: string, at: number, notBefore: number): Promise<void>;
  setSessionMode(tokenHash: string, mode: Mode): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Deletes sessions past their absolute end or idle since before `idleBefore`. */
  purgeSessions(now: number, idleBefore: number): Promise<number>;
  addAudit(entry: AuditEntry): Promise<void>;
  /**
   * Sends `event` to one endpoint only, whatever it subscribes to: stores the event, a pending
   * delivery `deliveryId` to `endpointId` and its `deliver_webhook` job in one transaction.
   */
  sendTestEvent(event: DomainEvent, endpointId: string, deliveryId: string, job: NewJob): Promise<void>;
  /** Newest first. */
  listAudit(query: { accountId: string; limit: number; startingAfter?: string }): Promise<Page<AuditEntry>>;
}

/** Filters of the dashboard's payment list (those of the API and more). Times: epoch ms. */
export interface PaymentSearch {
  readonly accountId: string;
  readonly mode: Mode;
  readonly status?: PaymentStatus;
  readonly connector?: string;
  readonly paymentMethod?: PaymentMethod;
  readonly createdGte?: number;
  readonly createdLt?: number;
  readonly currency?: string;
  /**
   * Amount range, inclusive, as major-unit decimals (`"10.5"`): each payment is compared in its
   * own currency's minor units (10.5 is 1050 halalas and 10500 Kuwaiti fils).
   */
  readonly amountMin?: string;
  readonly amountMax?: string;
  /** A payment id, provider payment id or reference (exact), or part of a customer e-mail or phone. */
  readonly text?: string;
}

/** Totals of a filtered payment list, one line per currency. */
export interface PaymentTotals {
  readonly count: number;
  readonly byCurrency: readonly { readonly currency: string; readonly count: number; readonly amount: number }[];
}

/** A provider notification as the payment's timeline shows it. */
export interface NotificationRecord {
  readonly id: string;
  readonly connector: string;
  readonly eventType: string | null;
  readonly verified: boolean;
  readonly verificationError: string | null;
  readonly body: string;
  readonly duplicateOf: string | null;
  readonly result: string | null;
  readonly receivedAt: number;
}

/** A delivery with its attempts and where it went. */
export interface DeliveryRecord {
  readonly delivery: WebhookDelivery;
  readonly attempts: readonly WebhookAttempt[];
  readonly endpointUrl: string | null;
}

/** Figures of one account and mode over a period. */
export interface PeriodFigures {
  readonly captured: readonly { readonly currency: string; readonly count: number; readonly amount: number }[];
  /** Payments created in the period that reached a final outcome, and those captured among them. */
  readonly settled: number;
  readonly succeeded: number;
  readonly refunds: readonly { readonly currency: string; readonly count: number; readonly amount: number }[];
  readonly failedDeliveries: number;
  /** Payments waiting on the provider now (`processing`). */
  readonly waiting: number;
  /** Captured amounts per day (`YYYY-MM-DD` in `timeZoneOffsetMinutes`) and currency. */
  readonly daily: readonly { readonly day: string; readonly currency: string; readonly amount: number }[];
}

/** Read-only queries of the dashboard's pages. */
export interface DashboardQueries {
  searchPayments(
    query: PaymentSearch & { limit: number; startingAfter?: string; endingBefore?: string },
  ): Promise<Page<Payment>>;
  paymentTotals(query: PaymentSearch): Promise<PaymentTotals>;
  /** Notifications applied to a payment, oldest first. */
  notificationsForPayment(paymentId: string): Promise<NotificationRecord[]>;
  /** Deliveries of these events (of one account and mode), oldest first, with their attempts. */
  deliveriesForEvents(accountId: string, mode: Mode, eventIds: readonly string[]): Promise<DeliveryRecord[]>;
  /** Refunds of an account and mode, newest first. */
  listRefunds(query: {
    accountId: string;
    mode: Mode;
    status?: RefundStatus;
    limit: number;
    startingAfter?: string;
  }): Promise<Page<Refund>>;
  figures(accountId: string, mode: Mode, from: number, to: number, utcOffsetMinutes: number): Promise<PeriodFigures>;
}

/**
 * The gateway's services the dashboard's admin pages call beyond repositories, wired by
 * `main.ts`: the same ones the API routes and the CLI use.
 */
export interface DashboardServices {
  /** The event types a webhook endpoint can subscribe to (besides `*`, all of them). */
  readonly eventTypes: readonly string[];
  /** A new `whsec_` signing secret for a webhook endpoint. */
  newWebhookSecret(): string;
  /** Why `url` may not receive live data (loopback, private or metadata address, not https); undefined when it may. */
  liveUrlProblem(url: string): string | undefined;
  /** Creates an API key; its secret is answered this once and stored only as a hash. */
  issueApiKey(
    accountId: string,
    mode: Mode,
    options: { readonly expiresAt: number | null; readonly description: string | null },
  ): Promise<{ readonly key: ApiKeyRecord; readonly secret: string }>;
}

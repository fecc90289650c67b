import type { Clock } from '../../core/clock.ts';
import type { ConnectorRegistry } from '../../core/connector-contract.ts';
import type {
  DashboardQueries,
  DashboardRepo,
  DashboardServices,
  DashboardSession,
  DashboardUser,
} from '../../core/dashboard-ports.ts';
import type { EventRepo, WebhookDeliveryRepo, WebhookEndpointRepo } from '../../core/event-ports.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type { Logger } from '../../core/logger.ts';
import type { AccountRepo, ConnectorAccountRepo, IdempotencyRepo } from '../../core/repositories.ts';
import type { PaymentDeps } from '../../core/services/deps.ts';
import type { Lang } from '../kit/i18n.ts';

/** Limits and lifetimes of the dashboard; the defaults suit production. */
export interface DashboardOptions {
  /** Sign-in attempts per minute from one address. */
  readonly signInPerAddress: number;
  /** Sign-in attempts per 15 minutes for one e-mail address. */
  readonly signInPerUser: number;
  /** A session unused this long ends. */
  readonly idleMs: number;
  /** A session ends this long after sign-in, used or not. */
  readonly absoluteMs: number;
}

export const DEFAULT_DASHBOARD_OPTIONS: DashboardOptions = {
  signInPerAddress: 20,
  signInPerUser: 10,
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 60 * 60_000,
};

/** What the dashboard works with, wired by `main.ts`: the same repositories and services as the API. */
export interface DashboardDeps {
  readonly repo: DashboardRepo;
  readonly queries: DashboardQueries;
  /** The payment use cases' dependencies (refunds, cancel, reconcile). */
  readonly payment: PaymentDeps;
  readonly accounts: AccountRepo;
  readonly events: EventRepo;
  readonly webhookEndpoints: WebhookEndpointRepo;
  readonly deliveries: WebhookDeliveryRepo;
  readonly connectorAccounts: ConnectorAccountRepo;
  readonly connectors: ConnectorRegistry;
  /** The API's idempotency records: every admin form acts at most once. */
  readonly idempotency: IdempotencyRepo;
  readonly services: DashboardServices;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly log: Logger;
  readonly options?: Partial<DashboardOptions>;
}

/** The signed-in operator of a request, and how pages are shown to them. */
export interface Viewer {
  readonly user: DashboardUser;
  readonly session: DashboardSession;
  readonly lang: Lang;
  readonly timeZone: string;
  readonly ip: string;
  /** The path of the page asked for (for the header's switches to come back to). */
  readonly path: string;
}

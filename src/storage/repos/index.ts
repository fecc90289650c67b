import type { AccountLogoRepo } from '../../core/account-logo.ts';
import type { PaymentLinkRepo } from '../../core/checkout/payment-link.ts';
import type { CheckoutSessionRepo } from '../../core/checkout/ports.ts';
import type { DashboardQueries, DashboardRepo } from '../../core/dashboard-ports.ts';
import type {
  EventRepo,
  JobQueue,
  ProviderNotificationRepo,
  WebhookDeliveryRepo,
  WebhookEndpointRepo,
} from '../../core/event-ports.ts';
import type { IdGenerator } from '../../core/ids.ts';
import type {
  AccountRepo,
  ConnectorAccountRepo,
  CustomerReturnRepo,
  IdempotencyRepo,
  PaymentRepo,
  RefundRepo,
} from '../../core/repositories.ts';
import type { Database } from '../db.ts';
import type { SecretBox } from '../secret-box.ts';
import { createAccountLogoRepo } from './account-logo-repo.ts';
import { createAccountRepo } from './account-repo.ts';
import { cachedConnectorAccounts } from './cached-connector-accounts.ts';
import { createCheckoutSessionRepo } from './checkout-session-repo.ts';
import { createConnectorAccountRepo } from './connector-account-repo.ts';
import { createCustomerReturnRepo } from './customer-return-repo.ts';
import { createDashboardQueries } from './dashboard-query-repo.ts';
import { createDashboardRepo } from './dashboard-repo.ts';
import { createEventRepo } from './event-repo.ts';
import { createIdempotencyRepo } from './idempotency-repo.ts';
import { createJobQueue } from './job-queue.ts';
import type { JobSignal } from './job-signal.ts';
import { createPaymentLinkRepo } from './payment-link-repo.ts';
import { createPaymentRepo } from './payment-repo.ts';
import { createProviderNotificationRepo } from './provider-notification-repo.ts';
import { createRefundRepo } from './refund-repo.ts';
import { createWebhookDeliveryRepo } from './webhook-delivery-repo.ts';
import { createWebhookEndpointRepo } from './webhook-endpoint-repo.ts';

/** The storage implementations of the core's repository ports. */
export interface Repos {
  readonly accounts: AccountRepo;
  readonly connectorAccounts: ConnectorAccountRepo;
  readonly payments: PaymentRepo;
  readonly idempotency: IdempotencyRepo;
  readonly events: EventRepo;
  readonly webhookEndpoints: WebhookEndpointRepo;
  readonly webhookDeliveries: WebhookDeliveryRepo;
  readonly jobs: JobQueue;
  readonly notifications: ProviderNotificationRepo;
  readonly refunds: RefundRepo;
  readonly dashboard: DashboardRepo;
  readonly dashboardQueries: DashboardQueries;
  readonly checkoutSessions: CheckoutSessionRepo;
  readonly paymentLinks: PaymentLinkRepo;
  readonly accountLogos: AccountLogoRepo;
  readonly customerReturns: CustomerReturnRepo;
}

/**
 * Every repository over one database; `box` seals credentials, national ids and webhook
 * secrets; `ids` names the webhook deliveries and jobs an outbox fans out to; `signal` hears,
 * after each commit that wrote jobs, when the earliest of them is due.
 */
export function createRepos(database: Database, box: SecretBox, ids: IdGenerator, signal?: JobSignal): Repos {
  return {
    accounts: createAccountRepo(database),
    connectorAccounts: cachedConnectorAccounts(createConnectorAccountRepo(database.db, box)),
    payments: createPaymentRepo(database, box, ids, signal),
    idempotency: createIdempotencyRepo(database.db),
    events: createEventRepo(database.db),
    webhookEndpoints: createWebhookEndpointRepo(database.db, box),
    webhookDeliveries: createWebhookDeliveryRepo(database, signal),
    jobs: createJobQueue(database, signal),
    notifications: createProviderNotificationRepo(database.db),
    refunds: createRefundRepo(database, box, ids, signal),
    dashboard: createDashboardRepo(database.db, signal),
    dashboardQueries: createDashboardQueries(database, box),
    checkoutSessions: createCheckoutSessionRepo(database, ids, signal),
    paymentLinks: createPaymentLinkRepo(database, ids, signal),
    accountLogos: createAccountLogoRepo(database.db),
    customerReturns: createCustomerReturnRepo(database.db),
  };
}

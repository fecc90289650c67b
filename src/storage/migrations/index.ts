import type { Migration, MigrationProvider } from 'kysely';
import * as init from './0001-init.ts';
import * as eventsJobs from './0002-events-jobs.ts';
import * as refunds from './0003-refunds.ts';
import * as connectorAttempts from './0004-connector-attempts.ts';
import * as capturedAt from './0005-captured-at.ts';
import * as paymentParts from './0006-payment-parts.ts';
import * as apiKeyLifecycle from './0007-api-key-lifecycle.ts';
import * as dashboard from './0008-dashboard.ts';
import * as checkoutSessions from './0009-checkout-sessions.ts';
import * as notificationIndex from './0010-notification-index.ts';
import * as paymentLinks from './0011-payment-links.ts';
import * as customerReturns from './0012-customer-returns.ts';

/** Every migration, in order. Listed by hand so nothing depends on scanning the filesystem. */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-init': init,
  '0002-events-jobs': eventsJobs,
  '0003-refunds': refunds,
  '0004-connector-attempts': connectorAttempts,
  '0005-captured-at': capturedAt,
  '0006-payment-parts': paymentParts,
  '0007-api-key-lifecycle': apiKeyLifecycle,
  '0008-dashboard': dashboard,
  '0009-checkout-sessions': checkoutSessions,
  '0010-notification-index': notificationIndex,
  '0011-payment-links': paymentLinks,
  '0012-customer-returns': customerReturns,
};

/** A provider for Kysely's `Migrator` serving {@link MIGRATIONS}. */
export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};

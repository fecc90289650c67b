import type { AccountRepo, ConnectorAccountRepo, IdempotencyRepo, PaymentRepo } from '../../core/ports.ts';
import type { Database } from '../db.ts';
import type { SecretBox } from '../secret-box.ts';
import { createAccountRepo } from './account-repo.ts';
import { createConnectorAccountRepo } from './connector-account-repo.ts';
import { createIdempotencyRepo } from './idempotency-repo.ts';
import { createPaymentRepo } from './payment-repo.ts';

/** The storage implementations of the core's repository ports. */
export interface Repos {
  readonly accounts: AccountRepo;
  readonly connectorAccounts: ConnectorAccountRepo;
  readonly payments: PaymentRepo;
  readonly idempotency: IdempotencyRepo;
}

/** Every repository over one database; `box` seals credentials and national ids. */
export function createRepos(database: Database, box: SecretBox): Repos {
  return {
    accounts: createAccountRepo(database.db),
    connectorAccounts: createConnectorAccountRepo(database.db, box),
    payments: createPaymentRepo(database.db, box),
    idempotency: createIdempotencyRepo(database.db),
  };
}

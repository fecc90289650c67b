import type { Clock } from '../clock.ts';
import type { ConnectorRegistry } from '../connector-contract.ts';
import type { IdGenerator } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { ConnectorAccountRepo, CustomerReturnRepo, PaymentRepo, RefundRepo } from '../repositories.ts';

/** What the payment use cases need, wired by `main.ts`. */
export interface PaymentDeps {
  readonly payments: PaymentRepo;
  readonly refunds: RefundRepo;
  readonly connectorAccounts: ConnectorAccountRepo;
  readonly customerReturns: CustomerReturnRepo;
  readonly connectors: ConnectorRegistry;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly log: Logger;
  /** Bawaba's public base URL, as the customer's browser reaches it (for return routes). */
  readonly publicUrl: string;
}

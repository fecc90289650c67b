/**
 * The connector contract. The interface itself lives in `core/connector-contract.ts` (the core calls
 * connectors through it and may import nothing outside `core`); this module re-exports it for
 * connector implementations, which build one `Connector` per provider folder.
 */
export type {
  Connector,
  ConnectorAccount,
  ConnectorCapabilities,
  ConnectorConfigSpec,
  ConnectorRegistry,
  CreateOutcome,
  InboundNotification,
  NotificationOutcome,
  ProviderFailure,
  ProviderPaymentRequest,
  ProviderPaymentSnapshot,
  ProviderPaymentStatus,
  ProviderRefundNews,
  ProviderRefundRequest,
  RefundLookup,
  RefundOutcome,
  RetrieveOutcome,
  UnknownOutcome,
  UnknownReason,
} from '../core/connector-contract.ts';

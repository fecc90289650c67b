/**
 * The tables as Kysely sees them. Times are epoch milliseconds and money is integer minor
 * units, both BIGINT; JSON is stored as TEXT so the same column types work on both databases.
 *
 * Longer than 300 lines: one interface per table, side by side with `DB` that names them all;
 * split, every repository would import from several files to see one schema.
 */
import type { Mode } from '../core/payment/payment.ts';
import type { CustomerReturnOutcome } from '../core/repositories.ts';

export interface AccountsTable {
  id: string;
  name: string;
  created_at: number;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  mode: Mode;
  display_prefix: string;
  secret_hash: string;
  created_at: number;
  revoked_at: number | null;
  expires_at: number | null;
  last_used_at: number | null;
  description: string | null;
}

export interface ConnectorAccountsTable {
  id: string;
  account_id: string;
  mode: Mode;
  connector: string;
  /** The whole credentials object as JSON, sealed by the SecretBox. */
  credentials_sealed: string;
  /** JSON object of strings. */
  settings: string;
  priority: number;
  created_at: number;
  updated_at: number;
}

export interface PaymentsTable {
  id: string;
  account_id: string;
  mode: Mode;
  status: string;
  amount: number;
  currency: string;
  payment_method: string;
  connector: string;
  connector_account_id: string;
  provider_payment_id: string | null;
  provider_status: string | null;
  next_action_url: string | null;
  return_url: string;
  reference: string | null;
  description: string | null;
  /** Customer JSON without the national id, which lives sealed in `national_id_sealed`. */
  customer: string | null;
  national_id_sealed: string | null;
  /** JSON object of strings. */
  metadata: string;
  failure_code: string | null;
  failure_message: string | null;
  expires_at: number | null;
  amount_refunded: number;
  amount_refund_pending: number;
  canceled_by: string | null;
  captured_after_cancel: number;
  /** JSON array of connector attempts. */
  connector_attempts: string;
  /** JSON array of the shares of a split-bill payment. */
  parts: string;
  captured_at: number | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface RefundsTable {
  id: string;
  account_id: string;
  mode: Mode;
  payment_id: string;
  amount: number;
  currency: string;
  status: string;
  reason: string | null;
  /** JSON object of strings. */
  metadata: string;
  provider_refund_id: string | null;
  failure_code: string | null;
  failure_message: string | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface IdempotencyKeysTable {
  account_id: string;
  mode: Mode;
  key: string;
  request_hash: string;
  state: 'in_progress' | 'done';
  resource_id: string | null;
  response_status: number | null;
  response_body: string | null;
  locked_until: number;
  created_at: number;
  expires_at: number;
}

export interface EventsTable {
  id: string;
  account_id: string;
  mode: Mode;
  type: string;
  object_id: string;
  /** The object's API representation, JSON. */
  data: string;
  created_at: number;
}

export interface WebhookEndpointsTable {
  id: string;
  account_id: string;
  mode: Mode;
  url: string;
  /** JSON array of event types, `*` for all. */
  enabled_events: string;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  description: string | null;
  /** The signing secret, sealed by the SecretBox. */
  secret_sealed: string;
  previous_secret_sealed: string | null;
  previous_secret_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookDeliveriesTable {
  id: string;
  /** No foreign key: a deleted endpoint's deliveries stay for history. */
  endpoint_id: string;
  event_id: string;
  account_id: string;
  mode: Mode;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: number | null;
  last_status_code: number | null;
  created_at: number;
  updated_at: number;
}

export interface WebhookAttemptsTable {
  id: string;
  delivery_id: string;
  attempted_at: number;
  status_code: number | null;
  error: string | null;
  latency_ms: number;
  response_excerpt: string | null;
}

export interface JobsTable {
  id: string;
  queue: string;
  /** JSON object of strings. */
  payload: string;
  run_at: number;
  /** Attempts so far: incremented by each claim. */
  attempts: number;
  max_attempts: number;
  /** 0 when not locked. */
  locked_until: number;
  locked_by: string | null;
  last_error: string | null;
  dead_at: number | null;
  /** Unique among jobs that are not dead (a killed job gives its key up). */
  dedupe_key: string | null;
  group_key: string | null;
  created_at: number;
}

export interface ProviderNotificationsTable {
  id: string;
  connector: string;
  connector_account_id: string;
  provider_event_id: string | null;
  event_type: string | null;
  /** 1 or 0. */
  verified: number;
  verification_error: string | null;
  /** JSON object of strings. */
  headers: string;
  body: string;
  /** The first verified notification of the same provider event, when this one repeats it. */
  duplicate_of: string | null;
  result: string | null;
  payment_id: string | null;
  processed_at: number | null;
  received_at: number;
}

export interface DashboardUsersTable {
  id: string;
  account_id: string;
  email: string;
  role: 'admin' | 'viewer';
  /** `scrypt$N$r$p$salt$hash`, base64url parts. */
  password_hash: string;
  time_zone: string;
  created_at: number;
  disabled_at: number | null;
}

export interface DashboardSessionsTable {
  /** Hex SHA-256 of the session token; the token itself is only in the browser's cookie. */
  token_hash: string;
  user_id: string;
  account_id: string;
  csrf_token: string;
  mode: Mode;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string;
}

export interface DashboardAuditTable {
  id: string;
  account_id: string;
  mode: Mode;
  user_id: string;
  user_email: string;
  action: string;
  object_id: string | null;
  /** JSON object of strings. */
  detail: string;
  ip: string;
  created_at: number;
}

export interface CheckoutSessionsTable {
  id: string;
  account_id: string;
  mode: Mode;
  token: string;
  csrf_token: string;
  status: 'open' | 'complete' | 'expired';
  amount: number;
  currency: string;
  /** JSON array of payment methods. */
  payment_methods: string;
  success_url: string;
  cancel_url: string;
  reference: string | null;
  description: string | null;
  locale: 'en' | 'ar' | null;
  /** JSON object (name, email, phone) or null. */
  customer: string | null;
  /** JSON object of strings. */
  metadata: string;
  expires_at: number;
  payment_id: string | null;
  /** JSON array of payment ids, oldest first. */
  payment_ids: string;
  attempt_locked_until: number | null;
  completed_at: number | null;
  created_at: number;
  updated_at: number;
  version: number;
}

export interface CustomerReturnsTable {
  id: string;
  payment_id: string;
  returned_at: number;
  outcome: CustomerReturnOutcome;
  status: string;
}

/** Every table Bawaba's storage layer owns. */
export interface PaymentLinksTable {
  id: string;
  account_id: string;
  mode: Mode;
  token: string;
  csrf_token: string;
  /** 1: active, 0: not. */
  active: number;
  amount: number | null;
  min_amount: number | null;
  max_amount: number | null;
  currency: string;
  description: string;
  /** JSON array of payment methods, or null: every method available when a session opens. */
  payment_methods: string | null;
  max_payments: number | null;
  reference: string | null;
  /** JSON object of strings. */
  metadata: string;
  locale: 'en' | 'ar' | null;
  success_url: string | null;
  cancel_url: string | null;
  created_at: number;
  updated_at: number;
}

export interface PaymentLinkSessionsTable {
  session_id: string;
  link_id: string;
  created_at: number;
}

export interface AccountLogosTable {
  account_id: string;
  content_type: 'image/png' | 'image/jpeg';
  /** Hex SHA-256 of the bytes. */
  digest: string;
  size: number;
  width: number;
  height: number;
  /** The bytes, base64. */
  data: string;
  updated_at: number;
}

export interface DB {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  connector_accounts: ConnectorAccountsTable;
  payments: PaymentsTable;
  refunds: RefundsTable;
  idempotency_keys: IdempotencyKeysTable;
  events: EventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  jobs: JobsTable;
  provider_notifications: ProviderNotificationsTable;
  dashboard_users: DashboardUsersTable;
  dashboard_sessions: DashboardSessionsTable;
  dashboard_audit: DashboardAuditTable;
  checkout_sessions: CheckoutSessionsTable;
  payment_links: PaymentLinksTable;
  payment_link_sessions: PaymentLinkSessionsTable;
  account_logos: AccountLogosTable;
  customer_returns: CustomerReturnsTable;
}

/**
 * The tables as Kysely sees them. Times are epoch milliseconds and money is integer minor
 * units, both BIGINT; JSON is stored as TEXT so the same column types work on both databases.
 */
import type { Mode } from '../core/payment/payment.ts';

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

/** Every table Bawaba's storage layer owns. */
export interface DB {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  connector_accounts: ConnectorAccountsTable;
  payments: PaymentsTable;
  idempotency_keys: IdempotencyKeysTable;
}

import type { Kysely, Selectable } from 'kysely';
import type { Account, AccountRepo, ApiKeyRecord } from '../../core/ports.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { AccountsTable, ApiKeysTable, DB } from '../schema.ts';

/** Accounts and API keys in the `accounts` and `api_keys` tables. */
export function createAccountRepo(db: Kysely<DB>): AccountRepo {
  return {
    async createAccount(account) {
      await db
        .insertInto('accounts')
        .values({ id: account.id, name: account.name, created_at: account.createdAt })
        .execute();
    },
    async getAccount(id) {
      const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toAccount(row);
    },
    async listAccounts() {
      const rows = await db.selectFrom('accounts').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toAccount);
    },
    async createApiKey(key, secretHash) {
      await db.insertInto('api_keys').values(toApiKeyRow(key, secretHash)).execute();
    },
    async findApiKeyByHash(secretHash) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('secret_hash', '=', secretHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row === undefined ? undefined : toApiKey(row);
    },
  };
}

function toAccount(row: Selectable<AccountsTable>): Account {
  return { id: row.id, name: row.name, createdAt: toSafeInteger(row.created_at, 'accounts.created_at') };
}

function toApiKeyRow(key: ApiKeyRecord, secretHash: string): Selectable<ApiKeysTable> {
  return {
    id: key.id,
    account_id: key.accountId,
    mode: key.mode,
    display_prefix: key.displayPrefix,
    secret_hash: secretHash,
    created_at: key.createdAt,
    revoked_at: key.revokedAt,
  };
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord & { readonly secretHash: string } {
  return {
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    displayPrefix: row.display_prefix,
    secretHash: row.secret_hash,
    createdAt: toSafeInteger(row.created_at, 'api_keys.created_at'),
    revokedAt: toSafeIntegerOrNull(row.revoked_at, 'api_keys.revoked_at'),
  };
}

import type { Kysely, Selectable } from 'kysely';
import type { Account, AccountRepo, ApiKeyRecord, ApiKeyRevocationResult } from '../../core/repositories.ts';
import type { Database } from '../db.ts';
import { durableTransaction, lockForUpdate } from '../dialect.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { AccountsTable, ApiKeysTable, DB } from '../schema.ts';
import { pageById } from './paging.ts';

/** Accounts and API keys in the `accounts` and `api_keys` tables. */
export function createAccountRepo(database: Database): AccountRepo {
  const { db, dialect } = database;
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
      const row = await db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
      return row === undefined ? undefined : { ...toApiKey(row), secretHash: row.secret_hash };
    },
    async getApiKey(id, owner) {
      let q = db.selectFrom('api_keys').selectAll().where('id', '=', id);
      if (owner) q = q.where('account_id', '=', owner.accountId).where('mode', '=', owner.mode);
      const row = await q.executeTakeFirst();
      return row === undefined ? undefined : toApiKey(row);
    },
    async listApiKeys(query) {
      let q = db.selectFrom('api_keys').selectAll();
      if (query.accountId !== undefined) q = q.where('account_id', '=', query.accountId);
      if (query.mode !== undefined) q = q.where('mode', '=', query.mode);
      const { rows, hasMore } = await pageById(q, query, 'API key');
      return { data: rows.map(toApiKey), hasMore };
    },
    revokeApiKey({ id, now, owner, keepOneActive }) {
      return durableTransaction(db, async (trx): Promise<ApiKeyRevocationResult> => {
        let q = trx.selectFrom('api_keys').selectAll().where('id', '=', id);
        if (owner) q = q.where('account_id', '=', owner.accountId).where('mode', '=', owner.mode);
        const row = await q.executeTakeFirst();
        if (row === undefined) return { kind: 'not_found' };
        const key = toApiKey(row);
        if (key.revokedAt !== null) return { kind: 'revoked', key };
        if (keepOneActive && isActive(key, now)) {
          // Two revocations of an account's last two keys must not both pass: the account row
          // is locked first (PostgreSQL; SQLite's write transaction already excludes others).
          await lockForUpdate(
            trx.selectFrom('accounts').select('id').where('id', '=', key.accountId),
            dialect,
          ).execute();
          if (!(await hasOtherActiveKey(trx, key, now))) return { kind: 'last_active', key };
        }
        await trx
          .updateTable('api_keys')
          .set({ revoked_at: now })
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
        return { kind: 'revoked', key: { ...key, revokedAt: now } };
      });
    },
    async touchApiKey(id, at, notBefore) {
      const result = await db
        .updateTable('api_keys')
        .set({ last_used_at: at })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', notBefore)]))
        .executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

function isActive(key: ApiKeyRecord, now: number): boolean {
  return key.revokedAt === null && (key.expiresAt === null || key.expiresAt > now);
}

async function hasOtherActiveKey(trx: Kysely<DB>, key: ApiKeyRecord, now: number): Promise<boolean> {
  const other = await trx
    .selectFrom('api_keys')
    .select('id')
    .where('account_id', '=', key.accountId)
    .where('mode', '=', key.mode)
    .where('id', '<>', key.id)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
    .limit(1)
    .executeTakeFirst();
  return other !== undefined;
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
    description: key.description,
    created_at: key.createdAt,
    expires_at: key.expiresAt,
    last_used_at: key.lastUsedAt,
    revoked_at: key.revokedAt,
  };
}

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    displayPrefix: row.display_prefix,
    description: row.description,
    createdAt: toSafeInteger(row.created_at, 'api_keys.created_at'),
    expiresAt: toSafeIntegerOrNull(row.expires_at, 'api_keys.expires_at'),
    lastUsedAt: toSafeIntegerOrNull(row.last_used_at, 'api_keys.last_used_at'),
    revokedAt: toSafeIntegerOrNull(row.revoked_at, 'api_keys.revoked_at'),
  };
}

import type { Kysely, Selectable } from 'kysely';
import type { ConnectorAccount } from '../../core/connector-contract.ts';
import type { ConnectorAccountRepo } from '../../core/repositories.ts';
import { toSafeInteger } from '../safe-integer.ts';
import type { ConnectorAccountsTable, DB } from '../schema.ts';
import type { SecretBox } from '../secret-box.ts';
import { parseStringRecord } from './json.ts';

/** Connector accounts; the credentials object is sealed whole by `box`. */
export function createConnectorAccountRepo(db: Kysely<DB>, box: SecretBox): ConnectorAccountRepo {
  const toAccount = (row: Selectable<ConnectorAccountsTable>): ConnectorAccount => ({
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    connector: row.connector,
    credentials: parseStringRecord(box.open(row.credentials_sealed), 'connector_accounts.credentials'),
    settings: parseStringRecord(row.settings, 'connector_accounts.settings'),
    priority: toSafeInteger(row.priority, 'connector_accounts.priority'),
    createdAt: toSafeInteger(row.created_at, 'connector_accounts.created_at'),
    updatedAt: toSafeInteger(row.updated_at, 'connector_accounts.updated_at'),
  });
  const scoped = (accountId: string, mode: ConnectorAccount['mode']) =>
    db.selectFrom('connector_accounts').selectAll().where('account_id', '=', accountId).where('mode', '=', mode);

  return {
    async upsert(account) {
      // A replacement keeps the stored id and created_at: payments refer to the id.
      const row = await db
        .insertInto('connector_accounts')
        .values({
          id: account.id,
          account_id: account.accountId,
          mode: account.mode,
          connector: account.connector,
          credentials_sealed: box.seal(JSON.stringify(account.credentials)),
          settings: JSON.stringify(account.settings),
          priority: account.priority,
          created_at: account.createdAt,
          updated_at: account.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['account_id', 'mode', 'connector']).doUpdateSet((eb) => ({
            credentials_sealed: eb.ref('excluded.credentials_sealed'),
            settings: eb.ref('excluded.settings'),
            priority: eb.ref('excluded.priority'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAccount(row);
    },
    async get(id) {
      const row = await db.selectFrom('connector_accounts').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toAccount(row);
    },
    async find(accountId, mode, connector) {
      const row = await scoped(accountId, mode).where('connector', '=', connector).executeTakeFirst();
      return row === undefined ? undefined : toAccount(row);
    },
    async list(accountId, mode) {
      const rows = await scoped(accountId, mode).orderBy('priority').orderBy('connector').execute();
      return rows.map(toAccount);
    },
    async remove(accountId, mode, connector) {
      const result = await db
        .deleteFrom('connector_accounts')
        .where('account_id', '=', accountId)
        .where('mode', '=', mode)
        .where('connector', '=', connector)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

import type { Insertable, Kysely, Selectable } from 'kysely';
import type { WebhookEndpoint, WebhookEndpointRepo } from '../../core/event-ports.ts';
import { rowById } from '../compiled.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { DB, WebhookEndpointsTable } from '../schema.ts';
import type { SecretBox } from '../secret-box.ts';
import { parseStringArray } from './json.ts';

type EndpointRow = Selectable<WebhookEndpointsTable>;

const endpointById = rowById('webhook_endpoints');

/** Merchant webhook endpoints; the signing secrets are sealed by `box`. */
export function createWebhookEndpointRepo(db: Kysely<DB>, box: SecretBox): WebhookEndpointRepo {
  const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    url: row.url,
    enabledEvents: parseStringArray(row.enabled_events, 'webhook_endpoints.enabled_events'),
    status: checkedStatus(row.status),
    disabledReason: row.disabled_reason,
    description: row.description,
    secret: box.open(row.secret_sealed),
    previousSecret: row.previous_secret_sealed === null ? null : box.open(row.previous_secret_sealed),
    previousSecretExpiresAt: toSafeIntegerOrNull(
      row.previous_secret_expires_at,
      'webhook_endpoints.previous_secret_expires_at',
    ),
    createdAt: toSafeInteger(row.created_at, 'webhook_endpoints.created_at'),
    updatedAt: toSafeInteger(row.updated_at, 'webhook_endpoints.updated_at'),
  });
  const mutable = (
    e: WebhookEndpoint,
  ): Omit<Insertable<WebhookEndpointsTable>, 'id' | 'account_id' | 'mode' | 'created_at'> => ({
    url: e.url,
    enabled_events: JSON.stringify(e.enabledEvents),
    status: e.status,
    disabled_reason: e.disabledReason,
    description: e.description,
    secret_sealed: box.seal(e.secret),
    previous_secret_sealed: e.previousSecret === null ? null : box.seal(e.previousSecret),
    previous_secret_expires_at: e.previousSecretExpiresAt,
    updated_at: e.updatedAt,
  });
  const byId = (id: string) => db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id);

  return {
    async create(endpoint) {
      await db
        .insertInto('webhook_endpoints')
        .values({
          id: endpoint.id,
          account_id: endpoint.accountId,
          mode: endpoint.mode,
          created_at: endpoint.createdAt,
          ...mutable(endpoint),
        })
        .execute();
    },
    async get(accountId, mode, id) {
      const row = await byId(id).where('account_id', '=', accountId).where('mode', '=', mode).executeTakeFirst();
      return row === undefined ? undefined : toEndpoint(row);
    },
    async getById(id) {
      const row = await endpointById(db, id);
      return row === undefined ? undefined : toEndpoint(row);
    },
    async list(accountId, mode) {
      const rows = await db
        .selectFrom('webhook_endpoints')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('mode', '=', mode)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toEndpoint);
    },
    async update(endpoint) {
      // The account, mode and creation time never move; a vanished endpoint is left alone.
      await db
        .updateTable('webhook_endpoints')
        .set(mutable(endpoint))
        .where('id', '=', endpoint.id)
        .where('account_id', '=', endpoint.accountId)
        .where('mode', '=', endpoint.mode)
        .execute();
    },
    async remove(accountId, mode, id) {
      const result = await db
        .deleteFrom('webhook_endpoints')
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('mode', '=', mode)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
}

function checkedStatus(status: string): WebhookEndpoint['status'] {
  if (status !== 'enabled' && status !== 'disabled') {
    throw new TypeError(`webhook_endpoints.status: unknown status "${status}"`);
  }
  return status;
}

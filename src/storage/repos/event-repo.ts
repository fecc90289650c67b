import type { Kysely, Selectable } from 'kysely';
import type { DomainEvent, EventRepo } from '../../core/event-ports.ts';
import { rowById } from '../compiled.ts';
import { toSafeInteger } from '../safe-integer.ts';
import type { DB, EventsTable } from '../schema.ts';
import { parseObject } from './json.ts';
import { pageById } from './paging.ts';

const eventById = rowById('events');

/** Events, written by the outbox (see `outbox.ts`) and read here, newest first. */
export function createEventRepo(db: Kysely<DB>): EventRepo {
  const byId = (id: string) => db.selectFrom('events').selectAll().where('id', '=', id);
  return {
    async get(accountId, mode, id) {
      const row = await byId(id).where('account_id', '=', accountId).where('mode', '=', mode).executeTakeFirst();
      return row === undefined ? undefined : toEvent(row);
    },
    async getById(id) {
      const row = await eventById(db, id);
      return row === undefined ? undefined : toEvent(row);
    },
    async list(query) {
      let q = db
        .selectFrom('events')
        .selectAll()
        .where('account_id', '=', query.accountId)
        .where('mode', '=', query.mode);
      if (query.type !== undefined) q = q.where('type', '=', query.type);
      if (query.objectId !== undefined) q = q.where('object_id', '=', query.objectId);
      const { rows, hasMore } = await pageById(q, query, 'event');
      return { data: rows.map(toEvent), hasMore };
    },
  };
}

function toEvent(row: Selectable<EventsTable>): DomainEvent {
  return {
    id: row.id,
    accountId: row.account_id,
    mode: row.mode,
    type: row.type,
    objectId: row.object_id,
    data: parseObject(row.data, 'events.data'),
    createdAt: toSafeInteger(row.created_at, 'events.created_at'),
  };
}

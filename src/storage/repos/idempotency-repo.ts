import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import { BawabaError } from '../../core/errors.ts';
import type {
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyRepo,
  IdempotencyReservation,
} from '../../core/repositories.ts';
import { compiled, slots } from '../compiled.ts';
import { toSafeInteger, toSafeIntegerOrNull } from '../safe-integer.ts';
import type { DB, IdempotencyKeysTable } from '../schema.ts';

type Row = Selectable<IdempotencyKeysTable>;
type Key = Pick<IdempotencyRecord, 'accountId' | 'mode' | 'key'>;

// A claim retries only when the row it read vanished (purged or released) before it could
// act; three rounds cover any realistic interleaving without looping forever.
const CLAIM_ATTEMPTS = 3;

/**
 * Idempotency keys. Every write in `claim` is a single statement guarded by the condition
 * it relies on, so two processes racing on PostgreSQL can never both get `claimed`: the
 * loser's guard no longer holds once the winner's row version is visible to it.
 */
export function createIdempotencyRepo(db: Kysely<DB>): IdempotencyRepo {
  return {
    async claim(record, now) {
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        const outcome = await claimOnce(db, record, now);
        if (outcome !== undefined) return outcome;
      }
      throw new Error(`idempotency key "${record.key}" kept disappearing while being claimed`);
    },
    find(accountId, mode, key) {
      return read(db, { accountId, mode, key });
    },
    async attachResource(accountId, mode, key, resourceId) {
      await linkIdempotentResource(db, { accountId, mode, key }, resourceId);
    },
    async complete(accountId, mode, key, status, body) {
      await completeIdempotentRequest(db, { accountId, mode, key }, status, body);
    },
    async release(accountId, mode, key) {
      await release(db, { accountId, mode, key });
    },
    async purgeExpired(now) {
      const result = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/**
 * Links a key still in progress to the object its request is creating, inside the caller's
 * transaction (the same one that writes the object). Throws `idempotency_key_in_use` when the
 * key already names another object or is gone, so the caller's transaction writes nothing.
 * On PostgreSQL the UPDATE also takes the key's row lock until the object is committed.
 *
 * A pending reservation's record is inserted here instead, naming the object: when another
 * request with the key got there first, this one throws (`idempotency_key_reused` for another
 * request, `idempotency_key_in_use` for the same) and its transaction writes nothing. On
 * PostgreSQL a racing insert waits for the other transaction to end.
 */
export async function linkIdempotentResource(
  trx: Kysely<DB>,
  reservation: IdempotencyReservation,
  resourceId: string,
): Promise<void> {
  const { accountId, mode, key, pending } = reservation;
  if (pending !== undefined) {
    const inserted = await claimRow(trx, { ...freshRow(pending.record), resource_id: resourceId });
    if (inserted.rows[0] !== undefined) return;
    const first = await read(trx, reservation);
    const reused = first !== undefined && first.requestHash !== pending.record.requestHash;
    throw new BawabaError(reused ? 'idempotency_key_reused' : 'idempotency_key_in_use', undefined, 'Idempotency-Key');
  }
  const result = await linkRow(trx, { accountId, mode, key, resourceId });
  if (result.numAffectedRows !== 1n) {
    throw new BawabaError('idempotency_key_in_use', undefined, 'Idempotency-Key');
  }
}

/** Stores a request's answer and marks its key done: alone, or in the caller's transaction. */
export async function completeIdempotentRequest(
  db: Kysely<DB>,
  reservation: IdempotencyReservation,
  status: number,
  body: string,
): Promise<void> {
  const { accountId, mode, key } = reservation;
  await completeRow(db, { accountId, mode, key, status, body });
}

function keyIs(k: Key) {
  return (eb: ExpressionBuilder<DB, 'idempotency_keys'>) =>
    eb.and([eb('account_id', '=', k.accountId), eb('mode', '=', k.mode), eb('key', '=', k.key)]);
}

// Every request with a key runs these three: compiled once (see `compiled`).
const claimRow = compiled<Row, Row>((db, param, first) =>
  db
    .insertInto('idempotency_keys')
    .values(slots(param, first))
    .onConflict((oc) => oc.columns(['account_id', 'mode', 'key']).doNothing())
    .returningAll(),
);
const linkRow = compiled<Key & { resourceId: string }, unknown>((db, param) =>
  db
    .updateTable('idempotency_keys')
    .set({ resource_id: param('resourceId') })
    .where(keyIs({ accountId: param('accountId'), mode: param('mode'), key: param('key') }))
    .where('state', '=', 'in_progress')
    .where((eb) => eb.or([eb('resource_id', 'is', null), eb('resource_id', '=', param('resourceId'))])),
);
const completeRow = compiled<Key & { status: number; body: string }, unknown>((db, param) =>
  db
    .updateTable('idempotency_keys')
    .set({ state: 'done', response_status: param('status'), response_body: param('body') })
    .where(keyIs({ accountId: param('accountId'), mode: param('mode'), key: param('key') })),
);

/** One round of the claim; undefined when the row read in between was deleted. */
async function claimOnce(
  db: Kysely<DB>,
  record: IdempotencyRecord,
  now: number,
): Promise<IdempotencyClaim | undefined> {
  const inserted = (await claimRow(db, freshRow(record))).rows[0];
  if (inserted !== undefined) return { kind: 'claimed', record: toRecord(inserted) };

  const existing = await read(db, record);
  if (existing === undefined) return undefined;
  if (existing.expiresAt <= now) return takeOverExpired(db, record, now);
  if (existing.state === 'in_progress' && existing.lockedUntil <= now && existing.requestHash === record.requestHash) {
    return takeOverLapsedLock(db, record, now);
  }
  return { kind: 'existing', record: existing };
}

/** Replaces an expired record with a new claim, as if the key had never been used. */
async function takeOverExpired(
  db: Kysely<DB>,
  record: IdempotencyRecord,
  now: number,
): Promise<IdempotencyClaim | undefined> {
  const { account_id: _a, mode: _m, key: _k, ...replacement } = freshRow(record);
  const row = await db
    .updateTable('idempotency_keys')
    .set(replacement)
    .where(keyIs(record))
    .where('expires_at', '<=', now)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? afterLostRace(db, record) : { kind: 'claimed', record: toRecord(row) };
}

/** Re-locks an in-progress record whose holder went quiet; keeps its resource id. */
async function takeOverLapsedLock(
  db: Kysely<DB>,
  record: IdempotencyRecord,
  now: number,
): Promise<IdempotencyClaim | undefined> {
  const row = await db
    .updateTable('idempotency_keys')
    .set({ locked_until: record.lockedUntil })
    .where(keyIs(record))
    .where('state', '=', 'in_progress')
    .where('locked_until', '<=', now)
    .where('expires_at', '>', now)
    .where('request_hash', '=', record.requestHash)
    .returningAll()
    .executeTakeFirst();
  return row === undefined ? afterLostRace(db, record) : { kind: 'claimed', record: toRecord(row) };
}

/** Someone else changed the row first: report what is stored now. */
async function afterLostRace(db: Kysely<DB>, k: Key): Promise<IdempotencyClaim | undefined> {
  const existing = await read(db, k);
  return existing === undefined ? undefined : { kind: 'existing', record: existing };
}

/**
 * With no resource created yet the key is simply forgotten; once a resource exists the record
 * stays (so a retry resumes it rather than creating a second one) and only its lock is dropped.
 */
async function release(db: Kysely<DB>, k: Key): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where(keyIs(k))
    .where('state', '=', 'in_progress')
    .where('resource_id', 'is', null)
    .execute();
  await db
    .updateTable('idempotency_keys')
    .set({ locked_until: 0 })
    .where(keyIs(k))
    .where('state', '=', 'in_progress')
    .execute();
}

// Every create of a payment reads its key first (see the idempotency plugin): compiled once.
const readRow = compiled<Key, Row>((db, param) =>
  db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where(keyIs({ accountId: param('accountId'), mode: param('mode'), key: param('key') })),
);

async function read(db: Kysely<DB>, k: Key): Promise<IdempotencyRecord | undefined> {
  const row = (await readRow(db, { accountId: k.accountId, mode: k.mode, key: k.key })).rows[0];
  return row === undefined ? undefined : toRecord(row);
}

function freshRow(record: IdempotencyRecord): Row {
  return {
    account_id: record.accountId,
    mode: record.mode,
    key: record.key,
    request_hash: record.requestHash,
    state: 'in_progress',
    resource_id: null,
    response_status: null,
    response_body: null,
    locked_until: record.lockedUntil,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
  };
}

function toRecord(row: Row): IdempotencyRecord {
  return {
    accountId: row.account_id,
    mode: row.mode,
    key: row.key,
    requestHash: row.request_hash,
    state: row.state,
    resourceId: row.resource_id,
    responseStatus: toSafeIntegerOrNull(row.response_status, 'idempotency_keys.response_status'),
    responseBody: row.response_body,
    lockedUntil: toSafeInteger(row.locked_until, 'idempotency_keys.locked_until'),
    createdAt: toSafeInteger(row.created_at, 'idempotency_keys.created_at'),
    expiresAt: toSafeInteger(row.expires_at, 'idempotency_keys.expires_at'),
  };
}

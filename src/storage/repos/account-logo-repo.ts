import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AccountLogo, AccountLogoRepo } from '../../core/account-logo.ts';
import { toSafeInteger } from '../safe-integer.ts';
import type { AccountLogosTable, DB } from '../schema.ts';

function toLogo(row: Omit<Selectable<AccountLogosTable>, 'data'>): AccountLogo {
  return {
    accountId: row.account_id,
    contentType: row.content_type,
    digest: row.digest,
    size: toSafeInteger(row.size, 'account_logos.size'),
    width: toSafeInteger(row.width, 'account_logos.width'),
    height: toSafeInteger(row.height, 'account_logos.height'),
    updatedAt: toSafeInteger(row.updated_at, 'account_logos.updated_at'),
  };
}

const META = ['account_id', 'content_type', 'digest', 'size', 'width', 'height', 'updated_at'] as const;

/** Accounts' logos: the bytes as base64 text, read only by the route that serves them. */
export function createAccountLogoRepo(db: Kysely<DB>): AccountLogoRepo {
  return {
    async put(logo, bytes) {
      const stored: AccountLogo = {
        ...logo,
        digest: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
      };
      const row = {
        account_id: stored.accountId,
        content_type: stored.contentType,
        digest: stored.digest,
        size: stored.size,
        width: stored.width,
        height: stored.height,
        data: Buffer.from(bytes).toString('base64'),
        updated_at: stored.updatedAt,
      };
      const { account_id: _key, ...changes } = row;
      await db
        .insertInto('account_logos')
        .values(row)
        .onConflict((oc) => oc.column('account_id').doUpdateSet(changes))
        .execute();
      return stored;
    },
    async get(accountId) {
      const row = await db
        .selectFrom('account_logos')
        .select(META)
        .where('account_id', '=', accountId)
        .executeTakeFirst();
      return row === undefined ? undefined : toLogo(row);
    },
    async bytesByDigest(digest) {
      const row = await db
        .selectFrom('account_logos')
        .select(['content_type', 'data'])
        .where('digest', '=', digest)
        .executeTakeFirst();
      return row === undefined
        ? undefined
        : { contentType: row.content_type, bytes: new Uint8Array(Buffer.from(row.data, 'base64')) };
    },
    async remove(accountId) {
      const result = await db.deleteFrom('account_logos').where('account_id', '=', accountId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

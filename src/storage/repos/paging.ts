import { type SelectQueryBuilder, sql } from 'kysely';

/** One page of a listing by id, newest first, with cursors on the id. */
export interface PageRequest {
  readonly limit: number;
  readonly startingAfter?: string | undefined;
  readonly endingBefore?: string | undefined;
}

/**
 * Reads one page of `query` (a single table with a time-sortable `id`), newest first.
 * `startingAfter` pages down from its cursor; `endingBefore` pages up from its cursor: the
 * nearest rows above it are read ascending, then flipped, so the page still reads newest first.
 */
export async function pageById<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: PageRequest,
  what: string,
): Promise<{ rows: O[]; hasMore: boolean }> {
  if (!Number.isSafeInteger(page.limit) || page.limit < 1) {
    throw new RangeError(`${what} list limit must be a positive integer, got ${page.limit}`);
  }
  const id = sql.ref<string>('id');
  let q = query;
  if (page.startingAfter !== undefined) q = q.where(sql<boolean>`${id} < ${page.startingAfter}`);
  if (page.endingBefore !== undefined) q = q.where(sql<boolean>`${id} > ${page.endingBefore}`);
  const upwards = page.endingBefore !== undefined;
  const rows = await q
    .orderBy(id, upwards ? 'asc' : 'desc')
    .limit(page.limit + 1)
    .execute();
  const data = rows.slice(0, page.limit);
  if (upwards) data.reverse();
  return { rows: data, hasMore: rows.length > page.limit };
}

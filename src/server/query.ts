import { BawabaError } from '../core/errors.ts';

/** A query string as Fastify parses it for a route without a schema: a repeated parameter is a list. */
export type QueryValues = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * One query parameter as text. A repeated parameter arrives as a list: it is refused with a 400
 * naming it, so no handler ever takes a list for a string.
 */
export function queryText(query: QueryValues | undefined, name: string): string | undefined {
  const value = query?.[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new BawabaError('parameter_invalid', `${name} is given more than once; give it once.`, name);
}

/**
 * The query parameters given once, as text; a repeated one is left out. For routes that must
 * not fail on what a browser brings back and trust no parameter anyway (the customer's return).
 */
export function singleQueryValues(query: QueryValues | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (typeof value === 'string' && name !== '') out[name] = value;
  }
  return out;
}

/** The cursor parameters every list route takes. */
export interface CursorQuery {
  readonly limit?: string | number;
  readonly starting_after?: string;
  readonly ending_before?: string;
}

/** A list's page: `limit` (default 10) and at most one of `starting_after` and `ending_before`. */
export function cursorPage(q: CursorQuery): { limit: number; startingAfter?: string; endingBefore?: string } {
  if (q.starting_after && q.ending_before) {
    throw new BawabaError('parameter_invalid', 'Use starting_after or ending_before, not both.', 'ending_before');
  }
  return {
    limit: q.limit ? Number(q.limit) : 10,
    ...(q.starting_after ? { startingAfter: q.starting_after } : {}),
    ...(q.ending_before ? { endingBefore: q.ending_before } : {}),
  };
}

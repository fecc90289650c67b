/**
 * The API's recent requests, kept in this process's memory for `bawaba logs tail`: a ring of the
 * last few thousand authenticated requests, each with its account and mode so a key reads only
 * its own. Nothing here is stored or shared between nodes: each node answers for the requests it
 * served. The path is kept as redacted (no key in a query string), never a body or a header.
 */

/** One answered request. */
export interface RequestLogEntry {
  /** The request id (`req_…`), time-sortable. */
  readonly id: string;
  readonly accountId: string;
  readonly mode: 'test' | 'live';
  readonly at: number;
  readonly method: string;
  /** The URL as the access log shows it (secrets redacted). */
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  /** The error code of an error answer. */
  readonly errorCode: string | null;
}

/** A bounded log of requests. */
export interface RequestLog {
  add(entry: RequestLogEntry): void;
  /**
   * The account and mode's entries in the order they were answered: the first `limit` after the
   * one with id `after` (all kept, when it is no longer kept), or without it the last `limit`;
   * `hasMore` when more follow those returned.
   */
  list(
    accountId: string,
    mode: 'test' | 'live',
    options: { after?: string; limit: number },
  ): { entries: RequestLogEntry[]; hasMore: boolean };
}

/** A ring of the last `capacity` entries. */
export function createRequestLog(capacity = 5000): RequestLog {
  const ring: (RequestLogEntry | undefined)[] = new Array(capacity);
  let next = 0;
  let size = 0;
  return {
    add(entry) {
      ring[next] = entry;
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
    },
    list(accountId, mode, { after, limit }) {
      const newestFirst: RequestLogEntry[] = [];
      for (let i = 1; i <= size; i++) {
        const entry = ring[(next - i + capacity) % capacity];
        // In the order answered, which is not always the ids' order: the cursor is a position.
        if (entry === undefined || entry.id === after) break;
        if (entry.accountId === accountId && entry.mode === mode) newestFirst.push(entry);
        if (after === undefined && newestFirst.length === limit) break;
      }
      const oldestFirst = newestFirst.reverse();
      return { entries: oldestFirst.slice(0, limit), hasMore: oldestFirst.length > limit };
    },
  };
}

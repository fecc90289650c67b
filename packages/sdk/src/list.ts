/** Cursor pagination: a list's first page that can also walk every page with `for await`. */
import type { List, ListParams } from './types.ts';

/**
 * The first page of a list (await it), which is also an async iterable of every object from that
 * page on (`for await`), fetching the next pages as needed.
 */
export interface ListPromise<T> extends Promise<List<T>>, AsyncIterable<T> {
  /**
   * Every object from this page on, fetching the next pages as needed. With only
   * `ending_before` set, it walks towards newer objects, nearest first.
   */
  autoPaging(): AsyncGenerator<T, void, undefined>;
}

/** Wraps the fetch of a list's first page into a {@link ListPromise}. */
export function listable<T extends { id: string }, P extends ListParams>(
  params: P,
  fetchPage: (params: P) => Promise<List<T>>,
): ListPromise<T> {
  const first = fetchPage(params);
  const autoPaging = () => {
    // The iteration re-awaits `first` and throws its error; an iterator never started must not
    // turn that error into an unhandled rejection.
    first.catch(() => undefined);
    return pages(first, params, fetchPage);
  };
  return Object.assign(first, { autoPaging, [Symbol.asyncIterator]: autoPaging });
}

async function* pages<T extends { id: string }, P extends ListParams>(
  first: Promise<List<T>>,
  params: P,
  fetchPage: (params: P) => Promise<List<T>>,
): AsyncGenerator<T, void, undefined> {
  // Pages are newest first; `ending_before` alone walks upwards, so each page is read bottom-up.
  const upwards = params.ending_before !== undefined && params.starting_after === undefined;
  let page = await first;
  for (;;) {
    yield* upwards ? [...page.data].reverse() : page.data;
    const edge = upwards ? page.data[0] : page.data[page.data.length - 1];
    if (!page.has_more || edge === undefined) return;
    page = await fetchPage(upwards ? { ...params, ending_before: edge.id } : { ...params, starting_after: edge.id });
  }
}

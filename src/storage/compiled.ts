import type { Compilable, CompiledQuery, DialectAdapter, Kysely, QueryResult, Selectable } from 'kysely';
import type { DB } from './schema.ts';

/** Stands for a named parameter while a query is built; replaced by its value at each run. */
class Slot {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/** A value that is a constant of the query, not one of its parameters. */
type Part = { readonly slot: string } | { readonly constant: unknown };

interface Shape {
  readonly compiled: CompiledQuery;
  readonly parts: readonly Part[];
}

/** The value of parameter `name` while a query is built (a placeholder, bound at each run). */
export type Param<P> = <K extends keyof P & string>(name: K) => P[K];

/** Runs a query of fixed shape with its parameters: on the database or inside a transaction. */
export type CompiledRun<P, O> = (db: Kysely<DB>, params: P) => Promise<QueryResult<O>>;

/**
 * A query of one fixed shape, built and compiled once per dialect; each run only binds its
 * parameters. Building a query with Kysely and compiling it costs more than running most of
 * Bawaba's statements, and a payment's lifecycle runs the same few dozen shapes every time.
 *
 * `build` must use `param(name)` for every value that varies, and give the query the same shape
 * whatever the values (no lists whose length varies: `in` takes a list, a placeholder is one
 * value). Constants written in `build` stay in the query. `first` is the first run's
 * parameters, for shapes made of their keys (see {@link slots}).
 */
export function compiled<P extends object, O>(
  build: (db: Kysely<DB>, param: Param<P>, first: P) => Compilable<O>,
): CompiledRun<P, O> {
  // One shape per dialect adapter: a transaction shares its database's adapter.
  const shapes = new WeakMap<DialectAdapter, Shape>();
  const param = ((name: string) => new Slot(name)) as unknown as Param<P>;
  return async (db, params) => {
    const adapter = db.getExecutor().adapter;
    let shape = shapes.get(adapter);
    if (shape === undefined) {
      const compiledQuery = build(db, param, params).compile();
      shape = {
        compiled: compiledQuery,
        parts: compiledQuery.parameters.map((value) =>
          value instanceof Slot ? { slot: value.name } : { constant: value },
        ),
      };
      shapes.set(adapter, shape);
    }
    const values = params as Record<string, unknown>;
    const parameters = shape.parts.map((part) => {
      if (!('slot' in part)) return part.constant;
      const value = values[part.slot];
      if (value === undefined) throw new Error(`compiled query: no value for parameter "${part.slot}"`);
      return value;
    });
    return db.executeQuery<O>({ ...shape.compiled, parameters });
  };
}

/**
 * A placeholder for every key of `row`, named after it: the values of an insert or the
 * assignments of an update whose columns are always the same.
 */
export function slots<P extends object>(param: Param<P>, row: P): P {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row)) out[key] = param(key as keyof P & string);
  return out as P;
}

type TableWithId = { [T in keyof DB]: DB[T] extends { id: unknown } ? T : never }[keyof DB];

/** `select * from <table> where id = ?`, compiled once: the first row, or undefined. */
export function rowById<T extends TableWithId>(
  table: T,
): (db: Kysely<DB>, id: string) => Promise<Selectable<DB[T]> | undefined> {
  // Kysely cannot type a query over a table chosen by a type parameter: the shape is checked here.
  const run = compiled<{ id: string }, Selectable<DB[T]>>(
    (db, param) =>
      (db as unknown as Kysely<{ row: { id: string } }>)
        .selectFrom(table as unknown as 'row')
        .selectAll()
        .where('id', '=', param('id')) as never,
  );
  return async (db, id) => (await run(db, { id })).rows[0];
}

// How commands print: JSON that parses (`--json`), or a readable table.

/** A column of a table: its heading and how to read a row's cell. */
export interface Column<T> {
  readonly heading: string;
  readonly cell: (row: T) => string | number | boolean | null | undefined;
}

/** Prints `value` as indented JSON, followed by a newline. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Renders rows as an aligned table with a heading line; `empty` when there are no rows. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], empty = '(none)'): string {
  if (rows.length === 0) return `${empty}\n`;
  const cells = rows.map((row) => columns.map((c) => text(c.cell(row))));
  const headings = columns.map((c) => c.heading.toUpperCase());
  const widths = headings.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headings), ...cells.map(line)].join('\n')}\n`;
}

/** Prints rows as a table. */
export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty?: string): void {
  process.stdout.write(table(rows, columns, empty));
}

/** Prints an object's fields as `name  value` lines; nested objects as compact JSON. */
export function printFields(object: Readonly<Record<string, unknown>>): void {
  const entries = Object.entries(object);
  const width = Math.max(...entries.map(([k]) => k.length));
  for (const [name, value] of entries) process.stdout.write(`${name.padEnd(width)}  ${text(value)}\n`);
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** A refusal that is not a usage error: one line on stderr, no help text, exit status 1. */
export function fail(message: string): never {
  process.stderr.write(`bawaba: ${message}\n`);
  process.exit(1);
}

/**
 * Reading a settings patch from a control API body, field by field: each setting names its body
 * field and how that field is read; the first field that is wrong is the 400's message.
 */
import { type Body, isNonNegativeInt } from './control-routes.ts';

/** A field's value as the setting, or the message saying why it is wrong. */
export type Setting<T> = (field: string, value: unknown) => { value: T } | string;

export const positiveInt: Setting<number> = (field, value) =>
  isNonNegativeInt(value) && value >= 1 ? { value } : `${field} must be a positive integer`;

/** A delay in milliseconds, or null for never. */
export const delayOrNever: Setting<number | null> = (field, value) =>
  value === null || isNonNegativeInt(value) ? { value } : `${field} must be a non-negative integer or null`;

/** `what` is how the message names the two values. */
export const flag =
  (what = 'a boolean'): Setting<boolean> =>
  (field, value) =>
    typeof value === 'boolean' ? { value } : `${field} must be ${what}`;

export const oneOf =
  <T extends string>(values: readonly T[]): Setting<T> =>
  (field, value) =>
    values.includes(value as T) ? { value: value as T } : `${field} must be one of ${values.join(', ')}`;

/** The settings `fields` names that the body sets (a field absent is left as it is), or the first error. */
export function readSettings<P>(
  body: Body,
  fields: { [K in keyof P]?: readonly [field: string, read: Setting<P[K]>] },
): Partial<P> | string {
  const patch: Partial<P> = {};
  for (const key in fields) {
    const spec = fields[key];
    if (spec === undefined || body[spec[0]] === undefined) continue;
    const read = spec[1](spec[0], body[spec[0]]);
    if (typeof read === 'string') return read;
    patch[key] = read.value;
  }
  return patch;
}

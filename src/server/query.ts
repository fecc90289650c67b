import type { FastifyRequest } from 'fastify';
import { BawabaError } from '../core/errors.ts';

/**
 * One query parameter as text. A repeated parameter arrives as a list: it is refused with a 400
 * naming it, so no handler ever takes a list for a string.
 */
export function queryText(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new BawabaError('parameter_invalid', `${name} is given more than once; give it once.`, name);
}

/**
 * The query parameters given once, as text; a repeated one is left out. For routes that must
 * not fail on what a browser brings back and trust no parameter anyway (the customer's return).
 */
export function singleQueryValues(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries((request.query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' && name !== '') out[name] = value;
  }
  return out;
}

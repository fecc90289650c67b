import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import { BawabaError } from '../../core/errors.ts';

/** Requests per minute the public routes take; 0 turns a limit off. */
export interface PublicRateLimits {
  /** `/return/...` from one source address. */
  readonly returnsPerAddress: number;
  /** `/return/...` for one payment (each one asks the provider). */
  readonly returnsPerPayment: number;
  /** `/hooks/...` from one source address. */
  readonly hooksPerAddress: number;
  /** `/hooks/...` for one connector account. */
  readonly hooksPerConnectorAccount: number;
}

/** The window every public limit counts in. */
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** One limit: at most `max` requests per window for each value of `key`. */
export interface RateLimitSpec {
  readonly name: string;
  readonly max: number;
  readonly key: (request: FastifyRequest) => string;
}

/**
 * Registers `@fastify/rate-limit` with `global: false`: only the routes given a
 * {@link rateLimiter} hook are counted. Counts live in this process's memory.
 */
export async function registerRateLimiting(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, { global: false, timeWindow: RATE_LIMIT_WINDOW_MS });
}

/**
 * An `onRequest` hook applying `limits` in order, each with its own counts (shared by every
 * route the hook is given to). The first limit exceeded answers `429 rate_limited` with
 * `Retry-After`, and the limits after it do not count that request: a flood from one address
 * is stopped by the address limit before it can use up a payment's or an account's allowance.
 */
export function rateLimiter(app: FastifyInstance, limits: readonly RateLimitSpec[]): onRequestAsyncHookHandler {
  const checks = limits
    .filter((limit) => limit.max > 0)
    .map((limit) => app.createRateLimit({ max: limit.max, timeWindow: RATE_LIMIT_WINDOW_MS, keyGenerator: limit.key }));
  return async (request, reply) => {
    for (const check of checks) {
      const result = await check(request);
      if (result.isAllowed || !result.isExceeded) continue;
      const seconds = Math.max(1, result.ttlInSeconds);
      reply.header('retry-after', String(seconds));
      throw new BawabaError('rate_limited', `Too many requests; retry in ${seconds} seconds.`);
    }
  };
}

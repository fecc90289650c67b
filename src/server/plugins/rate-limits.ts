import rateLimit from '@fastify/rate-limit';
import type {
  FastifyInstance,
  FastifyRequest,
  onRequestAsyncHookHandler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
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

/** A request to a route whose path parameters are `Params`. */
type RouteRequest<Params> = FastifyRequest<{ Params: Params }>;

/** One limit: at most `max` requests per window for each value of `key`. */
export interface RateLimitSpec<Params = unknown> {
  readonly name: string;
  readonly max: number;
  readonly key: (request: RouteRequest<Params>) => string;
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
export function rateLimiter<Params = unknown>(
  app: Pick<FastifyInstance, 'createRateLimit'>,
  limits: readonly RateLimitSpec<Params>[],
): onRequestAsyncHookHandler<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  { Params: Params }
> {
  const checks = limits
    .filter((limit) => limit.max > 0)
    .map((limit) =>
      app.createRateLimit({
        max: limit.max,
        timeWindow: RATE_LIMIT_WINDOW_MS,
        // Each check is given the request of a route this hook is on (below), whose params are
        // `Params`; the plugin's own type knows only a request in general.
        keyGenerator: limit.key as (request: FastifyRequest) => string,
      }),
    );
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

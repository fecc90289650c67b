import type { FastifyReply, FastifyRequest } from 'fastify';
import { BawabaError } from '../../core/errors.ts';
import { receiveNotification } from '../../core/services/receive-notification.ts';
import { rateLimiter } from '../plugins/rate-limits.ts';
import type { QueryValues } from '../query.ts';
import type { ApiApp, AppDeps } from '../types.ts';

/** The hook routes have no schema (the body is kept raw, for signatures): their types. */
interface HookRoute {
  Params: { connector: string; connectorAccountId: string };
  Querystring: QueryValues;
}

/**
 * `POST /hooks/{connector}/{connector_account_id}`: provider notifications. The body is kept
 * raw (signatures are over its exact bytes). `GET` on the same path takes Qattah's unsigned
 * success callback, which only names an order: Bawaba asks Qattah before changing anything. Unverifiable → 401, nothing changes; anything
 * else → 200 once stored, so the provider stops retrying; a failure to store → 500, and the
 * provider retries.
 */
export async function registerProviderHookRoutes(app: ApiApp, deps: AppDeps): Promise<void> {
  // One set of counts for both methods: per source address, then per connector account.
  const limit = rateLimiter<HookRoute['Params']>(app, [
    { name: 'hook-address', max: deps.rateLimits.hooksPerAddress, key: (request) => request.ip },
    {
      name: 'hook-account',
      max: deps.rateLimits.hooksPerConnectorAccount,
      key: (request) => request.params.connectorAccountId,
    },
  ]);
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // Kept as text; no provider sends a NUL character, and PostgreSQL cannot store one.
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) =>
      (body as string).includes('\u0000')
        ? done(new BawabaError('body_invalid', 'A notification body must not contain the NUL character (U+0000).'))
        : done(null, body),
    );
    const receive = async (request: FastifyRequest<HookRoute>, reply: FastifyReply) => {
      const { connector, connectorAccountId } = request.params;
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(request.headers))
        headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
      const query: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(request.query ?? {}))
        query[k] = Array.isArray(v) ? String(v[0]) : typeof v === 'string' ? v : undefined;
      const method = request.method === 'GET' ? 'GET' : 'POST';
      const rawBody = typeof request.body === 'string' ? request.body : '';
      const result = await receiveNotification(deps.payment, connector, connectorAccountId, {
        headers,
        rawBody,
        method,
        query,
      });
      if (result.status === 'unverified') {
        throw new BawabaError('notification_unverified', `Notification rejected: ${result.reason}.`);
      }
      return reply.code(200).send({ received: true, result: result.status });
    };
    scope.post<HookRoute>(
      '/hooks/:connector/:connectorAccountId',
      { config: { public: true }, onRequest: limit },
      receive,
    );
    // Qattah calls back with a bare GET `?order_id=...`: a hint, checked with the provider.
    scope.get<HookRoute>(
      '/hooks/:connector/:connectorAccountId',
      { config: { public: true }, onRequest: limit },
      receive,
    );
  });
}

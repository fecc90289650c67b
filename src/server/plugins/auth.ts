import type { FastifyInstance } from 'fastify';
import { BawabaError } from '../../core/errors.ts';
import type { ApiKeyAuthenticator } from '../api-key-auth.ts';

/** Every route needs `Authorization: Bearer sk_...` unless its config says `public`. */
export function registerAuth(app: FastifyInstance, keys: ApiKeyAuthenticator): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || request.is404) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new BawabaError('authentication_required');
    request.principal = await keys.authenticate(match[1]);
  });
}

import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { BawabaError } from '../../core/errors.ts';
import type { AccountRepo } from '../../core/ports.ts';
import { apiKeyMode, hashApiKey } from '../api-keys.ts';

/** Every route needs `Authorization: Bearer sk_...` unless its config says `public`. */
export function registerAuth(app: FastifyInstance, accounts: AccountRepo): void {
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.public || request.is404) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new BawabaError('authentication_required');
    const secret = match[1];
    if (!apiKeyMode(secret)) throw new BawabaError('api_key_invalid');
    const hash = hashApiKey(secret);
    const key = await accounts.findApiKeyByHash(hash);
    if (!key || !timingSafeEqual(Buffer.from(key.secretHash, 'hex'), Buffer.from(hash, 'hex'))) {
      throw new BawabaError('api_key_invalid');
    }
    request.principal = { accountId: key.accountId, mode: key.mode, apiKeyId: key.id };
  });
}

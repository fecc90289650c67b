import { BawabaError } from '../../core/errors.ts';
import type { ApiKeyRecord } from '../../core/repositories.ts';
import type { ApiKeyAuthenticator } from '../api-key-auth.ts';
import { parseInstant } from '../api-key-expiry.ts';
import { apiKeyStatus, newApiKey } from '../api-keys.ts';
import {
  type ApiKeyObject,
  CreateApiKeySchema,
  GetApiKeySchema,
  ListApiKeysSchema,
  RevokeApiKeySchema,
} from '../contract/api-keys.ts';
import type { ViewOf } from '../contract/common.ts';
import { cursorPage } from '../query.ts';
import type { ApiApp, AppDeps } from '../types.ts';
import { principalOf } from './principal.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function keyView(key: ApiKeyRecord, now: number, secret?: string) {
  return {
    id: key.id,
    object: 'api_key' as const,
    livemode: key.mode === 'live',
    prefix: key.displayPrefix,
    description: key.description,
    status: apiKeyStatus(key, now),
    created_at: new Date(key.createdAt).toISOString(),
    expires_at: iso(key.expiresAt),
    last_used_at: iso(key.lastUsedAt),
    revoked_at: iso(key.revokedAt),
    ...(secret !== undefined ? { secret } : {}),
  };
}

/** The API's view of a key: never its secret, except `secret` in the answer that made it. */
export const apiKeyView: ViewOf<typeof ApiKeyObject, typeof keyView> = keyView;

/**
 * `/v1/api_keys`: a key manages the keys of its own account in its own mode. Revoking is
 * idempotent, a key may revoke itself, and the last active key of the account in that mode
 * cannot be revoked here (the account would be locked out of the API; `bawaba keys revoke
 * --force` can).
 */
export function registerApiKeyRoutes(app: ApiApp, deps: AppDeps, keys: ApiKeyAuthenticator): void {
  app.get('/v1/api_keys', { schema: ListApiKeysSchema }, async (request) => {
    const p = principalOf(request);
    const page = await deps.accounts.listApiKeys({
      accountId: p.accountId,
      mode: p.mode,
      ...cursorPage(request.query),
    });
    const now = deps.clock.now();
    return { object: 'list' as const, data: page.data.map((k) => apiKeyView(k, now)), has_more: page.hasMore };
  });

  app.get('/v1/api_keys/:id', { schema: GetApiKeySchema }, async (request) => {
    const p = principalOf(request);
    const { id } = request.params;
    const key = await deps.accounts.getApiKey(id, { accountId: p.accountId, mode: p.mode });
    if (!key) throw new BawabaError('resource_not_found', `No such API key: ${id}.`, 'id');
    return apiKeyView(key, deps.clock.now());
  });

  app.post(
    '/v1/api_keys',
    {
      schema: CreateApiKeySchema,
      config: { idempotency: 'required' },
      // Every field is optional: no body at all means `{}`.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const body = request.body;
      const now = deps.clock.now();
      let expiresAt: number | null = null;
      if (body.expires_at !== undefined) {
        const at = parseInstant(body.expires_at);
        if (at === undefined) {
          throw new BawabaError(
            'parameter_invalid',
            'expires_at must be an ISO 8601 date-time or Unix seconds.',
            'expires_at',
          );
        }
        if (at <= now) throw new BawabaError('parameter_invalid', 'expires_at must be in the future.', 'expires_at');
        expiresAt = at;
      }
      const created = newApiKey(deps, p.accountId, p.mode, { expiresAt, description: body.description ?? null });
      await deps.accounts.createApiKey(created.record, created.secretHash);
      // Only the hash of the secret is kept anywhere, the idempotency record included: a
      // replay answers the key without it.
      request.idempotencyReplayBody = JSON.stringify(apiKeyView(created.record, now));
      return reply.code(201).send(apiKeyView(created.record, now, created.secret));
    },
  );

  app.post(
    '/v1/api_keys/:id/revoke',
    { schema: RevokeApiKeySchema, config: { idempotency: 'required' } },
    async (request) => {
      const p = principalOf(request);
      const { id } = request.params;
      const now = deps.clock.now();
      const result = await deps.accounts.revokeApiKey({
        id,
        now,
        owner: { accountId: p.accountId, mode: p.mode },
        keepOneActive: true,
      });
      if (result.kind === 'not_found') throw new BawabaError('resource_not_found', `No such API key: ${id}.`, 'id');
      if (result.kind === 'last_active') throw new BawabaError('api_key_last_active', undefined, 'id');
      keys.forget();
      return apiKeyView(result.key, now);
    },
  );
}

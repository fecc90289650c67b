import { type AccountLogo, type AccountLogoRepo, checkLogo, logoPath } from '../../core/account-logo.ts';
import type { Clock } from '../../core/clock.ts';
import { BawabaError } from '../../core/errors.ts';
import {
  type AccountLogoObject,
  DeleteAccountLogoSchema,
  GetAccountLogoSchema,
  SetAccountLogoSchema,
} from '../contract/account-logo.ts';
import type { ViewOf } from '../contract/common.ts';
import type { ApiApp } from '../types.ts';
import { principalOf } from './principal.ts';

/**
 * `/v1/account/logo`: the merchant's logo on the checkout pages, beside its name. An account
 * setting: a key of either mode sets it for both.
 */
export function registerAccountLogoRoutes(
  app: ApiApp,
  deps: { readonly logos: AccountLogoRepo; readonly clock: Clock; readonly publicUrl: () => string },
): void {
  const view = (logo: AccountLogo) => ({
    object: 'account_logo' as const,
    content_type: logo.contentType,
    size: logo.size,
    width: logo.width,
    height: logo.height,
    url: `${deps.publicUrl().replace(/\/+$/, '')}${logoPath(logo)}`,
    updated_at: new Date(logo.updatedAt).toISOString(),
  });
  const response: ViewOf<typeof AccountLogoObject, typeof view> = view;

  app.post(
    '/v1/account/logo',
    // The base64 of the largest logo is larger than the API's usual body limit.
    { schema: SetAccountLogoSchema, config: { idempotency: 'required' }, bodyLimit: 96 * 1024 },
    async (request) => {
      const { accountId } = principalOf(request);
      const bytes = new Uint8Array(Buffer.from(request.body.data, 'base64'));
      const image = checkLogo(bytes, 'data');
      const logo = await deps.logos.put({ accountId, ...image, updatedAt: deps.clock.now() }, bytes);
      return response(logo);
    },
  );

  app.get('/v1/account/logo', { schema: GetAccountLogoSchema }, async (request) => {
    const logo = await deps.logos.get(principalOf(request).accountId);
    if (!logo) throw new BawabaError('resource_not_found', 'The account has no logo.');
    return response(logo);
  });

  app.delete('/v1/account/logo', { schema: DeleteAccountLogoSchema }, async (request) => {
    const removed = await deps.logos.remove(principalOf(request).accountId);
    if (!removed) throw new BawabaError('resource_not_found', 'The account has no logo.');
    return { object: 'account_logo' as const, deleted: true as const };
  });
}

import type { Static } from 'typebox';
import type { Connector, ConnectorAccount } from '../../core/connector-contract.ts';
import { BawabaError } from '../../core/errors.ts';
import type { Mode } from '../../core/payment/payment.ts';
import { liveUrlProblem } from '../../net/address-policy.ts';
import type { ViewOf } from '../contract/common.ts';
import {
  type ConnectorAccountObject,
  DeleteConnectorSchema,
  ListConnectorsSchema,
  type PutConnectorBody,
  PutConnectorSchema,
} from '../contract/connectors.ts';
import type { ApiApp, AppDeps } from '../types.ts';
import { principalOf } from './principal.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** Shows the last 4 characters of a secret at most. */
function mask(secret: string): string {
  return secret.length <= 8 ? '…' : `…${secret.slice(-4)}`;
}

function accountView(a: ConnectorAccount, publicUrl: string) {
  return {
    id: a.id,
    webhook_url: `${publicUrl.replace(/\/+$/, '')}/hooks/${a.connector}/${a.id}`,
    object: 'connector_account' as const,
    connector: a.connector,
    livemode: a.mode === 'live',
    credentials: Object.fromEntries(Object.entries(a.credentials).map(([k, v]) => [k, mask(v)])),
    settings: { ...a.settings },
    priority: a.priority,
    created_at: iso(a.createdAt),
    updated_at: iso(a.updatedAt),
  };
}

const view: ViewOf<typeof ConnectorAccountObject, typeof accountView> = accountView;

function checkConfig(connector: Connector, body: Static<typeof PutConnectorBody>, mode: Mode): void {
  const spec = connector.configuration;
  const allowed = [...spec.credentials.required, ...spec.credentials.optional];
  for (const name of Object.keys(body.credentials)) {
    if (!allowed.includes(name)) {
      throw new BawabaError(
        'parameter_unknown',
        `credentials.${name} is not used by ${connector.id}.`,
        `credentials.${name}`,
      );
    }
  }
  for (const name of spec.credentials.required) {
    if (!body.credentials[name])
      throw new BawabaError('parameter_missing', `credentials.${name} is required.`, `credentials.${name}`);
  }
  for (const [name, value] of Object.entries(body.settings ?? {})) {
    if (!spec.settings.includes(name)) {
      throw new BawabaError(
        'parameter_unknown',
        `settings.${name} is not used by ${connector.id}.`,
        `settings.${name}`,
      );
    }
    const refused = spec.checkSetting?.(name, value);
    if (refused) throw new BawabaError('parameter_invalid', `settings.${name} ${refused}`, `settings.${name}`);
    if (name === 'base_url' && !/^https?:\/\/[^\s/]+/.test(value)) {
      throw new BawabaError(
        'parameter_invalid',
        'settings.base_url must be an absolute http(s) URL.',
        'settings.base_url',
      );
    }
    // Live calls carry the merchant's live secrets: https, and never to this machine or its
    // networks (each connection checks every address a host name resolves to, too).
    const problem = name === 'base_url' && mode === 'live' ? liveUrlProblem(value) : undefined;
    if (problem) {
      throw new BawabaError('parameter_invalid', `settings.base_url ${problem} in live mode.`, 'settings.base_url');
    }
  }
}

/** `/v1/connectors`: the provider credentials of the caller's account, per mode. */
export function registerConnectorRoutes(app: ApiApp, deps: AppDeps): void {
  app.get('/v1/connectors', { schema: ListConnectorsSchema }, async (request) => {
    const p = principalOf(request);
    const list = await deps.connectorAccounts.list(p.accountId, p.mode);
    return { object: 'list' as const, data: list.map((a) => view(a, deps.payment.publicUrl)), has_more: false };
  });

  app.put('/v1/connectors/:connector', { schema: PutConnectorSchema }, async (request) => {
    const p = principalOf(request);
    const { connector: id } = request.params;
    const connector = deps.connectors.get(id);
    if (!connector) throw new BawabaError('connector_unknown', `connector ${id} does not exist.`, 'connector');
    const body = request.body;
    checkConfig(connector, body, p.mode);
    const existing = await deps.connectorAccounts.find(p.accountId, p.mode, id);
    const now = deps.clock.now();
    const saved = await deps.connectorAccounts.upsert({
      id: existing?.id ?? deps.ids.next('ca'),
      accountId: p.accountId,
      mode: p.mode,
      connector: id,
      credentials: body.credentials,
      settings: body.settings ?? {},
      priority: body.priority ?? existing?.priority ?? 100,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    });
    return view(saved, deps.payment.publicUrl);
  });

  app.delete('/v1/connectors/:connector', { schema: DeleteConnectorSchema }, async (request) => {
    const p = principalOf(request);
    const { connector } = request.params;
    const deleted = await deps.connectorAccounts.remove(p.accountId, p.mode, connector);
    if (!deleted) throw new BawabaError('resource_not_found', `connector ${connector} is not configured.`, 'connector');
    return { connector, deleted };
  });
}

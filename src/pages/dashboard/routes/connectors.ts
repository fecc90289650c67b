import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Connector, ConnectorAccount } from '../../../core/connector-contract.ts';
import { BawabaError } from '../../../core/errors.ts';
import { html, type SafeHtml } from '../../kit/html.ts';
import { fill, strings } from '../../kit/i18n.ts';
import { audit } from '../audit.ts';
import { kept, redirectTo, refusal, refusalText } from '../confirm.ts';
import type { DashboardDeps, Viewer } from '../deps.ts';
import { COMMON } from '../i18n/common.ts';
import { LISTS } from '../i18n/lists.ts';
import { SETTINGS } from '../i18n/settings.ts';
import { csrfField, shell } from '../layout.ts';
import { answerOnce, once, onceField } from '../once.ts';
import { PageError } from '../page-error.ts';
import { sendPage, viewerOf } from '../plugin.ts';
import { code, param } from '../ui.ts';

const ADMIN = { config: { public: true, dashboard: 'admin' as const } };

type Form = Record<string, string | undefined>;

/** The last 4 characters of a secret at most, as the API shows it. */
function mask(secret: string): string {
  return secret.length <= 8 ? '…' : `…${secret.slice(-4)}`;
}

function hookUrl(deps: DashboardDeps, request: FastifyRequest, a: ConnectorAccount): string {
  const base = (deps.payment.publicUrl || `${request.protocol}://${request.host}`).replace(/\/+$/, '');
  return `${base}/hooks/${a.connector}/${a.id}`;
}

/** Connectors' configuration per mode: listed for all, changed by admins (secrets replaced only when typed). */
export function registerConnectorRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  app.get('/connectors', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(LISTS, viewer.lang);
    const s = strings(SETTINGS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    const accounts = await deps.connectorAccounts.list(viewer.user.accountId, viewer.session.mode);
    const admin = viewer.user.role === 'admin';
    const missing = deps.connectors.ids().filter((id) => !accounts.some((a) => a.connector === id));
    const done = param(request.query, 'done');
    const body = html`<h1>${c.connectors}</h1><p class="muted small">${s.connectorsLead}</p>
${done && deps.connectors.get(done) ? html`<div class="notice ok" role="status">${fill(s.doneSaved, { connector: done })}</div>` : ''}
${
  accounts.length === 0
    ? html`<div class="card muted">${t.notConfigured}</div>`
    : html`<table id="connectors"><thead><tr><th>${t.connector}</th><th class="num">${t.priority}</th><th>${t.baseUrl}</th><th>${t.credentials}</th><th>${t.hookUrl}</th><th></th></tr></thead><tbody>${[
        ...accounts,
      ]
        .sort((a, b) => a.priority - b.priority)
        .map(
          (a) =>
            html`<tr><td>${code(a.connector)}</td><td class="num">${a.priority}</td><td>${code(a.settings.base_url ?? '')}</td><td class="small">${Object.entries(
              a.credentials,
            ).map(
              ([k, v]) => html`<div>${code(`${k}: ${mask(v)}`)}</div>`,
            )}</td><td class="small">${code(hookUrl(deps, request, a))}</td><td>${
              admin ? html`<a class="button quiet" href="/dashboard/connectors/${a.connector}/edit">${s.edit}…</a>` : ''
            }</td></tr>`,
        )}</tbody></table>`
}
${
  missing.length > 0
    ? html`<h2>${s.notConfiguredList}</h2><div class="card actions">${missing.map((id) =>
        admin
          ? html`<a class="button quiet" href="/dashboard/connectors/${id}/edit">${s.configure} ${code(id)}</a>`
          : code(id),
      )}</div>`
    : ''
}`;
    return sendPage(reply, shell(viewer, c.connectors, 'connectors', body));
  });

  const connectorOf = (id: string): Connector => {
    const connector = deps.connectors.get(id);
    if (!connector) throw new PageError('not_found');
    return connector;
  };

  const connectorForm = (
    viewer: Viewer,
    connector: Connector,
    existing: ConnectorAccount | undefined,
    typed: { priority: string; settings: Record<string, string> },
    error?: string,
  ) => {
    const s = strings(SETTINGS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    const spec = connector.configuration;
    const title = fill(s.editConnector, { connector: connector.id });
    const credential = (name: string, required: boolean): SafeHtml => {
      const current = existing?.credentials[name];
      return html`<label>${code(name)} <span class="small muted">${required ? s.required : s.optional}</span><input type="password" name="cred_${name}" autocomplete="new-password" dir="ltr" value="" placeholder="${current ? fill(s.secretKept, { masked: mask(current) }) : s.secretUnset}"${required && !current ? html` required` : ''}></label>`;
    };
    return shell(
      viewer,
      title,
      'connectors',
      html`<div class="confirm"><h1>${title}</h1>
${error ? html`<div class="notice bad" role="alert">${error}</div>` : ''}
<form method="post" action="/dashboard/connectors/${connector.id}/edit" class="card stack" autocomplete="off">${csrfField(viewer)}${onceField()}
<label>${s.priority}<input name="priority" inputmode="numeric" dir="ltr" size="6" value="${typed.priority}"></label>
<p class="small muted">${s.priorityHint}</p>
<fieldset><legend>${s.credentials}</legend>${spec.credentials.required.map((n) => credential(n, true))}${spec.credentials.optional.map((n) => credential(n, false))}</fieldset>
${
  spec.settings.length > 0
    ? html`<fieldset><legend>${s.settings}</legend>${spec.settings.map(
        (n) => html`<label>${code(n)}<input name="set_${n}" dir="ltr" value="${typed.settings[n] ?? ''}"></label>`,
      )}</fieldset>`
    : ''
}
<div class="actions"><button type="submit">${s.save}</button> <a class="button quiet" href="/dashboard/connectors">${c.cancel}</a></div>
</form></div>`,
    );
  };

  app.get('/connectors/:connector/edit', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const connector = connectorOf((request.params as { connector: string }).connector);
    const existing = await deps.connectorAccounts.find(viewer.user.accountId, viewer.session.mode, connector.id);
    return sendPage(
      reply,
      connectorForm(viewer, connector, existing, {
        priority: String(existing?.priority ?? 100),
        settings: { ...existing?.settings },
      }),
    );
  });

  app.post('/connectors/:connector/edit', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const s = strings(SETTINGS, viewer.lang);
    const connector = connectorOf((request.params as { connector: string }).connector);
    const form = request.body as Form;
    const spec = connector.configuration;
    const typedSettings: Record<string, string> = {};
    for (const name of spec.settings) {
      const v = String(form[`set_${name}`] ?? '').trim();
      if (v !== '') typedSettings[name] = v;
    }
    const priorityText = String(form.priority ?? '').trim();
    const result = await once(deps, viewer, `connector.configure ${connector.id}`, form, async () => {
      try {
        const { accountId } = viewer.user;
        const mode = viewer.session.mode;
        const existing = await deps.connectorAccounts.find(accountId, mode, connector.id);
        const priority = Number(priorityText);
        if (!/^\d{1,5}$/.test(priorityText) || priority > 10_000) {
          throw new BawabaError('parameter_invalid', s.badPriority, 'priority');
        }
        // A secret is replaced only when a new value is typed; an empty field keeps it.
        const credentials: Record<string, string> = {};
        const replaced: string[] = [];
        for (const name of [...spec.credentials.required, ...spec.credentials.optional]) {
          const typed = String(form[`cred_${name}`] ?? '');
          if (typed.trim() !== '') {
            credentials[name] = typed.trim();
            replaced.push(name);
          } else if (existing?.credentials[name] !== undefined) credentials[name] = existing.credentials[name];
        }
        for (const name of spec.credentials.required) {
          if (!credentials[name]) {
            throw new BawabaError('parameter_missing', fill(s.missingCredential, { name }), `credentials.${name}`);
          }
        }
        // The connector's own rules for its settings (a Checkout.com prefix, a Qattah auth scheme),
        // the same the API applies.
        for (const [name, value] of Object.entries(typedSettings)) {
          const refused = spec.checkSetting?.(name, value);
          if (refused) throw new BawabaError('parameter_invalid', `settings.${name} ${refused}`, `settings.${name}`);
        }
        const baseUrl = typedSettings.base_url;
        if (baseUrl !== undefined) {
          if (!/^https?:\/\/[^\s/]+/.test(baseUrl)) {
            throw new BawabaError('parameter_invalid', s.badBaseUrl, 'settings.base_url');
          }
          const problem = mode === 'live' ? deps.services.liveUrlProblem(baseUrl) : undefined;
          if (problem) {
            throw new BawabaError('parameter_invalid', fill(s.liveBaseUrl, { problem }), 'settings.base_url');
          }
        }
        const now = deps.clock.now();
        const saved = await deps.connectorAccounts.upsert({
          id: existing?.id ?? deps.ids.next('ca'),
          accountId,
          mode,
          connector: connector.id,
          credentials,
          settings: typedSettings,
          priority,
          createdAt: existing?.createdAt ?? now,
          updatedAt: now,
        });
        await audit(deps, viewer, existing ? 'connector.update' : 'connector.create', saved.id, {
          connector: connector.id,
          priority: String(priority),
          credentials_replaced: replaced.join(',') || '—',
          settings: Object.keys(typedSettings).join(',') || '—',
        });
        return kept(redirectTo(`/dashboard/connectors?done=${connector.id}`));
      } catch (err) {
        return kept(refusal(err, refusalText(err)));
      }
    });
    return answerOnce(reply, result, async (message) => {
      const existing = await deps.connectorAccounts.find(viewer.user.accountId, viewer.session.mode, connector.id);
      return connectorForm(viewer, connector, existing, { priority: priorityText, settings: typedSettings }, message);
    });
  });
}

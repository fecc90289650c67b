import type { FastifyInstance } from 'fastify';
import { BawabaError } from '../../../core/errors.ts';
import type { ApiKeyRecord } from '../../../core/repositories.ts';
import { html } from '../../kit/html.ts';
import { fill, strings } from '../../kit/i18n.ts';
import { audit } from '../audit.ts';
import { confirmPage, kept, redirectTo, refusal, refusalText } from '../confirm.ts';
import type { DashboardDeps, Viewer } from '../deps.ts';
import { COMMON } from '../i18n/common.ts';
import { LISTS } from '../i18n/lists.ts';
import { SETTINGS } from '../i18n/settings.ts';
import { csrfField, shell } from '../layout.ts';
import { answerOnce, type Outcome, once, onceField, type Shown } from '../once.ts';
import { PageError } from '../page-error.ts';
import { sendPage, viewerOf } from '../plugin.ts';
import { code, param, when } from '../ui.ts';

const ADMIN = { config: { public: true, dashboard: 'admin' as const } };
const DAY_MS = 86_400_000;

type Form = Record<string, string | undefined>;

/** A page showing a new API key's secret, this once. */
function keySecretPage(viewer: Viewer, key: ApiKeyRecord, secret: string, note?: string): string {
  const t = strings(SETTINGS, viewer.lang);
  return shell(
    viewer,
    t.secretTitle,
    'apiKeys',
    html`<div class="confirm"><h1>${t.secretTitle}</h1><div class="card">
${note ? html`<div class="notice ok" role="status">${note}</div>` : ''}
${key.description ? html`<p><bdi>${key.description}</bdi></p>` : ''}
<p class="secret"><bdi dir="ltr"><code id="secret">${secret}</code></bdi></p>
<div class="notice warn" role="note">${t.secretOnce}</div>
<a class="button" href="/dashboard/api-keys">${t.secretDone}</a>
</div></div>`,
  );
}

/** API keys by prefix: listed for all; created (shown once), rolled and revoked by admins. */
export function registerApiKeyRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  app.get('/api-keys', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(LISTS, viewer.lang);
    const s = strings(SETTINGS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    const now = deps.clock.now();
    const page = await deps.accounts.listApiKeys({
      accountId: viewer.user.accountId,
      mode: viewer.session.mode,
      limit: 100,
    });
    const admin = viewer.user.role === 'admin';
    const active = (k: ApiKeyRecord) => k.revokedAt === null && (k.expiresAt === null || k.expiresAt > now);
    const state = (k: ApiKeyRecord) => (k.revokedAt !== null ? t.revoked : active(k) ? t.active : t.expired);
    const done = param(request.query, 'done');
    const body = html`<div class="titlebar"><h1>${c.apiKeys}</h1>${
      admin ? html`<a class="button" href="/dashboard/api-keys/new">${s.create}</a>` : ''
    }</div><p class="muted small">${s.keysLead}</p>
${done === 'created' ? html`<div class="notice ok" role="status">${s.doneCreated}</div>` : ''}
${done === 'revoked' ? html`<div class="notice ok" role="status">${s.doneRevoked}</div>` : ''}
${
  page.data.length === 0
    ? html`<div class="card muted">${c.none}</div>`
    : html`<table id="keys"><thead><tr><th>${t.prefix}</th><th>${t.status}</th><th>${t.description}</th><th>${t.created}</th><th>${t.lastUsed}</th><th>${t.expires}</th><th></th></tr></thead><tbody>${page.data.map(
        (k) =>
          html`<tr><td>${code(`${k.displayPrefix}…`)}</td><td><span class="badge ${active(k) ? 'ok' : ''}">${state(k)}</span></td><td><bdi>${k.description ?? ''}</bdi></td><td>${when(viewer, k.createdAt)}</td><td>${k.lastUsedAt !== null ? when(viewer, k.lastUsedAt) : '—'}</td><td>${k.expiresAt !== null ? when(viewer, k.expiresAt) : '—'}</td><td>${
            admin && active(k)
              ? html`<div class="actions"><a class="button quiet" href="/dashboard/api-keys/${k.id}/roll">${s.roll}…</a><a class="button quiet" href="/dashboard/api-keys/${k.id}/revoke">${s.revoke}…</a></div>`
              : ''
          }</td></tr>`,
      )}</tbody></table>`
}`;
    return sendPage(reply, shell(viewer, c.apiKeys, 'apiKeys', body));
  });

  const newKeyForm = (viewer: Viewer, typed: { description: string; days: string }, error?: string) => {
    const s = strings(SETTINGS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    return shell(
      viewer,
      s.newKey,
      'apiKeys',
      html`<div class="confirm"><h1>${s.newKey}</h1>
${error ? html`<div class="notice bad" role="alert">${error}</div>` : ''}
<form method="post" action="/dashboard/api-keys" class="card stack">${csrfField(viewer)}${onceField()}
<label>${s.description}<input name="description" maxlength="200" dir="auto" value="${typed.description}"></label>
<label>${s.expiresInDays}<input name="days" inputmode="numeric" dir="ltr" size="6" value="${typed.days}"></label>
<div class="actions"><button type="submit">${s.create}</button> <a class="button quiet" href="/dashboard/api-keys">${c.cancel}</a></div>
</form></div>`,
    );
  };

  app.get('/api-keys/new', ADMIN, async (request, reply) =>
    sendPage(reply, newKeyForm(viewerOf(request), { description: '', days: '' })),
  );

  app.post('/api-keys', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const s = strings(SETTINGS, viewer.lang);
    const form = request.body as Form;
    const typed = {
      description: String(form.description ?? '')
        .trim()
        .slice(0, 200),
      days: String(form.days ?? '').trim(),
    };
    const result = await once(deps, viewer, 'api_key.create', form, async () => {
      try {
        const days = typed.days === '' ? undefined : Number(typed.days);
        if (days !== undefined && (!/^\d{1,4}$/.test(typed.days) || days < 1 || days > 3650)) {
          throw new BawabaError('parameter_invalid', s.badDays, 'days');
        }
        const { key, secret } = await deps.services.issueApiKey(viewer.user.accountId, viewer.session.mode, {
          expiresAt: days === undefined ? null : deps.clock.now() + days * DAY_MS,
          description: typed.description || null,
        });
        await audit(deps, viewer, 'api_key.create', key.id, {
          prefix: key.displayPrefix,
          ...(days !== undefined ? { expires_in_days: String(days) } : {}),
        });
        // The secret is shown this once; a repeat of the form lands on the list.
        return {
          value: { kind: 'page', markup: keySecretPage(viewer, key, secret) } as Shown,
          outcome: redirectTo('/dashboard/api-keys?done=created'),
        };
      } catch (err) {
        return kept(refusal(err, refusalText(err)));
      }
    });
    return answerOnce(reply, result, (message) => newKeyForm(viewer, typed, message));
  });

  const keyOf = async (viewer: Viewer, id: string) => {
    const key = await deps.accounts.getApiKey(id, { accountId: viewer.user.accountId, mode: viewer.session.mode });
    if (!key) throw new PageError('not_found');
    return key;
  };
  const keyOp = (params: unknown): 'roll' | 'revoke' => {
    const op = (params as { op: string }).op;
    if (op !== 'roll' && op !== 'revoke') throw new PageError('not_found');
    return op;
  };
  const keyQuestion = (viewer: Viewer, key: ApiKeyRecord, op: 'roll' | 'revoke') => {
    const s = strings(SETTINGS, viewer.lang);
    return fill(op === 'roll' ? s.confirmRoll : s.confirmRevoke, { prefix: `${key.displayPrefix}…` });
  };

  app.get('/api-keys/:id/:op', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const op = keyOp(request.params);
    const key = await keyOf(viewer, (request.params as { id: string }).id);
    return sendPage(
      reply,
      confirmPage(
        viewer,
        `/dashboard/api-keys/${key.id}/${op}`,
        keyQuestion(viewer, key, op),
        html``,
        '/dashboard/api-keys',
        undefined,
        'apiKeys',
      ),
    );
  });

  app.post('/api-keys/:id/:op', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const s = strings(SETTINGS, viewer.lang);
    const op = keyOp(request.params);
    const key = await keyOf(viewer, (request.params as { id: string }).id);
    const owner = { accountId: viewer.user.accountId, mode: viewer.session.mode };
    const result = await once(deps, viewer, `api_key.${op} ${key.id}`, request.body as Form, async () => {
      const now = deps.clock.now();
      if (op === 'revoke') {
        const revoked = await deps.accounts.revokeApiKey({ id: key.id, now, owner, keepOneActive: true });
        if (revoked.kind === 'last_active') {
          return kept({ kind: 'refused', status: 409, message: s.lastActive } as Outcome);
        }
        await audit(deps, viewer, 'api_key.revoke', key.id, { prefix: key.displayPrefix });
        return kept(redirectTo('/dashboard/api-keys?done=revoked'));
      }
      // Roll: a new key with the same description and expiry span, then the old one revoked.
      const span = key.expiresAt === null ? null : Math.max(DAY_MS, key.expiresAt - key.createdAt);
      const made = await deps.services.issueApiKey(owner.accountId, owner.mode, {
        expiresAt: span === null ? null : now + span,
        description: key.description,
      });
      await deps.accounts.revokeApiKey({ id: key.id, now, owner, keepOneActive: false });
      await audit(deps, viewer, 'api_key.roll', key.id, { prefix: key.displayPrefix, new_key: made.key.id });
      return {
        value: {
          kind: 'page',
          markup: keySecretPage(viewer, made.key, made.secret, fill(s.rolledNote, { prefix: `${key.displayPrefix}…` })),
        } as Shown,
        outcome: redirectTo('/dashboard/api-keys?done=created'),
      };
    });
    return answerOnce(reply, result, (message) =>
      confirmPage(
        viewer,
        `/dashboard/api-keys/${key.id}/${op}`,
        keyQuestion(viewer, key, op),
        html``,
        '/dashboard/api-keys',
        message,
        'apiKeys',
      ),
    );
  });
}

import type { FastifyInstance } from 'fastify';
import { BawabaError } from '../../../core/errors.ts';
import type { WebhookEndpoint } from '../../../core/event-ports.ts';
import { formatDate } from '../../kit/format.ts';
import { html } from '../../kit/html.ts';
import { fill, strings } from '../../kit/i18n.ts';
import { audit } from '../audit.ts';
import { kept, redirectTo, refusal, refusalText } from '../confirm.ts';
import type { DashboardDeps, Viewer } from '../deps.ts';
import { COMMON } from '../i18n/common.ts';
import { LISTS } from '../i18n/lists.ts';
import { WEBHOOKS } from '../i18n/webhooks.ts';
import { shell } from '../layout.ts';
import { answerOnce, once } from '../once.ts';
import { PageError } from '../page-error.ts';
import { sendPage, viewerOf } from '../plugin.ts';
import { badge, code, param, when } from '../ui.ts';
import { type Draft, draftOf, endpointForm, isFailing, secretPage } from '../webhook-views.ts';

const ADMIN = { config: { public: true, dashboard: 'admin' as const } };
const PAGE_SIZE = 25;
type Op = 'disable' | 'enable' | 'rotate' | 'delete' | 'test';

type Form = Record<string, string | undefined>;

/** Webhook endpoints: list, create, edit, disable or enable, rotate, delete, test; their delivery logs. */
export function registerWebhookRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  const endpointOf = async (viewer: Viewer, id: string) => {
    const e = await deps.webhookEndpoints.get(viewer.user.accountId, viewer.session.mode, id);
    if (!e) throw new PageError('not_found');
    return e;
  };

  /** Checks a draft as the API does; throws a 400 refusal worded for the operator. */
  const checked = (viewer: Viewer, draft: Draft): Draft => {
    const t = strings(WEBHOOKS, viewer.lang);
    let ok = /^https?:\/\/[^\s]+$/.test(draft.url) && draft.url.length <= 2048;
    try {
      new URL(draft.url);
    } catch {
      ok = false;
    }
    if (!ok) throw new BawabaError('parameter_invalid', t.badUrl, 'url');
    if (viewer.session.mode === 'live') {
      const problem = deps.services.liveUrlProblem(draft.url);
      if (problem) throw new BawabaError('parameter_invalid', `${draft.url} ${problem} (live).`, 'url');
    }
    const known = ['*', ...deps.services.eventTypes];
    const events = draft.events.filter((e) => known.includes(e));
    if (events.length === 0 || events.length > 20) throw new BawabaError('parameter_invalid', t.noEvents, 'events');
    return { ...draft, events: events.includes('*') ? ['*'] : events };
  };

  app.get('/webhooks', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(WEBHOOKS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    const endpoints = await deps.webhookEndpoints.list(viewer.user.accountId, viewer.session.mode);
    const rows = await Promise.all(
      endpoints.map(async (e) => {
        const recent = (await deps.deliveries.listForEndpoint(e.id, { limit: 10 })).data;
        return { e, recent, failing: isFailing(e, recent) };
      }),
    );
    rows.sort((a, b) => Number(b.failing) - Number(a.failing));
    const done = param(request.query, 'done');
    const body = html`<div class="titlebar"><h1>${c.webhooks}</h1>${
      viewer.user.role === 'admin' ? html`<a class="button" href="/dashboard/webhooks/new">${t.add}</a>` : ''
    }</div>
<p class="muted small">${t.lead}</p>
${done === 'removed' ? html`<div class="notice ok" role="status">${t.doneRemoved}</div>` : ''}
${
  rows.length === 0
    ? html`<div class="card muted">${t.none}</div>`
    : html`<table id="endpoints"><thead><tr><th>${t.url}</th><th>${t.status}</th><th>${t.events}</th><th>${t.deliveries}</th><th>${t.lastAnswer}</th></tr></thead><tbody>${rows.map(
        ({ e, recent, failing }) => {
          const last = recent[0];
          return html`<tr${failing ? html` class="failing"` : ''}><td><a href="/dashboard/webhooks/${e.id}">${code(e.url)}</a>${e.description ? html`<div class="small muted"><bdi>${e.description}</bdi></div>` : ''}</td><td>${badge(viewer, e.status)}${failing ? html` <span class="badge bad">${t.failing}</span>` : ''}</td><td class="small">${e.enabledEvents.join(', ')}</td><td>${last ? html`${badge(viewer, last.status)} ${when(viewer, last.updatedAt)}` : '—'}</td><td>${last?.lastStatusCode ?? '—'}</td></tr>`;
        },
      )}</tbody></table>`
}`;
    return sendPage(reply, shell(viewer, c.webhooks, 'webhooks', body));
  });

  app.get('/webhooks/new', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    return sendPage(reply, endpointForm(deps, viewer, { url: '', events: ['*'], description: '' }, undefined));
  });

  app.post('/webhooks', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(WEBHOOKS, viewer.lang);
    const form = request.body as Form;
    const draft = draftOf(form);
    const result = await once(deps, viewer, 'webhook.create', form, async () => {
      try {
        const ok = checked(viewer, draft);
        const now = deps.clock.now();
        const endpoint: WebhookEndpoint = {
          id: deps.ids.next('we'),
          accountId: viewer.user.accountId,
          mode: viewer.session.mode,
          url: ok.url,
          enabledEvents: ok.events,
          status: 'enabled',
          disabledReason: null,
          description: ok.description || null,
          secret: deps.services.newWebhookSecret(),
          previousSecret: null,
          previousSecretExpiresAt: null,
          createdAt: now,
          updatedAt: now,
        };
        await deps.webhookEndpoints.create(endpoint);
        await audit(deps, viewer, 'webhook_endpoint.create', endpoint.id, {
          url: endpoint.url,
          events: endpoint.enabledEvents.join(','),
        });
        // The secret is shown this once; a repeat of the form goes to the endpoint's page.
        return {
          value: { kind: 'page' as const, markup: secretPage(viewer, endpoint, t.createdTitle) },
          outcome: redirectTo(`/dashboard/webhooks/${endpoint.id}?done=created`),
        };
      } catch (err) {
        return kept(refusal(err, refusalText(err)));
      }
    });
    return answerOnce(reply, result, (message) => endpointForm(deps, viewer, draft, undefined, message));
  });

  app.get('/webhooks/:id', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(WEBHOOKS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    const e = await endpointOf(viewer, (request.params as { id: string }).id);
    const startingAfter = param(request.query, 'starting_after');
    const page = await deps.deliveries.listForEndpoint(e.id, {
      limit: PAGE_SIZE,
      ...(startingAfter ? { startingAfter } : {}),
    });
    const recent = startingAfter ? (await deps.deliveries.listForEndpoint(e.id, { limit: 10 })).data : page.data;
    const failing = isFailing(e, recent);
    const details = await Promise.all(
      page.data.map(async (d) => ({
        d,
        event: await deps.events.getById(d.eventId),
        attempts: await deps.deliveries.attempts(d.id),
      })),
    );
    const admin = viewer.user.role === 'admin';
    const done = param(request.query, 'done');
    const doneText: Record<string, string> = {
      saved: t.doneSaved,
      disabled: t.doneDisabled,
      enabled: t.doneEnabled,
      test: t.doneTest,
      redeliver: t.doneRedeliver,
      created: t.doneCreated,
      rotated: t.doneRotated,
    };
    const notice = done ? doneText[done] : undefined;
    const now = deps.clock.now();
    const op = (name: Op, label: string, danger = false) =>
      html`<a class="button ${danger ? 'danger' : 'quiet'}" href="/dashboard/webhooks/${e.id}/${name}">${label}…</a>`;
    const log =
      details.length === 0
        ? html`<div class="card muted">${t.noDeliveries}</div>`
        : html`<table id="deliveries"><thead><tr><th>${t.when}</th><th>${t.event}</th><th>${t.status}</th><th>${t.attempts}</th><th>${t.lastAnswer}</th><th>${t.nextAttempt}</th><th></th></tr></thead><tbody>${details.map(
            ({ d, event, attempts }) =>
              html`<tr${d.status === 'failed' || (d.status === 'pending' && d.attempts > 0) ? html` class="failing"` : ''}><td>${when(viewer, d.createdAt, true)}<div class="small muted">${code(d.id)}</div></td><td>${code(event?.type ?? d.eventId)}${
                event?.objectId.startsWith('pay_')
                  ? html`<div class="small"><a href="/dashboard/payments/${event.objectId}">${code(event.objectId)}</a></div>`
                  : ''
              }</td><td>${badge(viewer, d.status)}</td><td>${d.attempts}${
                attempts.length
                  ? html`<details><summary>${t.attempts}</summary><ol class="small attempts">${attempts.map(
                      (a) =>
                        html`<li>${when(viewer, a.attemptedAt, true)} · ${a.statusCode === null ? html`<span class="badge bad">${a.error ?? '—'}</span>` : html`<span class="badge ${a.statusCode < 300 ? 'ok' : 'bad'}">HTTP ${a.statusCode}</span>`} · <bdi dir="ltr">${a.latencyMs} ms</bdi>${a.responseExcerpt ? html`<pre>${a.responseExcerpt}</pre>` : ''}</li>`,
                    )}</ol></details>`
                  : ''
              }</td><td>${d.lastStatusCode ?? '—'}</td><td>${d.status === 'pending' && d.nextAttemptAt !== null ? when(viewer, d.nextAttemptAt, true) : '—'}</td><td>${
                admin && (d.status !== 'pending' || d.attempts > 0)
                  ? html`<a class="button quiet small" href="/dashboard/deliveries/${d.id}/redeliver">${t.redeliver}</a>`
                  : ''
              }</td></tr>`,
          )}</tbody></table>`;
    const last = page.data.at(-1);
    const body = html`<p class="small"><a class="back" href="/dashboard/webhooks">${c.webhooks}</a></p>
<h1>${t.endpoint} ${code(e.url)} ${badge(viewer, e.status)}${failing ? html` <span class="badge bad">${t.failing}</span>` : ''}</h1>
${notice ? html`<div class="notice ok" role="status">${notice}</div>` : ''}
${failing ? html`<div class="notice bad" role="alert">${t.failingNote}</div>` : ''}
<div class="card"><dl class="facts">
<dt>${t.url}</dt><dd>${code(e.url)}</dd>
<dt>${t.events}</dt><dd>${e.enabledEvents.map((x) => html`${code(x)} `)}</dd>
${e.description ? html`<dt>${t.description}</dt><dd><bdi>${e.description}</bdi></dd>` : ''}
${e.status === 'disabled' && e.disabledReason ? html`<dt>${t.disabledReason}</dt><dd><bdi>${e.disabledReason}</bdi></dd>` : ''}
<dt>${strings(LISTS, viewer.lang).id}</dt><dd>${code(e.id)}</dd>
</dl>
${e.previousSecret && e.previousSecretExpiresAt && e.previousSecretExpiresAt > now ? html`<p class="small muted">${fill(t.secretOverlap, { when: formatDate(e.previousSecretExpiresAt, viewer.lang, viewer.timeZone) })}</p>` : ''}
${
  admin
    ? html`<div class="actions">${html`<a class="button quiet" href="/dashboard/webhooks/${e.id}/edit">${t.edit}…</a>`}${op('test', t.test)}${e.status === 'enabled' ? op('disable', t.disable) : op('enable', t.enable)}${op('rotate', t.rotate)}${op('delete', t.remove, true)}</div>`
    : ''
}
</div>
<h2>${t.deliveries}</h2>
${log}
${page.hasMore && last ? html`<div class="pager"><a class="next" href="/dashboard/webhooks/${e.id}?starting_after=${last.id}">${t.older}</a></div>` : ''}`;
    return sendPage(reply, shell(viewer, `${t.endpoint} ${e.url}`, 'webhooks', body));
  });

  app.get('/webhooks/:id/edit', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const e = await endpointOf(viewer, (request.params as { id: string }).id);
    return sendPage(
      reply,
      endpointForm(deps, viewer, { url: e.url, events: e.enabledEvents, description: e.description ?? '' }, e),
    );
  });

  app.post('/webhooks/:id/edit', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const e = await endpointOf(viewer, (request.params as { id: string }).id);
    const form = request.body as Form;
    const draft = draftOf(form);
    const result = await once(deps, viewer, `webhook.update ${e.id}`, form, async () => {
      try {
        const ok = checked(viewer, draft);
        await deps.webhookEndpoints.update({
          ...e,
          url: ok.url,
          enabledEvents: ok.events,
          description: ok.description || null,
          updatedAt: deps.clock.now(),
        });
        await audit(deps, viewer, 'webhook_endpoint.update', e.id, { url: ok.url, events: ok.events.join(',') });
        return kept(redirectTo(`/dashboard/webhooks/${e.id}?done=saved`));
      } catch (err) {
        return kept(refusal(err, refusalText(err)));
      }
    });
    return answerOnce(reply, result, (message) => endpointForm(deps, viewer, draft, e, message));
  });
}

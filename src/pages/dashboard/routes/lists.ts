import type { FastifyInstance } from 'fastify';
import { isRefundStatus } from '../../../core/refund/refund.ts';
import { html } from '../../kit/html.ts';
import { strings } from '../../kit/i18n.ts';
import type { DashboardDeps, Viewer } from '../deps.ts';
import { COMMON } from '../i18n/common.ts';
import { LISTS } from '../i18n/lists.ts';
import { shell } from '../layout.ts';
import { sendPage, viewerOf } from '../plugin.ts';
import { badge, code, money, pager, param, when } from '../ui.ts';

const PAGE_SIZE = 25;

function cursor(query: unknown) {
  const startingAfter = param(query, 'starting_after');
  const endingBefore = param(query, 'ending_before');
  return endingBefore ? { endingBefore } : startingAfter ? { startingAfter } : {};
}

function pageLinks(viewer: Viewer, base: string, query: unknown, ids: string[], hasMore: boolean, keep: string[] = []) {
  const params = new URLSearchParams();
  for (const k of keep) {
    const v = param(query, k);
    if (v) params.set(k, v);
  }
  return pager(viewer, base, params, {
    ...(ids[0] ? { first: ids[0] } : {}),
    ...(ids.at(-1) ? { last: ids.at(-1) as string } : {}),
    hasMore,
    backwards: param(query, 'ending_before') !== undefined,
    paged: param(query, 'starting_after') !== undefined,
  });
}

function empty(viewer: Viewer) {
  return html`<div class="card muted">${strings(COMMON, viewer.lang).none}</div>`;
}

/** Refunds, events, webhook endpoints with their deliveries, connectors, API keys, audit log. */
export function registerListRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  app.get('/refunds', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(LISTS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    const status = param(request.query, 'status');
    const page = await deps.queries.listRefunds({
      accountId: viewer.user.accountId,
      mode: viewer.session.mode,
      ...(status && isRefundStatus(status) ? { status } : {}),
      limit: PAGE_SIZE,
      ...(param(request.query, 'starting_after')
        ? { startingAfter: param(request.query, 'starting_after') as string }
        : {}),
    });
    const body = html`<h1>${c.refunds}</h1>${
      page.data.length === 0
        ? empty(viewer)
        : html`<table><thead><tr><th>${t.created}</th><th>${t.id}</th><th>${t.payment}</th><th>${t.status}</th><th>${t.reason}</th><th class="num">${t.amount}</th></tr></thead><tbody>${page.data.map(
            (r) =>
              html`<tr><td>${when(viewer, r.createdAt)}</td><td>${code(r.id)}</td><td><a href="/dashboard/payments/${r.paymentId}">${code(r.paymentId)}</a></td><td>${badge(viewer, r.status)}</td><td><bdi>${r.reason ?? ''}</bdi></td><td class="num">${money(r.amount, r.currency)}</td></tr>`,
          )}</tbody></table>`
    }${pageLinks(
      viewer,
      '/dashboard/refunds',
      request.query,
      page.data.map((r) => r.id),
      page.hasMore,
      ['status'],
    )}`;
    return sendPage(reply, shell(viewer, c.refunds, 'refunds', body));
  });

  app.get('/events', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(LISTS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    const type = param(request.query, 'type');
    const page = await deps.events.list({
      accountId: viewer.user.accountId,
      mode: viewer.session.mode,
      limit: PAGE_SIZE,
      ...(type ? { type } : {}),
      ...cursor(request.query),
    });
    const link = (id: string) =>
      id.startsWith('pay_')
        ? html`<a href="/dashboard/payments/${id}">${code(id)}</a>`
        : id.startsWith('we_')
          ? html`<a href="/dashboard/webhooks/${id}">${code(id)}</a>`
          : code(id);
    const body = html`<h1>${c.events}</h1>${
      page.data.length === 0
        ? empty(viewer)
        : html`<table><thead><tr><th>${t.created}</th><th>${t.id}</th><th>${t.type}</th><th>${t.object}</th><th>${t.status}</th></tr></thead><tbody>${page.data.map(
            (e) =>
              html`<tr><td>${when(viewer, e.createdAt, true)}</td><td>${code(e.id)}</td><td>${code(e.type)}</td><td>${link(typeof e.data.payment_id === 'string' ? e.data.payment_id : e.objectId)}</td><td>${typeof e.data.status === 'string' ? badge(viewer, e.data.status) : ''}</td></tr>`,
          )}</tbody></table>`
    }${pageLinks(
      viewer,
      '/dashboard/events',
      request.query,
      page.data.map((e) => e.id),
      page.hasMore,
      ['type'],
    )}`;
    return sendPage(reply, shell(viewer, c.events, 'events', body));
  });

  app.get('/audit', async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(LISTS, viewer.lang);
    const c = strings(COMMON, viewer.lang);
    const startingAfter = param(request.query, 'starting_after');
    const page = await deps.repo.listAudit({
      accountId: viewer.user.accountId,
      limit: 50,
      ...(startingAfter ? { startingAfter } : {}),
    });
    const body = html`<h1>${c.audit}</h1>${
      page.data.length === 0
        ? empty(viewer)
        : html`<table id="audit"><thead><tr><th>${t.when}</th><th>${t.who}</th><th>${t.action}</th><th>${t.object}</th><th>${t.detail}</th><th>${t.from}</th></tr></thead><tbody>${page.data.map(
            (a) =>
              html`<tr><td>${when(viewer, a.createdAt, true)}</td><td>${code(a.userEmail)}</td><td>${code(a.action)} <span class="badge">${a.mode === 'live' ? c.live : c.test}</span></td><td>${
                a.objectId?.startsWith('pay_')
                  ? html`<a href="/dashboard/payments/${a.objectId}">${code(a.objectId)}</a>`
                  : code(a.objectId)
              }</td><td class="small">${Object.entries(a.detail).map(([k, v]) => html`<div>${k}: <bdi>${v}</bdi></div>`)}</td><td>${code(a.ip)}</td></tr>`,
          )}</tbody></table>`
    }${pageLinks(
      viewer,
      '/dashboard/audit',
      request.query,
      page.data.map((a) => a.id),
      page.hasMore,
    )}`;
    return sendPage(reply, shell(viewer, c.audit, 'audit', body));
  });
}

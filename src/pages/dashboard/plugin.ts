import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isBawabaError } from '../../core/errors.ts';
import { dashboardCsp } from '../kit/csp.ts';
import { DEFAULT_TIME_ZONE, isTimeZone } from '../kit/format.ts';
import { html } from '../kit/html.ts';
import { fill, langOf, strings } from '../kit/i18n.ts';
import { preparePageScope, sameToken } from '../kit/page-plugin.ts';
import { STYLESHEET, STYLESHEET_PATH } from '../kit/style.ts';
import { parseCookies } from './auth/cookies.ts';
import { resumeSession, SESSION_COOKIE } from './auth/sessions.ts';
import { type DashboardDeps, type DashboardOptions, DEFAULT_DASHBOARD_OPTIONS, type Viewer } from './deps.ts';
import { COMMON } from './i18n/common.ts';
import { document, shell } from './layout.ts';
import { PageError } from './page-error.ts';
import { registerActionRoutes } from './routes/actions.ts';
import { registerApiKeyRoutes } from './routes/api-keys.ts';
import { registerConnectorRoutes } from './routes/connectors.ts';
import { registerHomeRoutes } from './routes/home.ts';
import { registerListRoutes } from './routes/lists.ts';
import { registerPaymentRoutes } from './routes/payments.ts';
import { registerSessionRoutes } from './routes/session.ts';
import { registerWebhookActionRoutes } from './routes/webhook-actions.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route needs no API key (the dashboard has sessions of its own). */
    public?: boolean;
    /** `public`: no session needed (sign-in); `admin`: only admins; unset: any signed-in user. */
    dashboard?: 'public' | 'admin';
  }
  interface FastifyRequest {
    /** The signed-in operator of a dashboard request. */
    dashboardViewer?: Viewer;
  }
}

/** The signed-in operator (the guard ran before every route that is not `public`). */
export function viewerOf(request: FastifyRequest): Viewer {
  const viewer = request.dashboardViewer;
  if (!viewer) throw new Error('dashboard route without a session');
  return viewer;
}

/** Sends a page. */
export function sendPage(reply: FastifyReply, markup: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(markup);
}

/** A same-site path to come back to; anything else is the dashboard's home. */
export function safeBack(path: string | undefined): string {
  return path && /^\/dashboard(?:[/?]|$)/.test(path) && !path.includes('\\') ? path : '/dashboard';
}

/** True unless the browser says the request came from another site. */
export function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  // Under a no-referrer policy browsers send `Origin: null`; their Sec-Fetch-Site then decides.
  if (origin === 'null') return site === 'same-origin';
  return origin === `${request.protocol}://${request.host}`;
}

/**
 * The operator dashboard at `/dashboard` (and `/` sends browsers there): server-rendered pages
 * over the same repositories and services as the API, sessions in the database, CSRF tokens on
 * every form, admin actions in the audit log.
 */
export async function registerDashboard(app: FastifyInstance, deps: DashboardDeps): Promise<void> {
  const options: DashboardOptions = { ...DEFAULT_DASHBOARD_OPTIONS, ...deps.options };
  const csp = dashboardCsp();
  app.get('/', { config: { public: true }, schema: { hide: true } }, (_request, reply) =>
    reply.redirect('/dashboard', 302),
  );
  await app.register(
    async (child) => {
      // No API key on any dashboard route: its own sessions guard it (below).
      preparePageScope(child, { csp, stylesheetPath: STYLESHEET_PATH, formLimit: 32 * 1024 });
      child.setErrorHandler((err, request, reply) => renderError(deps, request, reply, err));
      child.setNotFoundHandler((request, reply) => renderError(deps, request, reply, new PageError('not_found')));
      child.addHook('preHandler', async (request, reply) => {
        if (request.routeOptions.config.dashboard === 'public') return;
        const cookies = parseCookies(request.headers.cookie);
        const now = deps.clock.now();
        const found = await resumeSession(deps.repo, cookies[SESSION_COOKIE], now, options);
        if (!found) {
          const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '?expired=1';
          return reply.redirect(`/dashboard/sign-in${next}`, 303);
        }
        const { session, user } = found;
        const viewer: Viewer = {
          user,
          session,
          lang: langOf(cookies),
          timeZone: isTimeZone(user.timeZone) ? user.timeZone : DEFAULT_TIME_ZONE,
          ip: request.ip,
          path: safeBack(request.method === 'GET' ? request.url : undefined),
        };
        request.dashboardViewer = viewer;
        if (request.method === 'POST') {
          const token = (request.body as Record<string, unknown> | undefined)?._csrf;
          if (!sameOrigin(request) || !sameToken(token, session.csrfToken)) {
            request.log.warn({ userId: user.id, reason: 'csrf' }, 'dashboard form refused');
            throw new PageError('forbidden_csrf');
          }
        }
        if (request.routeOptions.config.dashboard === 'admin' && user.role !== 'admin') {
          request.log.warn(
            { userId: user.id, route: request.routeOptions.url },
            'dashboard admin action refused to a viewer',
          );
          throw new PageError('forbidden_role');
        }
      });
      child.get(
        STYLESHEET_PATH.slice('/dashboard'.length),
        { config: { public: true, dashboard: 'public' } },
        (_r, reply) =>
          reply
            .type('text/css; charset=utf-8')
            .header('cache-control', 'public, max-age=31536000, immutable')
            .send(STYLESHEET),
      );
      registerSessionRoutes(child, deps, options);
      registerHomeRoutes(child, deps);
      registerPaymentRoutes(child, deps);
      registerActionRoutes(child, deps);
      registerListRoutes(child, deps);
      registerWebhookRoutes(child, deps);
      registerWebhookActionRoutes(child, deps);
      registerConnectorRoutes(child, deps);
      registerApiKeyRoutes(child, deps);
    },
    { prefix: '/dashboard' },
  );
}

function renderError(deps: DashboardDeps, request: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const viewer = request.dashboardViewer;
  const lang = viewer?.lang ?? langOf(parseCookies(request.headers.cookie));
  const c = strings(COMMON, lang);
  let status = 500;
  let title = c.errorTitle;
  let message = fill(c.serverError, { id: request.id });
  if (err instanceof PageError) {
    status = err.status;
    if (err.kind === 'not_found') [title, message] = [c.notFoundTitle, c.notFound];
    if (err.kind === 'forbidden_role') [title, message] = [c.forbiddenTitle, c.forbiddenRole];
    if (err.kind === 'forbidden_csrf') [title, message] = [c.forbiddenTitle, c.forbiddenCsrf];
    if (err.kind === 'form_used') [title, message] = [c.formUsedTitle, c.formUsed];
    if (err.kind === 'form_busy') [title, message] = [c.formUsedTitle, c.formBusy];
    if (err.kind === 'too_many') {
      [title, message] = [c.tooManyTitle, fill(c.tooMany, { seconds: err.retryAfter })];
      reply.header('retry-after', String(err.retryAfter));
    }
  } else if (isBawabaError(err) && err.status < 500) {
    status = err.status;
    message = err.message;
  } else if (
    typeof (err as { statusCode?: unknown }).statusCode === 'number' &&
    (err as { statusCode: number }).statusCode < 500
  ) {
    status = (err as { statusCode: number }).statusCode;
    message = c.errorTitle;
  } else {
    request.log.error({ err }, 'dashboard request failed');
    deps.log.debug({ requestId: request.id }, 'dashboard error page sent');
  }
  const body = html`<h1>${title}</h1><div class="card"><p>${message}</p><p class="small muted">${c.requestId}: <code>${request.id}</code></p><p><a href="/dashboard">${c.back}</a></p></div>`;
  return sendPage(
    reply,
    viewer ? shell(viewer, title, '', body) : document(lang, title, html`<main>${body}</main>`),
    status,
  );
}

import { randomBytes } from 'node:crypto';
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { html } from '../../kit/html.ts';
import { type Lang, langOf, strings } from '../../kit/i18n.ts';
import { audit } from '../audit.ts';
import { parseCookies, serializeCookie } from '../auth/cookies.ts';
import { verifyPassword } from '../auth/password.ts';
import { COOKIE_PATH, SESSION_COOKIE, startSession } from '../auth/sessions.ts';
import type { DashboardDeps, DashboardOptions } from '../deps.ts';
import { SIGN_IN } from '../i18n/sign-in.ts';
import { document, langSwitch } from '../layout.ts';
import { PageError } from '../page-error.ts';
import { safeBack, sameOrigin, sendPage, viewerOf } from '../plugin.ts';

/** The sign-in form's own CSRF token (double submit: cookie and field), before any session exists. */
const SIGN_IN_COOKIE = 'bawaba_signin';
const PUBLIC = { config: { public: true, dashboard: 'public' as const } };
const USER_WINDOW_MS = 15 * 60_000;

type Form = Record<string, string | undefined>;

function signInPage(
  lang: Lang,
  token: string,
  next: string,
  notice?: { tone: 'ok' | 'bad'; text: string },
  email = '',
): string {
  const t = strings(SIGN_IN, lang);
  return document(
    lang,
    t.title,
    html`<main class="signin"><div class="actions end">${langSwitch(lang, '/dashboard/sign-in')}</div>
<div class="card"><h1>${t.title}</h1><p class="muted">${t.lead}</p>
${notice ? html`<div class="notice ${notice.tone}" role="alert">${notice.text}</div>` : ''}
<form method="post" action="/dashboard/sign-in">
<input type="hidden" name="_signin" value="${token}"><input type="hidden" name="next" value="${next}">
<label for="email">${t.email}</label><input id="email" name="email" type="email" autocomplete="username" required value="${email}" dir="ltr">
<label for="password">${t.password}</label><input id="password" name="password" type="password" autocomplete="current-password" required dir="ltr">
<button type="submit">${t.submit}</button></form></div></main>`,
  );
}

/** Sign-in, sign-out, the test/live switch and the language switch. */
export function registerSessionRoutes(app: FastifyInstance, deps: DashboardDeps, options: DashboardOptions): void {
  const secure = (request: FastifyRequest) => request.protocol === 'https';
  const limit = (max: number, timeWindow: number, key: (r: FastifyRequest) => string) =>
    max > 0 ? app.createRateLimit({ max, timeWindow, keyGenerator: key } as RateLimitPluginOptions) : undefined;
  const perAddress = limit(options.signInPerAddress, 60_000, (r) => `dashboard-sign-in:${r.ip}`);
  const perUser = limit(
    options.signInPerUser,
    USER_WINDOW_MS,
    (r) =>
      `dashboard-sign-in-user:${String((r.body as Form | undefined)?.email ?? '')
        .trim()
        .toLowerCase()}`,
  );

  const showForm = (
    request: FastifyRequest,
    reply: FastifyReply,
    status: number,
    lang: Lang,
    next: string,
    notice?: { tone: 'ok' | 'bad'; text: string },
    email?: string,
  ) => {
    const token = randomBytes(24).toString('base64url');
    reply.header(
      'set-cookie',
      serializeCookie(SIGN_IN_COOKIE, token, { path: COOKIE_PATH, secure: secure(request), maxAge: 3600 }),
    );
    return sendPage(reply, signInPage(lang, token, next, notice, email), status);
  };

  app.get('/sign-in', PUBLIC, async (request, reply) => {
    const lang = langOf(parseCookies(request.headers.cookie));
    const q = request.query as Form;
    const t = strings(SIGN_IN, lang);
    const notice = q.expired
      ? { tone: 'bad' as const, text: t.expired }
      : q.out
        ? { tone: 'ok' as const, text: t.signedOut }
        : undefined;
    return showForm(request, reply, 200, lang, safeBack(q.next), notice);
  });

  app.post('/sign-in', PUBLIC, async (request, reply) => {
    const cookies = parseCookies(request.headers.cookie);
    const lang = langOf(cookies);
    const form = (request.body ?? {}) as Form;
    const expected = cookies[SIGN_IN_COOKIE];
    if (!sameOrigin(request) || !expected || form._signin !== expected) throw new PageError('forbidden_csrf');
    for (const check of [perAddress, perUser]) {
      if (!check) continue;
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) {
        request.log.warn({ ip: request.ip }, 'dashboard sign-in attempts over the limit');
        throw new PageError('too_many', Math.max(1, result.ttlInSeconds));
      }
    }
    const email = String(form.email ?? '')
      .trim()
      .toLowerCase()
      .slice(0, 254);
    const password = String(form.password ?? '');
    const next = safeBack(form.next);
    const user = email ? await deps.repo.findUserByEmail(email) : undefined;
    const ok = (await verifyPassword(password, user?.passwordHash)) && user !== undefined && user.disabledAt === null;
    if (!ok || !user) {
      request.log.info({ ip: request.ip, known: user !== undefined }, 'dashboard sign-in refused');
      return showForm(request, reply, 401, lang, next, { tone: 'bad', text: strings(SIGN_IN, lang).wrong }, email);
    }
    const now = deps.clock.now();
    const { token, session } = await startSession(deps.repo, user, request.ip, now, options);
    await deps.repo.purgeSessions(now, now - options.idleMs);
    await audit(
      deps,
      { user, session, lang, timeZone: user.timeZone, ip: request.ip, path: next },
      'session.sign_in',
      null,
      {},
    );
    request.log.info({ userId: user.id }, 'dashboard sign-in');
    reply.header('set-cookie', [
      serializeCookie(SESSION_COOKIE, token, {
        path: COOKIE_PATH,
        secure: secure(request),
        maxAge: Math.floor(options.absoluteMs / 1000),
      }),
      serializeCookie(SIGN_IN_COOKIE, '', { path: COOKIE_PATH, secure: secure(request), maxAge: 0 }),
    ]);
    return reply.redirect(next, 303);
  });

  app.post('/sign-out', async (request, reply) => {
    const viewer = viewerOf(request);
    await deps.repo.deleteSession(viewer.session.tokenHash);
    reply.header(
      'set-cookie',
      serializeCookie(SESSION_COOKIE, '', { path: COOKIE_PATH, secure: secure(request), maxAge: 0 }),
    );
    return reply.redirect('/dashboard/sign-in?out=1', 303);
  });

  app.post('/mode', async (request, reply) => {
    const viewer = viewerOf(request);
    const form = request.body as Form;
    const mode = form.mode === 'live' ? 'live' : 'test';
    await deps.repo.setSessionMode(viewer.session.tokenHash, mode);
    // Objects of the other mode are not found there: lists are a safe place to land.
    const back = safeBack(form.back).replace(/^\/dashboard\/(payments|refunds|events|webhooks)\/.*$/, '/dashboard/$1');
    return reply.redirect(back, 303);
  });

  app.get('/lang', PUBLIC, async (request, reply) => {
    const q = request.query as Form;
    const lang = q.to === 'ar' ? 'ar' : 'en';
    reply.header(
      'set-cookie',
      serializeCookie('bawaba_lang', lang, { path: COOKIE_PATH, secure: secure(request), maxAge: 365 * 86400 }),
    );
    return reply.redirect(safeBack(q.back), 303);
  });
}

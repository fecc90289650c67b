import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type AccountLogoRepo, logoPath } from '../../core/account-logo.ts';
import type { CheckoutSession } from '../../core/checkout/session.ts';
import { isInFlight, isPaid } from '../../core/checkout/session.ts';
import { isBawabaError } from '../../core/errors.ts';
import { PAYMENT_METHODS, type Payment, type PaymentMethod } from '../../core/payment/payment.ts';
import type { AccountRepo } from '../../core/repositories.ts';
import {
  type CheckoutDeps,
  chooseMethod,
  isPayable,
  settleSessionPayment,
} from '../../core/services/checkout-sessions.ts';
import { dashboardCsp } from '../kit/csp.ts';
import { preparePageScope, sameToken } from '../kit/page-plugin.ts';
import { windowLimiter } from './limits.ts';
import {
  choicePage,
  closedPage,
  type Frame,
  failedPage,
  inFlightPage,
  messagePage,
  redirectPage,
  successPage,
  t,
} from './render.ts';
import { acceptLanguage, languageOf, successUrlOf, type TokenRoute } from './request.ts';
import { CHECKOUT_STYLESHEET, CHECKOUT_STYLESHEET_PATH } from './style.ts';

/** What the checkout pages need, wired by `main.ts`. */
export interface CheckoutPageDeps {
  readonly checkout: CheckoutDeps;
  readonly accounts: AccountRepo;
  /** The merchants' logos, shown beside their names. */
  readonly logos?: AccountLogoRepo;
  /** Page views per address per minute. */
  readonly viewsPerMinute?: number;
  /** Choices of a method per session per minute. */
  readonly choicesPerMinute?: number;
}

const TOKEN = /^[A-Za-z0-9_-]{32}$/;

class PageFailure extends Error {
  readonly status: number;
  readonly kind: 'not_found' | 'forbidden' | 'too_many';
  constructor(kind: 'not_found' | 'forbidden' | 'too_many') {
    super(kind);
    this.kind = kind;
    this.status = kind === 'not_found' ? 404 : kind === 'forbidden' ? 403 : 429;
  }
}

function send(reply: FastifyReply, markup: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(markup);
}

/**
 * The hosted checkout at `/c/{token}`: the customer picks how to pay, is sent to the provider's
 * page, and comes back to a result page, then on to the merchant. Server-rendered, no script,
 * forms carry the session's own token, nothing loads from another host.
 */
export async function registerCheckoutPages(app: FastifyInstance, deps: CheckoutPageDeps): Promise<void> {
  const csp = dashboardCsp();
  const { checkout } = deps;
  const clock = checkout.payment.clock;
  const views = windowLimiter(deps.viewsPerMinute ?? 600, 60_000, () => clock.now());
  const choices = windowLimiter(deps.choicesPerMinute ?? 20, 60_000, () => clock.now());

  async function load(request: FastifyRequest<TokenRoute>) {
    if (!views(request.ip)) throw new PageFailure('too_many');
    const { token } = request.params;
    const session = TOKEN.test(token) ? await checkout.sessions.getByToken(token) : undefined;
    if (!session) throw new PageFailure('not_found');
    const latest = session.paymentId ? await checkout.payment.payments.getById(session.paymentId) : undefined;
    const [account, logo] = await Promise.all([
      deps.accounts.getAccount(session.accountId),
      deps.logos?.get(session.accountId),
    ]);
    return { session, latest, merchant: account?.name ?? '', logo: logo ? logoPath(logo) : undefined };
  }

  function frameOf(
    request: FastifyRequest<TokenRoute>,
    reply: FastifyReply,
    session: CheckoutSession,
    merchant: { merchant: string; logo: string | undefined },
    path = '',
  ) {
    const base = `/c/${request.params.token}`;
    return {
      lang: languageOf(request, reply, session),
      merchant: merchant.merchant,
      ...(merchant.logo ? { logo: merchant.logo } : {}),
      path: `${base}${path}`,
      testMode: session.mode === 'test',
    } satisfies Frame;
  }

  /** A captured payment of the session completes it now (the job does it too; once either way). */
  async function settled(session: CheckoutSession, latest: Payment): Promise<CheckoutSession> {
    if (session.status !== 'complete') await settleSessionPayment(checkout, session.id, latest.id);
    return (await checkout.sessions.getById(session.id)) ?? session;
  }

  await app.register(
    async (child) => {
      preparePageScope(child, { csp, stylesheetPath: CHECKOUT_STYLESHEET_PATH, formLimit: 4 * 1024 });
      child.setErrorHandler((err, request, reply) => {
        const lang = acceptLanguage(request.headers['accept-language']) ?? 'en';
        const s = t(lang);
        if (err instanceof PageFailure) {
          if (err.kind === 'not_found') return send(reply, messagePage(lang, s.notFoundTitle, s.notFound), 404);
          if (err.kind === 'forbidden') return send(reply, messagePage(lang, s.forbiddenTitle, s.forbidden), 403);
          reply.header('retry-after', '60');
          return send(reply, messagePage(lang, s.errorTitle, s.error.replace('{id}', request.id)), 429);
        }
        request.log.error({ err }, 'checkout page failed');
        return send(reply, messagePage(lang, s.errorTitle, s.error.replace('{id}', request.id)), 500);
      });
      child.setNotFoundHandler((request, reply) => {
        const lang = acceptLanguage(request.headers['accept-language']) ?? 'en';
        const s = t(lang);
        return send(reply, messagePage(lang, s.notFoundTitle, s.notFound), 404);
      });

      child.get(CHECKOUT_STYLESHEET_PATH.slice('/c'.length), (_request, reply) =>
        reply
          .type('text/css; charset=utf-8')
          .header('cache-control', 'public, max-age=31536000, immutable')
          .send(CHECKOUT_STYLESHEET),
      );

      child.get<TokenRoute>('/:token', async (request, reply) => {
        const { session, latest, ...merchant } = await load(request);
        const frame = frameOf(request, reply, session, merchant);
        const base = `/c/${request.params.token}`;
        if (latest && isPaid(latest.status)) {
          const now = await settled(session, latest);
          return send(reply, closedPage(frame, now, 'complete', successUrlOf(now, now.paymentId)));
        }
        if (session.status === 'complete') {
          return send(reply, closedPage(frame, session, 'complete', successUrlOf(session, session.paymentId)));
        }
        const inFlight =
          (latest !== undefined && isInFlight(latest.status)) ||
          (session.attemptLockedUntil !== null && session.attemptLockedUntil > clock.now());
        if (inFlight && session.status === 'open') {
          const next = latest?.status === 'requires_action' ? (latest.nextActionUrl ?? undefined) : undefined;
          return send(reply, inFlightPage(frame, session, next ? `${base}/go` : undefined));
        }
        if (!isPayable(checkout.payment, session)) {
          return send(reply, closedPage(frame, session, 'expired', session.cancelUrl));
        }
        const notice = request.query.unavailable === '1' ? 'unavailable' : latest !== undefined ? 'try_again' : 'none';
        return send(reply, choicePage(frame, session, `${base}/pay`, notice));
      });

      child.post<TokenRoute & { Body: Record<string, string> | undefined }>('/:token/pay', async (request, reply) => {
        const { session } = await load(request);
        const base = `/c/${request.params.token}`;
        const site = request.headers['sec-fetch-site'];
        const body = request.body ?? {};
        if (
          (site !== undefined && site !== 'same-origin' && site !== 'none') ||
          !sameToken(body._csrf, session.csrfToken)
        ) {
          request.log.warn({ sessionId: session.id, reason: 'csrf' }, 'checkout form refused');
          throw new PageFailure('forbidden');
        }
        if (!choices(session.id)) throw new PageFailure('too_many');
        const method = body.method;
        if (!(PAYMENT_METHODS as readonly string[]).includes(method ?? '')) return reply.redirect(base, 303);
        let outcome: Awaited<ReturnType<typeof chooseMethod>>;
        try {
          outcome = await chooseMethod(
            checkout,
            session.id,
            method as PaymentMethod,
            languageOf(request, reply, session),
          );
        } catch (err) {
          if (!isBawabaError(err) || err.status >= 500) throw err;
          request.log.warn({ sessionId: session.id, code: err.code }, 'checkout method could not be used');
          return reply.redirect(`${base}?unavailable=1`, 303);
        }
        if (outcome.kind === 'created') {
          const payment = outcome.result.payment;
          request.log.info(
            { sessionId: session.id, paymentId: payment.id, status: payment.status },
            'checkout payment made',
          );
          if (payment.status === 'requires_action' && payment.nextActionUrl) return reply.redirect(`${base}/go`, 303);
        }
        return reply.redirect(base, 303);
      });

      child.get<TokenRoute>('/:token/go', async (request, reply) => {
        const { session, latest, ...merchant } = await load(request);
        if (latest?.status !== 'requires_action' || !latest.nextActionUrl || session.status !== 'open') {
          return reply.redirect(`/c/${request.params.token}`, 303);
        }
        const frame = frameOf(request, reply, session, merchant, '/go');
        return send(reply, redirectPage(frame, latest.paymentMethod, latest.nextActionUrl));
      });

      child.get<TokenRoute>('/:token/result', async (request, reply) => {
        const { session, latest, ...merchant } = await load(request);
        const base = `/c/${request.params.token}`;
        if (!latest) return reply.redirect(base, 303);
        const frame = frameOf(request, reply, session, merchant, '/result');
        if (isPaid(latest.status)) {
          const now = await settled(session, latest);
          if (now.status === 'complete' && now.paymentId === latest.id) {
            return send(
              reply,
              successPage(frame, now, successUrlOf(now, latest.id), latest.paymentMethod === 'qattah'),
            );
          }
          return send(reply, closedPage(frame, now, 'complete', successUrlOf(now, now.paymentId)));
        }
        if (isInFlight(latest.status)) {
          return send(
            reply,
            inFlightPage({ ...frame, refresh: { seconds: 3, url: `${base}/result` } }, session, undefined),
          );
        }
        return send(reply, failedPage(frame, session, isPayable(checkout.payment, session) ? base : undefined));
      });
    },
    { prefix: '/c' },
  );
}

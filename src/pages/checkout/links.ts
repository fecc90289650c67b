import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { type AccountLogoRepo, logoPath } from '../../core/account-logo.ts';
import { LINK_METADATA_KEY, linkClosedReason, type PaymentLink } from '../../core/checkout/payment-link.ts';
import type { AccountRepo } from '../../core/repositories.ts';
import { linkUrl, openPaymentLink, type PaymentLinkDeps } from '../../core/services/payment-links.ts';
import { dashboardCsp } from '../kit/csp.ts';
import { fill, type Lang } from '../kit/i18n.ts';
import { preparePageScope, sameToken } from '../kit/page-plugin.ts';
import { windowLimiter } from './limits.ts';
import {
  type AmountNotice,
  amountPage,
  canceledPage,
  linkClosedPage,
  parseEnteredAmount,
  thanksPage,
} from './link-render.ts';
import { type Frame, messagePage, t } from './render.ts';
import { acceptLanguage, languageOf, type TokenRoute } from './request.ts';
import { CHECKOUT_STYLESHEET_PATH } from './style.ts';

/** What the payment links' pages need, wired by `main.ts`. */
export interface PaymentLinkPageDeps {
  readonly links: PaymentLinkDeps;
  readonly accounts: AccountRepo;
  readonly logos: AccountLogoRepo;
  /** Sessions opened per address per minute (every visit of a fixed-amount link opens one). */
  readonly opensPerMinute?: number;
}

const TOKEN = /^[A-Za-z0-9_-]{32}$/;
const DIGEST_FILE = /^([0-9a-f]{64})\.(png|jpg)$/;

class LinkPageFailure extends Error {
  readonly kind: 'not_found' | 'forbidden' | 'too_many';
  constructor(kind: 'not_found' | 'forbidden' | 'too_many') {
    super(kind);
    this.kind = kind;
  }
}

function send(reply: FastifyReply, markup: string, status = 200): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(markup);
}

type FormRoute = TokenRoute & { Body: Record<string, string> | undefined };

function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'ar';
}

/**
 * The pages of payment links at `/l/{token}`: each visit opens a new checkout session and is
 * sent on (303) to its page; a link whose customer enters the amount first shows a form for it.
 * Also the link's QR code (`/l/{token}/qr.svg`), its default thank-you and canceled pages, and
 * the merchants' logos (`/c/logo/{digest}.png`). Server-rendered, no script, nothing from
 * another host; the amount form carries the link's own token and is refused from other sites.
 */
export async function registerPaymentLinkPages(app: FastifyInstance, deps: PaymentLinkPageDeps): Promise<void> {
  const csp = dashboardCsp();
  const { links } = deps;
  const clock = links.checkout.payment.clock;
  const opens = windowLimiter(deps.opensPerMinute ?? 60, 60_000, () => clock.now());
  const views = windowLimiter(600, 60_000, () => clock.now());

  async function load(request: FastifyRequest<TokenRoute>) {
    if (!views(request.ip)) throw new LinkPageFailure('too_many');
    const { token } = request.params;
    const link = TOKEN.test(token) ? await links.links.getByToken(token) : undefined;
    if (!link) throw new LinkPageFailure('not_found');
    const [account, logo] = await Promise.all([
      deps.accounts.getAccount(link.accountId),
      deps.logos.get(link.accountId),
    ]);
    return { link, merchant: account?.name ?? '', logo: logo ? logoPath(logo) : undefined };
  }

  function frameOf(
    request: FastifyRequest<TokenRoute>,
    reply: FastifyReply,
    loaded: { link: PaymentLink; merchant: string; logo: string | undefined },
    path: string | undefined,
    lang?: Lang,
  ): Frame {
    const base = `/l/${request.params.token}`;
    return {
      lang: lang ?? languageOf(request, reply, loaded.link, base),
      merchant: loaded.merchant,
      ...(loaded.logo ? { logo: loaded.logo } : {}),
      ...(path !== undefined ? { path: `${base}${path}` } : {}),
      testMode: loaded.link.mode === 'test',
    };
  }

  await app.register(async (child) => {
    preparePageScope(child, { csp, stylesheetPath: CHECKOUT_STYLESHEET_PATH, formLimit: 4 * 1024 });
    child.setErrorHandler((err, request, reply) => {
      const lang = acceptLanguage(request.headers['accept-language']) ?? 'en';
      const s = t(lang);
      if (err instanceof LinkPageFailure) {
        if (err.kind === 'not_found') return send(reply, messagePage(lang, s.notFoundTitle, s.notFound), 404);
        if (err.kind === 'forbidden') return send(reply, messagePage(lang, s.forbiddenTitle, s.forbidden), 403);
        reply.header('retry-after', '60');
        return send(reply, messagePage(lang, s.errorTitle, s.error.replace('{id}', request.id)), 429);
      }
      request.log.error({ err }, 'payment link page failed');
      return send(reply, messagePage(lang, s.errorTitle, s.error.replace('{id}', request.id)), 500);
    });

    /**
     * Opens a session for the link's amount, or for `entered` (what the customer typed, as
     * `amount` in minor units), and sends the customer to it.
     */
    async function open(
      request: FastifyRequest<TokenRoute>,
      reply: FastifyReply,
      loaded: Awaited<ReturnType<typeof load>>,
      lang: Lang,
      entered?: { readonly text: string; readonly amount: number },
    ) {
      if (!opens(request.ip)) throw new LinkPageFailure('too_many');
      const result = await openPaymentLink(links, loaded.link, {
        ...(entered ? { amount: entered.amount } : {}),
        locale: lang,
      });
      const base = `/l/${request.params.token}`;
      const frame = frameOf(request, reply, loaded, '', lang);
      const again = (notice: AmountNotice | undefined) =>
        send(reply, amountPage(frame, loaded.link, base, entered?.text ?? '', notice), notice ? 400 : 200);
      switch (result.kind) {
        case 'opened':
          request.log.info({ linkId: loaded.link.id, sessionId: result.session.id }, 'payment link opened a session');
          return reply.redirect(`/c/${result.session.token}`, 303);
        case 'inactive':
        case 'exhausted':
          return send(reply, linkClosedPage(frame, result.kind), 410);
        case 'amount_needed':
          return again(undefined);
        case 'amount_refused':
          return again({ kind: 'bounds', problem: result.problem });
        case 'unavailable': {
          if (loaded.link.amount === null) return again({ kind: 'unavailable' });
          const s = t(lang);
          return send(
            reply,
            messagePage(lang, s.errorTitle, fill(s.amountUnavailable, { merchant: loaded.merchant })),
            503,
          );
        }
      }
    }

    child.get<TokenRoute>('/l/:token', async (request, reply) => {
      const loaded = await load(request);
      const lang = languageOf(request, reply, loaded.link, `/l/${request.params.token}`);
      const closed = linkClosedReason(loaded.link);
      if (closed) return send(reply, linkClosedPage(frameOf(request, reply, loaded, '', lang), closed), 410);
      if (loaded.link.amount === null) {
        return send(
          reply,
          amountPage(
            frameOf(request, reply, loaded, '', lang),
            loaded.link,
            `/l/${request.params.token}`,
            '',
            undefined,
          ),
        );
      }
      // A HEAD (a link checker, a chat app's preview) opens no session.
      if (request.method === 'HEAD') return send(reply, '');
      return open(request, reply, loaded, lang);
    });

    child.post<FormRoute>('/l/:token', async (request, reply) => {
      const loaded = await load(request);
      const site = request.headers['sec-fetch-site'];
      const body = request.body ?? {};
      if (
        (site !== undefined && site !== 'same-origin' && site !== 'none') ||
        !sameToken(body._csrf, loaded.link.csrfToken)
      ) {
        request.log.warn({ linkId: loaded.link.id, reason: 'csrf' }, 'payment link form refused');
        throw new LinkPageFailure('forbidden');
      }
      const lang = isLang(body.lang)
        ? body.lang
        : languageOf(request, reply, loaded.link, `/l/${request.params.token}`);
      if (loaded.link.amount !== null) return open(request, reply, loaded, lang);
      const entered = parseEnteredAmount(body.amount, loaded.link.currency);
      if ('error' in entered) {
        const frame = frameOf(request, reply, loaded, '', lang);
        const notice: AmountNotice = { kind: 'entered', error: entered.error };
        return send(
          reply,
          amountPage(frame, loaded.link, `/l/${request.params.token}`, body.amount ?? '', notice),
          400,
        );
      }
      return open(request, reply, loaded, lang, { text: body.amount ?? '', amount: entered.amount });
    });

    child.get<TokenRoute>('/l/:token/thanks', async (request, reply) => {
      const loaded = await load(request);
      const frame = frameOf(request, reply, loaded, undefined);
      const sessionId = request.query.checkout_session_id;
      let paid: { amount: number; currency: string } | undefined;
      if (typeof sessionId === 'string' && (await links.links.opened(loaded.link.id, sessionId))) {
        const session = await links.checkout.sessions.getById(sessionId);
        if (session?.status === 'complete' && session.metadata[LINK_METADATA_KEY] === loaded.link.id) paid = session;
      }
      return send(reply, thanksPage(frame, paid));
    });

    child.get<TokenRoute>('/l/:token/canceled', async (request, reply) => {
      const loaded = await load(request);
      const frame = frameOf(request, reply, loaded, undefined);
      const again = linkClosedReason(loaded.link) ? undefined : `/l/${request.params.token}`;
      return send(reply, canceledPage(frame, again));
    });
  });

  // Images: cacheable, under the API's locked-down CSP (nothing inside them loads or runs).
  await app.register(async (assets) => {
    assets.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
      route.schema = { ...route.schema, hide: true };
    });

    assets.get<TokenRoute>('/l/:token/qr.svg', async (request, reply) => {
      if (!views(request.ip))
        return reply.code(429).header('retry-after', '60').type('text/plain').send('Too many requests');
      const { token } = request.params;
      const link = TOKEN.test(token) ? await links.links.getByToken(token) : undefined;
      if (!link) return reply.code(404).type('text/plain; charset=utf-8').send('No such payment link');
      const svg = await QRCode.toString(linkUrl(links.checkout, link), {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: 2,
        color: { dark: '#1b1f23', light: '#ffffff' },
      });
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=86400')
        .header('content-disposition', `inline; filename="payment-link-qr.svg"`)
        .send(svg);
    });

    assets.get<{ Params: { file: string } }>('/c/logo/:file', async (request, reply) => {
      const m = DIGEST_FILE.exec(request.params.file);
      const found = m?.[1] ? await deps.logos.bytesByDigest(m[1]) : undefined;
      const ext = found?.contentType === 'image/png' ? 'png' : 'jpg';
      if (!found || m?.[2] !== ext) return reply.code(404).type('text/plain; charset=utf-8').send('No such logo');
      return reply
        .type(found.contentType)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('cross-origin-resource-policy', 'same-origin')
        .send(Buffer.from(found.bytes));
    });
  });
}

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CheckoutSession } from '../../core/checkout/session.ts';
import type { Lang } from '../kit/i18n.ts';

/** The route parameters and query of a page under `/c/{token}`. */
export interface TokenRoute {
  Params: { token: string };
  Querystring: Record<string, string | string[] | undefined>;
}

/** Remembers the language switch for one session's pages. */
const LANG_COOKIE = 'bawaba_checkout_lang';

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** The browser's preferred language of the two, by `Accept-Language` weights. */
export function acceptLanguage(header: string | undefined): Lang | undefined {
  let best: { lang: Lang; q: number } | undefined;
  for (const part of (header ?? '').split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const q = Number(
      params
        .find((p) => p.trim().startsWith('q='))
        ?.trim()
        .slice(2) ?? '1',
    );
    const lang = tag.startsWith('ar') ? 'ar' : tag.startsWith('en') ? 'en' : undefined;
    if (lang && Number.isFinite(q) && q > 0 && (best === undefined || q > best.q)) best = { lang, q };
  }
  return best?.lang;
}

function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'ar';
}

/**
 * The page's language: the switch on the page (remembered for the pages under `scope`, by
 * default this session's), else the session's (or link's) locale, else the browser's
 * `Accept-Language`, else English.
 */
export function languageOf(
  request: FastifyRequest<TokenRoute>,
  reply: FastifyReply,
  session?: Pick<CheckoutSession, 'locale'>,
  scope = `/c/${request.params.token}`,
): Lang {
  const asked = request.query.lang;
  if (isLang(asked)) {
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${LANG_COOKIE}=${asked}; Path=${scope}; Max-Age=86400; SameSite=Lax; HttpOnly${secure}`,
    );
    return asked;
  }
  const remembered = cookieValue(request.headers.cookie, LANG_COOKIE);
  if (isLang(remembered)) return remembered;
  return session?.locale ?? acceptLanguage(request.headers['accept-language']) ?? 'en';
}

/** The merchant's `success_url` with the session and its payment added (their own query kept). */
export function successUrlOf(session: CheckoutSession, paymentId: string | null): string {
  const url = new URL(session.successUrl);
  url.searchParams.set('checkout_session_id', session.id);
  if (paymentId) url.searchParams.set('payment_id', paymentId);
  return url.toString();
}

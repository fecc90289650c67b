import { html, type SafeHtml } from '../kit/html.ts';
import { type Lang, strings } from '../kit/i18n.ts';
import { STYLESHEET_PATH } from '../kit/style.ts';
import type { Viewer } from './deps.ts';
import { COMMON } from './i18n/common.ts';

const NAV = [
  ['home', '/dashboard'],
  ['payments', '/dashboard/payments'],
  ['refunds', '/dashboard/refunds'],
  ['events', '/dashboard/events'],
  ['webhooks', '/dashboard/webhooks'],
  ['connectors', '/dashboard/connectors'],
  ['apiKeys', '/dashboard/api-keys'],
  ['audit', '/dashboard/audit'],
] as const;

/** A bare page: the document, its language and direction, the stylesheet. */
export function document(lang: Lang, title: string, body: SafeHtml): string {
  const c = strings(COMMON, lang);
  return html`<!doctype html><html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title} · ${c.brand}</title><link rel="stylesheet" href="${STYLESHEET_PATH}"></head><body>${body}</body></html>`
    .value;
}

/** A link that switches the language and comes back to `path`. */
export function langSwitch(lang: Lang, path: string): SafeHtml {
  const c = strings(COMMON, lang);
  return html`<a href="/dashboard/lang?to=${c.otherLangCode}&amp;back=${encodeURIComponent(path)}" lang="${c.otherLangCode}">${c.otherLang}</a>`;
}

/** A hidden field with the session's CSRF token: every form of a signed-in page has one. */
export function csrfField(viewer: Viewer): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${viewer.session.csrfToken}">`;
}

/**
 * A signed-in page: header (test/live switch, always there; language; who; sign out), the
 * test-data band in test mode, the navigation, and `body`.
 */
export function shell(viewer: Viewer, title: string, section: string, body: SafeHtml): string {
  const { lang, session, user } = viewer;
  const c = strings(COMMON, lang);
  const mode = session.mode;
  const modeButton = (m: 'test' | 'live') =>
    m === mode
      ? html`<span class="on ${m}" aria-current="true">${c[m]}</span>`
      : html`<button type="submit" name="mode" value="${m}">${c[m]}</button>`;
  return document(
    lang,
    title,
    html`<header class="top">
<a class="brand" href="/dashboard">${c.brand}</a>
<form method="post" action="/dashboard/mode" class="modes" aria-label="${c.modeLabel}">${csrfField(viewer)}<input type="hidden" name="back" value="${viewer.path}">${modeButton('test')}${modeButton('live')}</form>
<span class="spacer"></span>
${langSwitch(lang, viewer.path)}
<span class="who">${user.email} · ${user.role === 'admin' ? c.roleAdmin : c.roleViewer}</span>
<form method="post" action="/dashboard/sign-out">${csrfField(viewer)}<button class="linkish" type="submit">${c.signOut}</button></form>
</header>
${mode === 'test' ? html`<div class="testbar" role="note">${c.testBanner}</div>` : ''}
<nav class="side">${NAV.map(([key, href]) => html`<a href="${href}"${section === key ? html` class="here" aria-current="page"` : ''}>${c[key]}</a>`)}</nav>
<main>${body}</main>`,
  );
}

import { formatDate, formatMoney } from '../kit/format.ts';
import { html, type SafeHtml } from '../kit/html.ts';
import { strings } from '../kit/i18n.ts';
import type { Viewer } from './deps.ts';
import { COMMON } from './i18n/common.ts';

const TONES: Readonly<Record<string, string>> = {
  captured: 'ok',
  succeeded: 'ok',
  paid: 'ok',
  enabled: 'ok',
  partially_refunded: 'info',
  refunded: 'info',
  requires_action: 'warn',
  processing: 'warn',
  pending: 'warn',
  authorized: 'info',
  failed: 'bad',
  disputed: 'bad',
  disabled: 'bad',
  canceled: '',
  expired: '',
};

/** The tone (colour) of a status. */
export function toneOf(status: string): string {
  return TONES[status] ?? '';
}

/** A status as a coloured badge, in the viewer's language. */
export function badge(viewer: Viewer, status: string): SafeHtml {
  const c = strings(COMMON, viewer.lang) as Readonly<Record<string, string>>;
  return html`<span class="badge ${toneOf(status)}">${c[`status_${status}`] ?? status}</span>`;
}

/** An amount, kept left-to-right inside Arabic text. */
export function money(amount: number, currency: string): SafeHtml {
  return html`<bdi class="amount" dir="ltr">${formatMoney(amount, currency)}</bdi>`;
}

/** An instant in the viewer's time zone. */
export function when(viewer: Viewer, ms: number, seconds = false): SafeHtml {
  return html`<time datetime="${new Date(ms).toISOString()}">${formatDate(ms, viewer.lang, viewer.timeZone, seconds)}</time>`;
}

/** An id or other machine text, kept left-to-right. */
export function code(text: string | null | undefined): SafeHtml {
  return text ? html`<bdi dir="ltr"><code>${text}</code></bdi>` : html`<span class="muted">—</span>`;
}

/** Newer/older links of a cursor-paged list. */
export function pager(
  viewer: Viewer,
  base: string,
  params: URLSearchParams,
  page: { first?: string; last?: string; hasMore: boolean; backwards: boolean; paged: boolean },
): SafeHtml {
  const c = strings(COMMON, viewer.lang);
  const link = (key: string, id: string) => {
    const p = new URLSearchParams(params);
    p.delete('starting_after');
    p.delete('ending_before');
    p.set(key, id);
    return `${base}?${p.toString()}`;
  };
  const newer = page.first && (page.backwards ? page.hasMore : page.paged);
  const older = page.last && (page.backwards ? true : page.hasMore);
  return html`<div class="pager">${newer && page.first ? html`<a class="prev" href="${link('ending_before', page.first)}">${c.prev}</a>` : ''}${older && page.last ? html`<a class="next" href="${link('starting_after', page.last)}">${c.next}</a>` : ''}</div>`;
}

/** One query parameter as text (the first, when repeated), trimmed; undefined when empty. */
export function param(query: unknown, name: string): string | undefined {
  const v = (query as Record<string, unknown> | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== 'string') return undefined;
  const t = s.trim();
  return t === '' ? undefined : t.slice(0, 200);
}

import { pageHelmet } from './plugins/security-headers.ts';

/** The whole stylesheet of the gateway's own pages: inline, allowed by its hash alone. */
const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}.note{color:#666}';

/** Route options of a route that answers one of these pages (its CSP). */
export const PAGE_ROUTE_OPTIONS = pageHelmet(PAGE_STYLE);

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** A complete page: `title` is text (escaped here), `bodyHtml` is markup already escaped. */
export function renderPage(title: string, bodyHtml: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><style>${PAGE_STYLE}</style></head>` +
    `<body>${bodyHtml}</body></html>`
  );
}

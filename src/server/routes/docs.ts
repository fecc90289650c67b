/**
 * The gateway's own reference pages, served offline: `/docs`, the API reference rendered from
 * the OpenAPI document by Swagger UI (its assets ship with `@fastify/swagger-ui`, nothing loads
 * from other hosts), and `/docs/errors`, the error codes every `doc_url` points into.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '../../core/errors.ts';
import { escapeHtml } from '../html-page.ts';
import { pageHelmet } from '../plugins/security-headers.ts';

const ERRORS_MD = join(import.meta.dirname, '..', '..', '..', 'docs', 'errors.md');

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:64rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}' +
  'table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4rem;text-align:start;vertical-align:top}' +
  'code{background:#f3f3f3;padding:0 .2rem;border-radius:3px}tr:target{background:#fff6d6}.muted{color:#666}';

const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/** Markdown's inline code as HTML, the rest escaped. */
function inline(text: string): string {
  return text
    .split('`')
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join('');
}

/** The rows of the error table in `docs/errors.md`: code, HTTP status, type, meaning. */
export function errorRows(markdown: string): { code: string; status: string; type: string; meaning: string }[] {
  const rows: { code: string; status: string; type: string; meaning: string }[] = [];
  for (const line of markdown.split('\n')) {
    const m = /^\| `([a-z_]+)` \| (\d{3}) \| `([a-z_]+)` \| (.*) \|$/.exec(line.trim());
    if (m) rows.push({ code: m[1] as string, status: m[2] as string, type: m[3] as string, meaning: m[4] as string });
  }
  return rows;
}

function errorsPage(): string {
  const rows = errorRows(readFileSync(ERRORS_MD, 'utf8'));
  const known = new Set(rows.map((r) => r.code));
  // Every code the API can answer has a row; the document is checked against the registry.
  const missing = Object.keys(ERROR_CODES).filter((code) => !known.has(code));
  if (missing.length > 0) throw new Error(`docs/errors.md has no row for ${missing.join(', ')}`);
  const body = rows
    .map(
      (r) =>
        `<tr id="${r.code}"><td><a href="#${r.code}"><code>${r.code}</code></a></td><td>${r.status}</td><td><code>${r.type}</code></td><td>${inline(r.meaning)}</td></tr>`,
    )
    .join('');
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Bawaba API errors</title>' +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head><body>` +
    '<h1>Error codes</h1><p>Every error the API answers is <code>{"error": {"type", "code", "message", "param"?, "doc_url", "request_id"}}</code>; ' +
    'its <code>doc_url</code> points at its row here. <a href="/docs">The API reference</a>.</p>' +
    `<table><thead><tr><th>code</th><th>HTTP</th><th>type</th><th>meaning</th></tr></thead><tbody>${body}</tbody></table></body></html>`
  );
}

/** `/docs` (Swagger UI over `/openapi.json`'s document) and `/docs/errors`. */
export async function registerDocsRoutes(app: FastifyInstance): Promise<void> {
  const page = errorsPage();
  // A page, not an operation of the API: left out of the OpenAPI document.
  app.get(
    '/docs/errors',
    { ...pageHelmet(STYLE), schema: { hide: true }, config: { public: true } },
    async (_request, reply) => reply.type('text/html; charset=utf-8').send(page),
  );
  await app.register(async (docs) => {
    // Reference pages need no API key: every route of this scope is public.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, public: true };
    });
    await docs.register(swaggerUi, {
      routePrefix: '/docs',
      // No validator badge: it would ask validator.swagger.io about the document.
      uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0, validatorUrl: null },
      // Its pages and assets load from this host alone (Swagger UI styles some elements inline).
      staticCSP: true,
      transformStaticCSP: () => DOCS_CSP,
    });
  });
}

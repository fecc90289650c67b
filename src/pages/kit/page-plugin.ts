import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** What a family of pages sets up on its own Fastify scope. */
export interface PageScope {
  /** The pages' Content-Security-Policy. */
  readonly csp: string;
  /** Its stylesheet's path, served cacheable and without the page headers. */
  readonly stylesheetPath: string;
  /** The largest form body taken, in bytes. */
  readonly formLimit: number;
}

/**
 * Sets up a scope of pages: no API key (pages guard themselves), kept out of the API's OpenAPI
 * document, form posts parsed into plain fields, and on every page the CSP, a same-origin
 * referrer (same-site posts name their origin for the Origin check; other sites learn nothing)
 * and no caching.
 */
export function preparePageScope(scope: FastifyInstance, options: PageScope): void {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true };
    route.schema = { ...route.schema, hide: true };
  });
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: options.formLimit },
    (_request, body, done) => done(null, parseForm(body as string)),
  );
  scope.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url !== options.stylesheetPath) {
      reply.header('content-security-policy', options.csp);
      reply.header('referrer-policy', 'same-origin');
      reply.header('cache-control', 'no-store');
    }
    return payload;
  });
}

/**
 * A form body: its fields by name (the first of each; a `name[]` field's values joined by
 * commas, for checkboxes), nothing inherited.
 */
export function parseForm(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const [name, value] of new URLSearchParams(text)) {
    if (name.endsWith('[]')) out[name] = name in out ? `${out[name]},${value}` : value;
    else if (!(name in out)) out[name] = value;
  }
  return out;
}

/** A form's token against the expected one, in constant time. */
export function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

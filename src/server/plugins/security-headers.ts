import { createHash } from 'node:crypto';
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Nothing loads, nothing frames, no form posts anywhere: right for JSON and for errors. */
const LOCKED_DOWN = {
  'default-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
};
const ONE_YEAR_S = 365 * 24 * 3600;

/** What decides the transport-security headers. */
export interface SecurityHeaderOptions {
  /** The public URL is https: browsers are told to use nothing else (HSTS). */
  readonly hsts: boolean;
}

function helmetOptions(options: SecurityHeaderOptions): FastifyHelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: LOCKED_DOWN },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Only the gateway's own host: its parent domain may serve other things over http.
    strictTransportSecurity: options.hsts ? { maxAge: ONE_YEAR_S, includeSubDomains: false } : false,
  };
}

/**
 * Security headers on every answer, from `@fastify/helmet`: `nosniff`, no framing, no referrer,
 * a CSP under which nothing loads (HTML pages widen it with {@link pageHelmet}), HSTS when the
 * public URL is https; and `Cache-Control: no-store` unless a route chose otherwise, so no API
 * answer (a new webhook secret, an error) is kept by a cache.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): Promise<void> {
  await app.register(helmet, helmetOptions(options));
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
}

/**
 * The route option of an HTML page of ours whose only resource is the inline `<style>` with
 * exactly `css`: the CSP allows that stylesheet by its hash, and nothing else.
 */
export function pageHelmet(css: string): { helmet: Omit<FastifyHelmetOptions, 'global'> } {
  const hash = createHash('sha256').update(css).digest('base64');
  return {
    helmet: {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { ...LOCKED_DOWN, 'style-src': [`'sha256-${hash}'`] },
      },
    },
  };
}

/**
 * The security headers of an answer written before any route or hook runs (a malformed
 * request, an unusable URL), where helmet cannot act: the same values it sets on other errors
 * (a test compares them).
 */
export function rawSecurityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const csp = Object.entries(LOCKED_DOWN)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join(';');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...(options.hsts ? { 'strict-transport-security': `max-age=${ONE_YEAR_S}` } : {}),
    'cache-control': 'no-store',
  };
}

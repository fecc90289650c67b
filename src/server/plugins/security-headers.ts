import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, onSendHookHandler } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

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

function helmetOptions(options: SecurityHeaderOptions): HelmetOptions {
  return {
    contentSecurityPolicy: { useDefaults: false, directives: LOCKED_DOWN },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Only the gateway's own host: its parent domain may serve other things over http.
    strictTransportSecurity: options.hsts ? { maxAge: ONE_YEAR_S, includeSubDomains: false } : false,
  };
}

/**
 * The headers `helmet` sets for `options`, worked out once: with static directives they depend
 * on nothing in the request, and building them per request cost more than the rest of a
 * notification's answer.
 */
function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    finished = true;
  });
  if (!finished) throw new Error('helmet did not set its headers synchronously');
  return Object.freeze(headers);
}

/**
 * Security headers on every answer, worked out by `helmet` once: `nosniff`, no framing, no
 * referrer, a CSP under which nothing loads (HTML pages widen it with {@link pageHelmet}), HSTS
 * when the public URL is https; and `Cache-Control: no-store` unless a route chose otherwise, so
 * no API answer (a new webhook secret, an error) is kept by a cache.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeaderOptions): Promise<void> {
  const headers = helmetHeaders(helmetOptions(options));
  // Callback hooks: an async one costs a promise on every request for nothing to wait on.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}

/**
 * The route option of an HTML page of ours whose only resource is the inline `<style>` with
 * exactly `css`: the CSP allows that stylesheet by its hash, and nothing else.
 */
export function pageHelmet(css: string): { onSend: onSendHookHandler } {
  const hash = createHash('sha256').update(css).digest('base64');
  const csp = helmetHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: { ...LOCKED_DOWN, 'style-src': [`'sha256-${hash}'`] } },
  })['content-security-policy'];
  if (csp === undefined) throw new Error('helmet set no content-security-policy');
  return {
    onSend: async (_request, reply, payload) => {
      reply.header('content-security-policy', csp);
      return payload;
    },
  };
}

/**
 * The security headers of an answer written before any route or hook runs (a malformed
 * request, an unusable URL), where no hook can act: the same ones (a test compares them).
 */
export function rawSecurityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return { ...helmetHeaders(helmetOptions(options)), 'cache-control': 'no-store' };
}

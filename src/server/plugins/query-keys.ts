import type { FastifyInstance } from 'fastify';
import { BawabaError } from '../../core/errors.ts';
import { decodeComponent } from '../../observability/redact-url.ts';

/** Query parameter names clients put API keys in (compared lower-cased, `-` read as `_`). */
const KEY_NAMES = new Set([
  'api_key',
  'apikey',
  'key',
  'secret',
  'secret_key',
  'secretkey',
  'access_token',
  'token',
  'auth',
  'authorization',
  'bearer',
  'password',
]);
const KEY_SHAPE = /sk_(test|live)_[0-9A-Za-z]{8,}/;
const API_PATH = /^\/v1(\/|\?|$)/;

/** The query parameter of `url` that carries an API key, by its name or by its value's shape. */
export function keyInQuery(url: string): { readonly param: string | undefined } | undefined {
  const q = url.indexOf('?');
  if (q === -1) return undefined;
  for (const pair of url.slice(q + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decodeComponent(pair.slice(eq + 1));
    // A name shaped like a key is not echoed back: it is the secret.
    if (KEY_SHAPE.test(name)) return { param: undefined };
    if (KEY_NAMES.has(name.toLowerCase().replaceAll('-', '_')) || KEY_SHAPE.test(value)) {
      return { param: name === '' ? undefined : name };
    }
  }
  return undefined;
}

/**
 * Refuses, before authentication, any `/v1` request carrying an API key in its query string:
 * URLs end up in logs, browser histories and proxies. (Logged URLs are redacted as well.)
 */
export function registerQueryKeyRefusal(app: FastifyInstance): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const found = API_PATH.test(request.url) ? keyInQuery(request.url) : undefined;
    done(found ? new BawabaError('api_key_in_query', undefined, found.param) : undefined);
  });
}

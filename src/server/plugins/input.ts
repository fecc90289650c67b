import type { FastifyInstance } from 'fastify';
import { BawabaError } from '../../core/errors.ts';

/** No body the API takes is nested more than a few levels; anything deeper is refused unparsed. */
export const MAX_BODY_DEPTH = 32;
/** Keys that mean something to JavaScript objects: refused anywhere in a body. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor']);
const BODYLESS_METHODS = new Set(['GET', 'HEAD', 'DELETE']);
const NUL = '\u0000';

function nulError(param: string): BawabaError {
  return new BawabaError('parameter_invalid', `${param} must not contain the NUL character (U+0000).`, param);
}

/**
 * Parses a JSON request body, refusing with `body_invalid` what would be unsafe to hand on:
 * nesting deeper than {@link MAX_BODY_DEPTH} (checked on the text, before parsing, so nothing
 * downstream ever recurses deeply) and `__proto__` or `constructor` keys at any depth; and with
 * `parameter_invalid` a NUL character in any key or string (PostgreSQL cannot store it).
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') {
    throw new BawabaError('body_invalid', 'The request body is empty: send a JSON object.');
  }
  if (nestingDepth(text) > MAX_BODY_DEPTH) {
    throw new BawabaError('body_invalid', `The request body is nested deeper than ${MAX_BODY_DEPTH} levels.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BawabaError('body_invalid', 'The request body is not valid JSON.');
  }
  // A forbidden key or a NUL is spelt out literally or with escapes; without either, no need to look.
  if (text.includes('\\') || text.includes('__proto__') || text.includes('constructor')) checkTree(value);
  return value;
}

/** The deepest nesting of `[` and `{` outside strings, in one pass without recursion. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}

/** Walks a parsed body without recursion, refusing forbidden keys and NUL characters. */
function checkTree(root: unknown): void {
  const stack: [unknown, string][] = [[root, '']];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (value.includes(NUL)) throw nulError(path || 'body');
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const isArray = Array.isArray(value);
    for (const [key, child] of Object.entries(value)) {
      const childPath = path === '' ? key : `${path}.${key}`;
      if (!isArray && FORBIDDEN_KEYS.has(key)) {
        throw new BawabaError(
          'body_invalid',
          `"${key}" keys are not allowed in a request body (found at ${childPath}).`,
          childPath,
        );
      }
      if (key.includes(NUL)) throw nulError(path || 'body');
      stack.push([child, childPath]);
    }
  }
}

/** Refuses a NUL character in path parameters and query values (text is stored as it comes). */
function checkUrlText(params: unknown, query: unknown): void {
  for (const [name, value] of Object.entries(params ?? {})) {
    if (typeof value === 'string' && value.includes(NUL)) throw nulError(name);
  }
  for (const [name, value] of Object.entries(query ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    if (name.includes(NUL) || values.some((v) => typeof v === 'string' && v.includes(NUL))) throw nulError(name);
  }
}

/**
 * What a request may bring: a JSON body only (parsed by {@link parseJsonBody}; any other media
 * type is a 415), no body at all on `GET`, `HEAD` and `DELETE`, and no NUL character in the URL's
 * parameters. Routes with needs of their own (provider notifications) set their own parsers.
 */
export function registerInputRules(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, parseJsonBody(text as string));
    } catch (err) {
      done(err as BawabaError, undefined);
    }
  });
  // A callback hook (a throw is the request's error): nothing here waits.
  app.addHook('onRequest', (request, _reply, done) => {
    if (BODYLESS_METHODS.has(request.method)) {
      const length = request.headers['content-length'];
      if (request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')) {
        throw new BawabaError(
          'body_not_allowed',
          `${request.method} takes no request body; send parameters in the URL.`,
        );
      }
    }
    checkUrlText(request.params, request.query);
    done();
  });
}

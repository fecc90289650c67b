import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { BawabaError, ERROR_CODES, type ErrorCode, isBawabaError } from '../../core/errors.ts';
import type { IdGenerator } from '../../core/ids.ts';
import { redactUrl } from '../../observability/redact-url.ts';
import { rawSecurityHeaders, type SecurityHeaderOptions } from './security-headers.ts';

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

const FIELD_CODES: Readonly<Record<string, BawabaError['code']>> = {
  amount: 'amount_invalid',
  currency: 'currency_invalid',
  payment_method: 'payment_method_not_supported',
};

/** Fastify's own client errors, and what the API calls them. */
const FRAMEWORK_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'body_unsupported_media_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'body_invalid',
  FST_ERR_CTP_INVALID_JSON_BODY: 'body_invalid',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'request_invalid',
  FST_ERR_BAD_URL: 'url_invalid',
  FST_ERR_MAX_PARAM_LENGTH: 'url_too_long',
};

/** Node's HTTP parser errors that have a code of their own. */
const CLIENT_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
  ERR_HTTP_REQUEST_HEADERS_TIMEOUT: 'request_timeout',
};

function unescapePointer(segment: string): string {
  return segment.replaceAll('~1', '/').replaceAll('~0', '~');
}

function joinPath(path: string, name: unknown): string {
  const base = path.split('/').slice(1).map(unescapePointer).join('.');
  return typeof name === 'string' ? (base ? `${base}.${name}` : name) : base;
}

const PLACE: Readonly<Record<string, string>> = {
  body: 'The request body',
  querystring: 'The query string',
  params: 'The URL',
  headers: 'The request headers',
};

/** Turns the first schema violation into an error naming the offending field. */
export function validationError(context: string | undefined, errors: readonly AjvError[]): BawabaError {
  const first = errors[0];
  if (!first) return new BawabaError('parameter_invalid');
  const place = PLACE[context ?? ''] ?? 'The request';
  if (first.keyword === 'required') {
    const param = joinPath(first.instancePath, first.params.missingProperty);
    return new BawabaError('parameter_missing', `${param} is required.`, param);
  }
  if (first.keyword === 'additionalProperties') {
    const name = first.params.additionalProperty;
    if (name === '') {
      const where = joinPath(first.instancePath, undefined);
      return where
        ? new BawabaError('parameter_unknown', `${where} has a field with an empty name.`, where)
        : new BawabaError('parameter_unknown', `${place} has a parameter with an empty name.`);
    }
    const param = joinPath(first.instancePath, name);
    return new BawabaError('parameter_unknown', `${param} is not a known parameter.`, param);
  }
  const param = joinPath(first.instancePath, undefined);
  if (!param) {
    return context === 'body'
      ? new BawabaError('body_invalid', 'The request body must be a JSON object.')
      : new BawabaError('parameter_invalid', `${place} ${first.message ?? 'is invalid'}.`);
  }
  // A query value is text, or a list when the parameter is repeated.
  if (context === 'querystring' && first.keyword === 'type' && first.instancePath.split('/').length === 2) {
    return new BawabaError('parameter_invalid', `${param} is given more than once; give it once.`, param);
  }
  const detail = first.keyword === 'propertyNames' ? 'keys must be 1 to 40 characters' : first.message;
  const code = FIELD_CODES[param] ?? 'parameter_invalid';
  return new BawabaError(code, `${param} ${detail ?? 'is invalid'}.`, param);
}

function toBawabaError(err: FastifyError): BawabaError {
  if (isBawabaError(err)) return err;
  if (err.validation) return validationError(err.validationContext, err.validation as AjvError[]);
  const code = err.code ? FRAMEWORK_CODES[err.code] : undefined;
  if (code) return new BawabaError(code);
  // Some other refusal of the request by Fastify or a plugin: a client error, worded by us.
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new BawabaError('request_invalid');
  return new BawabaError('internal_error');
}

/** Where the gateway's error reference explains `code`: `/docs/errors#<code>` on its public URL. */
export function errorDocUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/docs/errors#${code}`;
}

/** The one error shape, as a plain object. */
function errorBody(error: BawabaError, requestId: string, publicUrl: string) {
  // An internal error's own words are for the log, never for the caller.
  const message = error.code === 'internal_error' ? ERROR_CODES.internal_error.message : error.message;
  return {
    error: {
      type: error.type,
      code: error.code,
      message,
      ...(error.param !== undefined ? { param: error.param } : {}),
      ...error.details,
      doc_url: errorDocUrl(publicUrl, error.code),
      request_id: requestId,
    },
  };
}

/** Renders a Bawaba error in the one error shape. */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: BawabaError): FastifyReply {
  request.errorCode = error.code;
  return reply.code(error.status).send(errorBody(error, request.id, request.server.publicUrl()));
}

/** The path of a URL, cut short: enough to recognise it, without echoing a query string. */
function shownPath(url: string): string {
  // A key pasted into a path is not echoed back.
  const path = redactUrl(url.split('?', 1)[0] ?? '');
  return path.length > 100 ? `${path.slice(0, 100)}…` : path;
}

/** One error handler and one not-found handler for the whole API. */
export function registerErrorHandling(app: FastifyInstance, publicUrl: () => string): void {
  app.decorate('publicUrl', publicUrl);
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const error = toBawabaError(err);
    if (error.code === 'internal_error') {
      request.log.error({ err }, 'request failed');
      request.idempotencyRetryable = true;
    } else if (!isBawabaError(err) && !err.validation) {
      request.log.info({ err: { code: err.code, message: err.message } }, 'request refused');
    }
    return sendError(reply, request, error);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      request,
      new BawabaError('route_not_found', `No route ${request.method} ${shownPath(request.url)}.`),
    ),
  );
}

/** What the answers written outside the route pipeline need. */
export interface OutsideRouteDeps {
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly securityHeaders: SecurityHeaderOptions;
  /** The gateway's public URL (for `doc_url`). */
  readonly publicUrl: () => string;
}

/**
 * Fastify options for the two kinds of request that never reach a route or its hooks, so that
 * they too are answered in the one error shape with a request id and the security headers:
 * `frameworkErrors` (the router refused the URL: bad percent-encoding, a path segment over
 * 100 characters) and `clientErrorHandler` (Node's HTTP parser refused the request: headers
 * over 16 KiB, a malformed request line or header, a request that took too long).
 */
export function outsideRouteOptions(deps: OutsideRouteDeps) {
  const headers = rawSecurityHeaders(deps.securityHeaders);
  return {
    frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
      const error = toBawabaError(err);
      if (error.code === 'internal_error') request.log.error({ err }, 'request failed before routing');
      void reply
        .code(error.status)
        .headers({ ...headers, 'request-id': request.id, 'content-type': 'application/json; charset=utf-8' })
        .send(JSON.stringify(errorBody(error, request.id, deps.publicUrl())));
    },
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
      if (err.code === 'ECONNRESET' || socket.destroyed) return;
      const code = CLIENT_ERROR_CODES[err.code ?? ''] ?? 'request_invalid';
      const error = new BawabaError(code);
      const requestId = deps.ids.next('req');
      deps.logger.debug({ err: { code: err.code, message: err.message }, requestId }, 'malformed request refused');
      // Nothing may be written into an answer that has already begun on this connection.
      const current = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (socket.writable && !current?.headersSent) {
        const body = JSON.stringify(errorBody(error, requestId, deps.publicUrl()));
        const lines = Object.entries({
          ...headers,
          'request-id': requestId,
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(body)),
          connection: 'close',
        }).map(([name, value]) => `${name}: ${value}\r\n`);
        socket.write(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\n${lines.join('')}\r\n${body}`);
      }
      socket.destroy(err);
    },
  };
}

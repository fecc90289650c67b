import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BawabaError, isBawabaError } from '../../core/errors.ts';

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

function joinPath(path: string, name: unknown): string {
  const base = path.replace(/^\//, '').replaceAll('/', '.');
  return typeof name === 'string' ? (base ? `${base}.${name}` : name) : base;
}

/** Turns the first schema violation into an error naming the offending field. */
export function validationError(context: string | undefined, errors: readonly AjvError[]): BawabaError {
  const first = errors[0];
  if (!first) return new BawabaError('parameter_invalid');
  if (first.keyword === 'required') {
    const param = joinPath(first.instancePath, first.params.missingProperty);
    return new BawabaError('parameter_missing', `${param} is required.`, param);
  }
  if (first.keyword === 'additionalProperties') {
    const param = joinPath(first.instancePath, first.params.additionalProperty);
    return new BawabaError('parameter_unknown', `${param} is not a known parameter.`, param);
  }
  const param = joinPath(first.instancePath, undefined);
  if (!param) {
    return context === 'body'
      ? new BawabaError('body_invalid', 'The request body must be a JSON object.')
      : new BawabaError('parameter_invalid', `${context ?? 'request'} ${first.message ?? 'is invalid'}.`);
  }
  const detail = first.keyword === 'propertyNames' ? 'keys must be 1 to 40 characters' : first.message;
  const code = FIELD_CODES[param] ?? 'parameter_invalid';
  return new BawabaError(code, `${param} ${detail ?? 'is invalid'}.`, param);
}

function toBawabaError(err: FastifyError): BawabaError {
  if (isBawabaError(err)) return err;
  if (err.validation) return validationError(err.validationContext, err.validation as AjvError[]);
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new BawabaError('body_unsupported_media_type');
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new BawabaError('body_too_large');
  if (err.statusCode === 400 || err.code?.startsWith('FST_ERR_CTP')) {
    return new BawabaError('body_invalid', `The request body is not valid JSON: ${err.message}`);
  }
  return new BawabaError('internal_error');
}

/** Renders a Bawaba error in the one error shape. */
export function sendError(reply: FastifyReply, request: FastifyRequest, error: BawabaError): FastifyReply {
  return reply.code(error.status).send({
    error: {
      type: error.type,
      code: error.code,
      message: error.message,
      ...(error.param !== undefined ? { param: error.param } : {}),
      ...error.details,
      request_id: request.id,
    },
  });
}

/** One error handler and one not-found handler for the whole API. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const error = toBawabaError(err);
    if (error.code === 'internal_error') {
      request.log.error({ err }, 'request failed');
      request.idempotencyRetryable = true;
    }
    return sendError(reply, request, error);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, request, new BawabaError('route_not_found', `No route ${request.method} ${request.url}.`)),
  );
}

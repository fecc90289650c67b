import type { FastifyReply, FastifyRequest } from 'fastify';

/** Marks a body that was not valid JSON; the route answers `request_body_malformed`. */
export const MALFORMED_BODY: unique symbol = Symbol('malformed-body');

export function invalid(request: FastifyRequest, reply: FastifyReply, codes: string[]): FastifyReply {
  return reply.code(422).send({ request_id: request.id, error_type: 'request_invalid', error_codes: codes });
}

/** 403: the payment exists but cannot take this action (providers.md §1.10). */
export function notAllowed(request: FastifyRequest, reply: FastifyReply, code: string): FastifyReply {
  return reply.code(403).send({ request_id: request.id, error_type: 'action_not_allowed', error_codes: [code] });
}

/** Sends JSON text as Fastify sends an object (same bytes, same content type). */
export function sendJson(reply: FastifyReply, statusCode: number, json: string): FastifyReply {
  return reply.code(statusCode).type('application/json; charset=utf-8').send(json);
}

export function idempotencyKey(request: FastifyRequest): string | undefined {
  const value = request.headers['cko-idempotency-key'];
  const key = Array.isArray(value) ? value[0] : value;
  return key === undefined || key === '' ? undefined : key;
}

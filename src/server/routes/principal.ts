import type { FastifyRequest } from 'fastify';
import { BawabaError } from '../../core/errors.ts';
import type { Principal } from '../../core/repositories.ts';

/** The authenticated caller of a route that needs one. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new BawabaError('authentication_required');
  return request.principal;
}

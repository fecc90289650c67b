/** How every emulator's hosted page answers the browser and reads the forms it posts back. */
import type { FastifyReply } from 'fastify';

/** A page, never cached: each one shows the payment as it is now. */
export function sendPage(reply: FastifyReply, statusCode: number, page: string): FastifyReply {
  return reply.code(statusCode).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page);
}

/** 303, so the browser follows with a GET whatever method brought it here. */
export const see = (reply: FastifyReply, location: string): FastifyReply =>
  reply.code(303).header('location', location).send();

/** A posted form's fields (`{}` when the body is not a form); `V` is what one field holds. */
export const formBody = <V = string>(body: unknown): Record<string, V | undefined> =>
  typeof body === 'object' && body !== null ? (body as Record<string, V | undefined>) : {};

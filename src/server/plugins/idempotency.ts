import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../core/clock.ts';
import { BawabaError } from '../../core/errors.ts';
import type { IdempotencyRecord, IdempotencyRepo, IdempotencyReservation } from '../../core/repositories.ts';

/** Answers are replayed for this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
/** A claimed key is locked this long; past it a process is presumed dead and a retry resumes. */
export const IDEMPOTENCY_LOCK_MS = 60_000;
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;

/**
 * Canonical JSON (sorted keys), so key order does not make two equal bodies differ. Built with
 * an explicit stack, not recursion: no input, however deeply nested, can overflow the call stack.
 */
export function canonical(root: unknown): string {
  const out: string[] = [];
  // Work in reverse order: a string is copied out as it is, a { value } is expanded.
  const work: (string | { readonly value: unknown })[] = [{ value: root }];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    const value = item.value;
    if (Array.isArray(value)) {
      work.push(']');
      for (let i = value.length - 1; i >= 0; i--) {
        work.push({ value: value[i] });
        if (i > 0) work.push(',');
      }
      work.push('[');
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
      work.push('}');
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i]!;
        work.push({ value: v }, `${JSON.stringify(k)}:`);
        if (i > 0) work.push(',');
      }
      work.push('{');
    } else {
      out.push(JSON.stringify(value) ?? 'null');
    }
  }
  return out.join('');
}

function requestHash(request: FastifyRequest): string {
  const target = `${request.method} ${request.routeOptions.url} ${canonical(request.params)}`;
  return createHash('sha256')
    .update(`${target}\n${canonical(request.body ?? null)}`)
    .digest('hex');
}

/**
 * Stripe-style idempotency for routes configured `idempotency: 'required'`: the first answer
 * is stored and replayed for 24 h; the same key with another request is an error; a duplicate
 * arriving while the first still runs gets 409. Runs after validation, so rejected input never
 * uses up a key. An internal error, or an answer whose outcome is not final, releases the key:
 * a retry with it resumes the same object (the payment id, so the same provider idempotency key).
 */
export function registerIdempotency(app: FastifyInstance, repo: IdempotencyRepo, clock: Clock): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.routeOptions.config.idempotency !== 'required' || !request.principal) return;
    const key = request.headers['idempotency-key'];
    if (key === undefined || key === '') throw new BawabaError('idempotency_key_missing', undefined, 'Idempotency-Key');
    if (typeof key !== 'string' || !KEY_FORMAT.test(key)) {
      throw new BawabaError('idempotency_key_invalid', undefined, 'Idempotency-Key');
    }
    const { accountId, mode } = request.principal;
    const now = clock.now();
    const hash = requestHash(request);
    const fresh: IdempotencyRecord = {
      accountId,
      mode,
      key,
      requestHash: hash,
      state: 'in_progress',
      resourceId: null,
      responseStatus: null,
      responseBody: null,
      lockedUntil: now + IDEMPOTENCY_LOCK_MS,
      createdAt: now,
      expiresAt: now + IDEMPOTENCY_TTL_MS,
    };
    // A key never seen is claimed with the object; a known one goes through the claim below,
    // which replays, refuses, or takes over an expired or abandoned record.
    if (request.routeOptions.config.idempotencyClaim === 'with_object') {
      if ((await repo.find(accountId, mode, key)) === undefined) {
        request.idempotency = { key, resourceId: null, pending: { record: fresh, claimed: false } };
        return;
      }
    }
    const claim = await repo.claim(fresh, now);
    const record = claim.record;
    if (claim.kind === 'claimed') {
      request.idempotency = { key, resourceId: record.resourceId };
      return;
    }
    if (record.requestHash !== hash) throw new BawabaError('idempotency_key_reused', undefined, 'Idempotency-Key');
    if (record.state === 'in_progress' || record.responseStatus === null) {
      throw new BawabaError('idempotency_key_in_use', undefined, 'Idempotency-Key');
    }
    return replay(reply, record.responseStatus, record.responseBody ?? '');
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const ctx = request.idempotency;
    if (!ctx || !request.principal || request.idempotencyAnswered) return payload;
    // Failed before its object was written: the request never held the key.
    if (ctx.pending !== undefined && !ctx.pending.claimed) return payload;
    const { accountId, mode } = request.principal;
    if (request.idempotencyRetryable) await repo.release(accountId, mode, ctx.key);
    else {
      const stored = request.idempotencyReplayBody ?? String(payload ?? '');
      await repo.complete(accountId, mode, ctx.key, reply.statusCode, stored);
    }
    return payload;
  });
}

function replay(reply: FastifyReply, status: number, body: string): FastifyReply {
  return sendJsonText(reply.header('idempotent-replayed', 'true'), status, body);
}

function sendJsonText(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .serializer((p: unknown) => p as string)
    .send(body);
}

/**
 * Sends an answer the service stored already with the change it reports: the very text its
 * replays will answer, which this hook then leaves alone.
 */
export function sendStoredAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: string,
): FastifyReply {
  request.idempotencyAnswered = true;
  return sendJsonText(reply, status, body);
}

/**
 * The key an idempotent request holds, for the service to link to the object it creates in the
 * same transaction that stores it.
 */
export function idempotencyReservation(request: FastifyRequest): IdempotencyReservation | undefined {
  if (!request.idempotency || !request.principal) return undefined;
  const { key, pending } = request.idempotency;
  return { accountId: request.principal.accountId, mode: request.principal.mode, key, ...(pending && { pending }) };
}

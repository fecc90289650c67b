import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { IdempotencyReservation } from '../../core/repositories.ts';
import { html, type SafeHtml } from '../kit/html.ts';
import type { DashboardDeps, Viewer } from './deps.ts';
import { PageError } from './page-error.ts';

/** An action form's answer is replayed for as long as the API's (24 h). */
const TTL_MS = 24 * 60 * 60_000;
/** A claimed form is locked this long; past it the holder is presumed dead and a repeat resumes. */
const LOCK_MS = 60_000;
/** How long a repeat waits for the first post of the same form to finish before saying so. */
const WAIT_MS = 10_000;
const NONCE = /^[A-Za-z0-9_-]{20,64}$/;

/** The form field that carries an action form's one-time nonce. */
export const ONCE_FIELD = '_once';

/** A fresh hidden nonce for one action form: each rendering of a form gets its own. */
export function onceField(): SafeHtml {
  return html`<input type="hidden" name="${ONCE_FIELD}" value="${randomBytes(18).toString('base64url')}">`;
}

/**
 * What an action did, as kept for its repeats: a page to go to (303), or a refusal (a 4xx with
 * its message, the form shown again with a fresh nonce).
 */
export type Outcome =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'refused'; readonly status: number; readonly message: string };

/** How the first post of a form is run: with the key it holds, and the object an earlier, crashed post had begun. */
export interface FirstRun {
  readonly reservation: IdempotencyReservation;
  readonly resumeId: string | null;
}

/** The answer of a post: `fresh` is the first run's own answer (it may show a secret once). */
export type Once<T> =
  | { readonly kind: 'fresh'; readonly value: T }
  | { readonly kind: 'repeat'; readonly outcome: Outcome }
  | { readonly kind: 'busy' }
  | { readonly kind: 'stale' };

function hashOf(action: string, form: Readonly<Record<string, string | undefined>>): string {
  const fields = Object.entries(form)
    .filter(([k]) => k !== '_csrf' && k !== ONCE_FIELD)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256')
    .update(`${action}\n${JSON.stringify(fields)}`)
    .digest('hex');
}

/**
 * Runs an admin action at most once per rendered form, through the API's idempotency records
 * (scoped to the account and mode, under `dashboard:<nonce>`, a namespace API keys never use).
 * A double click, a reload or a back-button re-post gets the first outcome instead of acting
 * again; a repeat that comes while the first still runs waits for it. `run` answers its own
 * response and the outcome to keep for repeats (never a secret: repeats do not see one).
 * An unexpected error releases the nonce, so the same form can be posted again.
 */
export async function once<T>(
  deps: DashboardDeps,
  viewer: Viewer,
  action: string,
  form: Readonly<Record<string, string | undefined>>,
  run: (first: FirstRun) => Promise<{ value: T; outcome: Outcome }>,
): Promise<Once<T>> {
  const nonce = form[ONCE_FIELD];
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) return { kind: 'stale' };
  const accountId = viewer.user.accountId;
  const mode = viewer.session.mode;
  const key = `dashboard:${nonce}`;
  const requestHash = hashOf(action, form);
  const end = Date.now() + WAIT_MS;
  for (;;) {
    const now = deps.clock.now();
    const claim = await deps.idempotency.claim(
      {
        accountId,
        mode,
        key,
        requestHash,
        state: 'in_progress',
        resourceId: null,
        responseStatus: null,
        responseBody: null,
        lockedUntil: now + LOCK_MS,
        createdAt: now,
        expiresAt: now + TTL_MS,
      },
      now,
    );
    const record = claim.record;
    if (claim.kind === 'claimed') {
      let result: { value: T; outcome: Outcome };
      try {
        result = await run({ reservation: { accountId, mode, key }, resumeId: record.resourceId });
      } catch (err) {
        await deps.idempotency.release(accountId, mode, key);
        throw err;
      }
      const status = result.outcome.kind === 'redirect' ? 303 : result.outcome.status;
      await deps.idempotency.complete(accountId, mode, key, status, JSON.stringify(result.outcome));
      return { kind: 'fresh', value: result.value };
    }
    // The same nonce with another form (edited after the first post): not the same request.
    if (record.requestHash !== requestHash) return { kind: 'stale' };
    if (record.state === 'done' && record.responseBody !== null) {
      return { kind: 'repeat', outcome: JSON.parse(record.responseBody) as Outcome };
    }
    if (Date.now() >= end) return { kind: 'busy' };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What the first post of a form shows: an outcome, or a page of its own (a secret shown once). */
export type Shown = Outcome | { readonly kind: 'page'; readonly markup: string };

/**
 * Answers a post run through {@link once}: a redirect, the form again with the refusal (and a
 * fresh nonce, built by `refused`), or the first run's own page; a used or still busy form is
 * a 409 page that changes nothing.
 */
export async function answerOnce(
  reply: FastifyReply,
  result: Once<Shown>,
  refused: (message: string) => string | Promise<string>,
): Promise<FastifyReply> {
  if (result.kind === 'stale') throw new PageError('form_used');
  if (result.kind === 'busy') throw new PageError('form_busy');
  const shown = result.kind === 'fresh' ? result.value : result.outcome;
  if (shown.kind === 'redirect') return reply.redirect(shown.location, 303);
  reply.type('text/html; charset=utf-8');
  if (shown.kind === 'refused') return reply.code(shown.status).send(await refused(shown.message));
  return reply.code(200).send(shown.markup);
}

import { isBawabaError } from '../../core/errors.ts';
import { html, type SafeHtml } from '../kit/html.ts';
import { strings } from '../kit/i18n.ts';
import type { Viewer } from './deps.ts';
import { COMMON } from './i18n/common.ts';
import { PAYMENTS } from './i18n/payments.ts';
import { csrfField, shell } from './layout.ts';
import { type Outcome, onceField, type Shown } from './once.ts';

/** A confirmation page: the question, and a form (CSRF token, one-time nonce) that does it. */
export function confirmPage(
  viewer: Viewer,
  action: string,
  question: string,
  fields: SafeHtml,
  back: string,
  error?: string,
  section = 'payments',
): string {
  const t = strings(PAYMENTS, viewer.lang);
  const c = strings(COMMON, viewer.lang);
  return shell(
    viewer,
    t.confirmTitle,
    section,
    html`<div class="confirm"><h1>${t.confirmTitle}</h1>
${error ? html`<div class="notice bad" role="alert"><strong>${t.refusedTitle}:</strong> ${error}</div>` : ''}
<div class="card"><p>${question}</p>
<form method="post" action="${action}" class="actions">${csrfField(viewer)}${onceField()}${fields}<button type="submit" class="danger">${t.confirmButton}</button> <a class="button quiet" href="${back}">${c.cancel}</a></form></div></div>`,
  );
}

/** The message of a refusal (a 4xx); anything else is thrown on (and releases the form's nonce). */
export function refusalText(err: unknown): string {
  if (isBawabaError(err) && err.status < 500) return err.message;
  throw err;
}

/** An outcome to go to `location`. */
export function redirectTo(location: string): Outcome {
  return { kind: 'redirect', location };
}

/** A refusal outcome: the form is shown again with `message`. */
export function refusal(err: unknown, message: string): Outcome {
  return { kind: 'refused', status: isBawabaError(err) ? err.status : 400, message };
}

/** An outcome answered now and kept for the form's repeats. */
export function kept(outcome: Outcome): { value: Shown; outcome: Outcome } {
  return { value: outcome, outcome };
}

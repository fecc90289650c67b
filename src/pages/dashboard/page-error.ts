/** Why a dashboard request is refused; rendered as a page, never as JSON. */
export type PageErrorKind = 'not_found' | 'forbidden_role' | 'forbidden_csrf' | 'too_many' | 'form_used' | 'form_busy';

/** A refusal the error page explains. */
export class PageError extends Error {
  readonly kind: PageErrorKind;
  readonly status: number;
  /** For `too_many`: seconds until trying again makes sense. */
  readonly retryAfter: number;
  constructor(kind: PageErrorKind, retryAfter = 0) {
    super(kind);
    this.kind = kind;
    this.status = {
      not_found: 404,
      forbidden_role: 403,
      forbidden_csrf: 403,
      too_many: 429,
      form_used: 409,
      form_busy: 409,
    }[kind];
    this.retryAfter = retryAfter;
  }
}

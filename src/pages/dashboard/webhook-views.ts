import type { WebhookDelivery, WebhookEndpoint } from '../../core/event-ports.ts';
import { html, type SafeHtml } from '../kit/html.ts';
import { strings } from '../kit/i18n.ts';
import type { DashboardDeps, Viewer } from './deps.ts';
import { COMMON } from './i18n/common.ts';
import { WEBHOOKS } from './i18n/webhooks.ts';
import { csrfField, shell } from './layout.ts';
import { onceField } from './once.ts';
import { code } from './ui.ts';

type Form = Record<string, string | undefined>;

/**
 * Failing: the last delivery that was tried (the newest to change) has not succeeded, or the
 * endpoint was disabled by a receiver's 410.
 */
export function isFailing(endpoint: WebhookEndpoint, recent: readonly WebhookDelivery[]): boolean {
  const tried = recent.filter((d) => d.attempts > 0).sort((a, b) => b.updatedAt - a.updatedAt)[0];
  return (
    (tried !== undefined && tried.status !== 'succeeded') ||
    (endpoint.status === 'disabled' && !!endpoint.disabledReason?.includes('410'))
  );
}

/** The endpoint's form, as typed: url, events, description. */
export interface Draft {
  readonly url: string;
  readonly events: readonly string[];
  readonly description: string;
}

export function draftOf(form: Form): Draft {
  return {
    url: String(form.url ?? '').trim(),
    events: String(form['events[]'] ?? '')
      .split(',')
      .filter((e) => e !== ''),
    description: String(form.description ?? '')
      .trim()
      .slice(0, 500),
  };
}

/** The edit form of an endpoint (new when `endpoint` is undefined). */
export function endpointForm(
  deps: DashboardDeps,
  viewer: Viewer,
  draft: Draft,
  endpoint: WebhookEndpoint | undefined,
  error?: string,
): string {
  const t = strings(WEBHOOKS, viewer.lang);
  const c = strings(COMMON, viewer.lang);
  const title = endpoint ? t.editTitle : t.newTitle;
  const action = endpoint ? `/dashboard/webhooks/${endpoint.id}/edit` : '/dashboard/webhooks';
  const box = (value: string, label: SafeHtml | string) =>
    html`<label class="check"><input type="checkbox" name="events[]" value="${value}"${draft.events.includes(value) ? html` checked` : ''}> ${label}</label>`;
  return shell(
    viewer,
    title,
    'webhooks',
    html`<div class="confirm"><h1>${title}</h1>
${error ? html`<div class="notice bad" role="alert">${error}</div>` : ''}
<form method="post" action="${action}" class="card stack">${csrfField(viewer)}${onceField()}
<label>${t.url}<input name="url" type="url" required maxlength="2048" dir="ltr" value="${draft.url}" placeholder="https://shop.example.qa/bawaba/events"></label>
<p class="small muted">${t.urlHint}</p>
<fieldset><legend>${t.events}</legend>${box('*', t.allEvents)}<div class="checks">${deps.services.eventTypes.map((e) => box(e, code(e)))}</div></fieldset>
<label>${t.description}<input name="description" maxlength="500" dir="auto" value="${draft.description}"></label>
<div class="actions"><button type="submit">${endpoint ? t.save : t.create}</button> <a class="button quiet" href="${endpoint ? `/dashboard/webhooks/${endpoint.id}` : '/dashboard/webhooks'}">${c.cancel}</a></div>
</form></div>`,
  );
}

/** The secret of an endpoint, shown this once. */
export function secretPage(viewer: Viewer, endpoint: WebhookEndpoint, title: string): string {
  const t = strings(WEBHOOKS, viewer.lang);
  return shell(
    viewer,
    title,
    'webhooks',
    html`<div class="confirm"><h1>${title}</h1><div class="card">
<p>${code(endpoint.url)}</p>
<h2>${t.secretTitle}</h2>
<p class="secret"><bdi dir="ltr"><code id="secret">${endpoint.secret}</code></bdi></p>
<div class="notice warn" role="note">${t.secretOnce}</div>
<a class="button" href="/dashboard/webhooks/${endpoint.id}">${t.secretDone}</a>
</div></div>`,
  );
}

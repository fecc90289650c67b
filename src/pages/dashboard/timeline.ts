import type { DeliveryRecord, NotificationRecord } from '../../core/dashboard-ports.ts';
import type { DomainEvent } from '../../core/event-ports.ts';
import type { Payment } from '../../core/payment/payment.ts';
import type { Refund } from '../../core/refund/refund.ts';
import type { CustomerReturn, CustomerReturnOutcome } from '../../core/repositories.ts';
import { html, type SafeHtml } from '../kit/html.ts';
import { fill, strings } from '../kit/i18n.ts';
import type { Viewer } from './deps.ts';
import { PAYMENTS } from './i18n/payments.ts';
import { badge, code, money, toneOf, when } from './ui.ts';

/** The sentence that tells each return outcome. */
const RETURN_OUTCOMES = {
  confirmed: 'tlReturnConfirmed',
  reference_unproven: 'tlReturnUnproven',
  looked_up: 'tlReturnLookedUp',
  still_pending: 'tlReturnPending',
  no_answer: 'tlReturnNoAnswer',
  not_asked: 'tlReturnNotAsked',
} as const satisfies Record<CustomerReturnOutcome, string>;

interface Entry {
  readonly at: number;
  readonly order: number;
  readonly tone: string;
  readonly what: SafeHtml;
  readonly detail?: SafeHtml;
}

/** A body shown as it came, pretty-printed when it is JSON. */
function rawBody(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function deliveryDetail(viewer: Viewer, d: DeliveryRecord): SafeHtml {
  const t = strings(PAYMENTS, viewer.lang);
  const admin = viewer.user.role === 'admin';
  return html`<div class="small">${badge(viewer, d.delivery.status)} ${d.delivery.nextAttemptAt !== null && d.delivery.status === 'pending' ? html`<span class="muted">${t.tlNextAttempt} ${when(viewer, d.delivery.nextAttemptAt, true)}</span>` : ''}
${admin ? html` <a href="/dashboard/deliveries/${d.delivery.id}/redeliver">${t.redeliver}</a>` : ''}
<ul>${d.attempts.map(
    (a, i) =>
      html`<li>${fill(t.tlAttemptLine, { n: i + 1 })} · ${when(viewer, a.attemptedAt, true)} · ${
        a.statusCode === null
          ? html`<span class="badge bad">${a.error ?? t.tlNoAnswer}</span>`
          : html`<span class="badge ${a.statusCode < 300 ? 'ok' : 'bad'}">HTTP ${a.statusCode}</span>`
      } · ${fill(t.tlLatency, { ms: a.latencyMs })}${
        a.responseExcerpt
          ? html`<details><summary>${t.tlResponse}</summary><pre>${a.responseExcerpt}</pre></details>`
          : ''
      }</li>`,
  )}</ul></div>`;
}

/** What a payment's timeline is made of, besides the payment itself. */
export interface TimelineParts {
  readonly refunds: readonly Refund[];
  readonly events: readonly DomainEvent[];
  readonly notifications: readonly NotificationRecord[];
  readonly returns: readonly CustomerReturn[];
  readonly deliveries: readonly DeliveryRecord[];
}

/**
 * One payment's story in time order: its creation, each connector tried, provider
 * notifications (raw body, verification), the customer's returns from the provider's page,
 * state-change events with their webhook deliveries and every attempt, and refunds.
 */
export function timeline(
  viewer: Viewer,
  p: Payment,
  { refunds, events, notifications, returns, deliveries }: TimelineParts,
): SafeHtml {
  const t = strings(PAYMENTS, viewer.lang);
  const entries: Entry[] = [];
  let order = 0;
  const add = (e: Omit<Entry, 'order'>) => entries.push({ ...e, order: order++ });
  for (const a of p.connectorAttempts) {
    const reasonKey = `reason_${a.reason}`;
    // A reason the table words is shown in the reader's language; any other as its code.
    const reason = reasonKey in t ? t[reasonKey as keyof typeof t] : a.reason;
    const sentence = a.outcome === 'unavailable' ? t.tlAttemptUnavailable : t.tlAttempt;
    add({
      at: a.at,
      tone: 'warn',
      what: html`${fill(sentence, { connector: a.connector, outcome: a.outcome, reason })}`,
    });
  }
  add({
    at: p.createdAt,
    tone: 'info',
    what: html`${fill(t.tlCreated, { connector: p.connector })} · ${money(p.amount, p.currency)}`,
  });
  for (const n of notifications) {
    const verdict = n.verified
      ? html`<span class="badge ok">${t.tlVerified}</span>`
      : n.verificationError === null
        ? html`<span class="badge warn">${t.tlHint}</span>`
        : html`<span class="badge bad">${t.tlUnverified}: ${n.verificationError}</span>`;
    add({
      at: n.receivedAt,
      tone: n.verified ? 'info' : 'warn',
      what: html`${fill(t.tlNotification, { connector: n.connector })} ${n.eventType ? code(n.eventType) : ''} ${verdict}`,
      detail: html`<div class="small">${n.duplicateOf ? html`<span class="muted">${fill(t.tlDuplicate, { id: n.duplicateOf })}</span> · ` : ''}${n.result ? html`${t.tlResult}: ${code(n.result)}` : ''}</div><details><summary>${t.tlRawBody} (${code(n.id)})</summary><pre>${rawBody(n.body)}</pre></details>`,
    });
  }
  for (const r of returns) {
    add({
      at: r.returnedAt,
      tone: r.outcome === 'no_answer' || r.outcome === 'reference_unproven' ? 'warn' : 'info',
      what: html`${t.tlReturn} · ${t[RETURN_OUTCOMES[r.outcome]]} ${badge(viewer, r.status)}`,
    });
  }
  const byEvent = new Map<string, DeliveryRecord[]>();
  for (const d of deliveries) byEvent.set(d.delivery.eventId, [...(byEvent.get(d.delivery.eventId) ?? []), d]);
  for (const e of [...events].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const status = typeof e.data.status === 'string' ? e.data.status : '';
    const sent = byEvent.get(e.id) ?? [];
    add({
      at: e.createdAt,
      tone: toneOf(status) || 'info',
      what: html`${t.tlEvent} ${code(e.type)} ${status ? badge(viewer, status) : ''}`,
      detail: sent.length
        ? html`${sent.map((d) => html`<div>${t.tlDelivery} ${code(d.endpointUrl ?? t.deliveryDeleted)}${deliveryDetail(viewer, d)}</div>`)}`
        : html``,
    });
  }
  for (const r of refunds) {
    add({
      at: r.createdAt,
      tone: toneOf(r.status) || 'info',
      what: html`${fill(t.tlRefund, { id: r.id })} · ${money(r.amount, r.currency)} ${badge(viewer, r.status)}`,
      ...(r.failureMessage
        ? { detail: html`<div class="small">${r.failureCode ?? ''} ${r.failureMessage}</div>` }
        : {}),
    });
  }
  entries.sort((a, b) => a.at - b.at || a.order - b.order);
  return html`<ol class="timeline">${entries.map(
    (e) =>
      html`<li class="${e.tone}"><div class="when">${when(viewer, e.at, true)}</div><div class="what">${e.what}</div>${e.detail ?? ''}</li>`,
  )}</ol>`;
}

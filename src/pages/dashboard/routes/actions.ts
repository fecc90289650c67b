import type { FastifyInstance } from 'fastify';
import { BawabaError } from '../../../core/errors.ts';
import { formatMajor, parseMajor } from '../../../core/money.ts';
import type { Payment } from '../../../core/payment/payment.ts';
import type { Principal } from '../../../core/repositories.ts';
import { cancelPayment, withinVoidWindow } from '../../../core/services/cancel-payment.ts';
import { manualDeliveryJob } from '../../../core/services/outbox.ts';
import { reconcilePayment } from '../../../core/services/reconcile-payment.ts';
import { createRefund } from '../../../core/services/refunds.ts';
import { formatMoney } from '../../kit/format.ts';
import { html, type SafeHtml } from '../../kit/html.ts';
import { fill, strings } from '../../kit/i18n.ts';
import { audit } from '../audit.ts';
import { confirmPage, kept, redirectTo, refusal, refusalText } from '../confirm.ts';
import type { DashboardDeps, Viewer } from '../deps.ts';
import { PAYMENTS } from '../i18n/payments.ts';
import { answerOnce, once } from '../once.ts';
import { PageError } from '../page-error.ts';
import { sendPage, viewerOf } from '../plugin.ts';
import { param } from '../ui.ts';

const ADMIN = { config: { public: true, dashboard: 'admin' as const } };

type Form = Record<string, string | undefined>;

function principalOf(viewer: Viewer): Principal {
  return { accountId: viewer.user.accountId, mode: viewer.session.mode, apiKeyId: `dashboard:${viewer.user.id}` };
}

function refundableLeft(p: Payment): number {
  return p.amount - p.amountRefunded - p.amountRefundPending;
}

/** What can be done to a payment now, by its connector's declared capabilities. */
function possible(deps: DashboardDeps, p: Payment, now: number) {
  const caps = deps.connectors.get(p.connector)?.capabilities;
  const refundable =
    (p.status === 'captured' || p.status === 'partially_refunded') && !!caps?.refunds && refundableLeft(p) > 0;
  const voidable =
    p.status === 'captured' && !!caps?.void && withinVoidWindow(p.capturedAt ?? p.updatedAt, now, caps.void);
  const cancelable = !!caps?.cancel && caps.cancel.statuses.includes(p.status);
  const reconcilable = !['failed', 'expired', 'refunded'].includes(p.status) || p.amountRefundPending > 0;
  return { caps, refundable, voidable, cancelable, reconcilable };
}

/** The actions box of a payment's page: forms that lead to a confirmation (admins only). */
export function paymentActions(deps: DashboardDeps, viewer: Viewer, p: Payment): SafeHtml {
  const t = strings(PAYMENTS, viewer.lang);
  if (viewer.user.role !== 'admin') return html`<p class="muted">${t.viewerNote}</p>`;
  const can = possible(deps, p, deps.clock.now());
  const left = refundableLeft(p);
  const partial = can.caps?.refunds?.partial ?? false;
  return html`<div class="actions">
${
  can.refundable
    ? html`<form method="get" action="/dashboard/payments/${p.id}/refund"><label class="small">${t.refundAmount} <input name="amount" inputmode="decimal" dir="ltr" size="9" value="${formatMajor({ amount: left, currency: p.currency })}"${partial ? '' : html` readonly`}></label><button type="submit">${t.refund}…</button></form>
<p class="small muted">${partial ? fill(t.refundLeft, { amount: formatMoney(left, p.currency) }) : fill(t.refundWholeOnly, { connector: p.connector })}</p>`
    : ''
}
${can.cancelable ? html`<a class="button quiet" href="/dashboard/payments/${p.id}/cancel">${t.cancel}…</a>` : ''}
${can.voidable ? html`<a class="button quiet" href="/dashboard/payments/${p.id}/cancel">${t.void}…</a>` : ''}
${can.reconcilable ? html`<a class="button quiet" href="/dashboard/payments/${p.id}/reconcile">${t.reconcile}…</a>` : ''}
</div>`;
}

/** Admin actions on payments and deliveries, each behind a confirmation page and written to the audit log. */
export function registerActionRoutes(app: FastifyInstance, deps: DashboardDeps): void {
  const paymentOf = async (viewer: Viewer, id: string) => {
    const p = await deps.payment.payments.get(viewer.user.accountId, viewer.session.mode, id);
    if (!p) throw new PageError('not_found');
    return p;
  };

  // --- refund
  const refundConfirm = (viewer: Viewer, p: Payment, amountText: string, reason: string, error?: string) => {
    const t = strings(PAYMENTS, viewer.lang);
    let shown = amountText;
    try {
      shown = formatMoney(parseMajor(amountText, p.currency).amount, p.currency);
    } catch {}
    return confirmPage(
      viewer,
      `/dashboard/payments/${p.id}/refund`,
      fill(t.confirmRefund, { amount: shown, id: p.id }),
      html`<input type="hidden" name="amount" value="${amountText}"><label class="small">${t.reason} <input name="reason" value="${reason}" maxlength="200" dir="auto"></label>`,
      `/dashboard/payments/${p.id}`,
      error,
    );
  };
  app.get('/payments/:id/refund', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const p = await paymentOf(viewer, (request.params as { id: string }).id);
    const amount = param(request.query, 'amount') ?? formatMajor({ amount: refundableLeft(p), currency: p.currency });
    return sendPage(reply, refundConfirm(viewer, p, amount, ''));
  });
  app.post('/payments/:id/refund', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const p = await paymentOf(viewer, (request.params as { id: string }).id);
    const form = request.body as Form;
    const amountText = String(form.amount ?? '').trim();
    const reason = String(form.reason ?? '')
      .trim()
      .slice(0, 200);
    const result = await once(deps, viewer, `refund ${p.id}`, form, async (first) => {
      try {
        let amount: number;
        try {
          amount = parseMajor(amountText, p.currency).amount;
        } catch {
          throw new BawabaError(
            'amount_invalid',
            `${amountText || '(empty)'} is not an amount in ${p.currency}.`,
            'amount',
          );
        }
        const made = await createRefund(
          deps.payment,
          principalOf(viewer),
          p.id,
          { amount, ...(reason ? { reason } : {}) },
          first.reservation,
          first.resumeId,
        );
        await audit(deps, viewer, 'refund.create', p.id, {
          refund: made.refund.id,
          amount: formatMoney(amount, p.currency),
          status: made.refund.status,
          ...(made.rejection ? { refused: made.rejection.code } : {}),
        });
        return kept(redirectTo(`/dashboard/payments/${p.id}?done=refund`));
      } catch (err) {
        const message = refusalText(err);
        await audit(deps, viewer, 'refund.create', p.id, { amount: amountText, refused: message });
        return kept(refusal(err, message));
      }
    });
    return answerOnce(reply, result, (message) => refundConfirm(viewer, p, amountText, reason, message));
  });

  // --- cancel / void
  app.get('/payments/:id/cancel', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(PAYMENTS, viewer.lang);
    const p = await paymentOf(viewer, (request.params as { id: string }).id);
    const question = p.status === 'captured' ? t.confirmVoid : t.confirmCancel;
    return sendPage(
      reply,
      confirmPage(
        viewer,
        `/dashboard/payments/${p.id}/cancel`,
        fill(question, { id: p.id }),
        html``,
        `/dashboard/payments/${p.id}`,
      ),
    );
  });
  app.post('/payments/:id/cancel', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(PAYMENTS, viewer.lang);
    const p = await paymentOf(viewer, (request.params as { id: string }).id);
    const result = await once(deps, viewer, `cancel ${p.id}`, request.body as Form, async () => {
      try {
        const after = await cancelPayment(deps.payment, principalOf(viewer), p.id);
        await audit(deps, viewer, p.status === 'captured' ? 'payment.void' : 'payment.cancel', p.id, {
          from: p.status,
          status: after.status,
        });
        return kept(redirectTo(`/dashboard/payments/${p.id}?done=cancel`));
      } catch (err) {
        const message = refusalText(err);
        await audit(deps, viewer, 'payment.cancel', p.id, { from: p.status, refused: message });
        return kept(refusal(err, message));
      }
    });
    const question = p.status === 'captured' ? t.confirmVoid : t.confirmCancel;
    return answerOnce(reply, result, (message) =>
      confirmPage(
        viewer,
        `/dashboard/payments/${p.id}/cancel`,
        fill(question, { id: p.id }),
        html``,
        `/dashboard/payments/${p.id}`,
        message,
      ),
    );
  });

  // --- reconcile now
  app.get('/payments/:id/reconcile', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(PAYMENTS, viewer.lang);
    const p = await paymentOf(viewer, (request.params as { id: string }).id);
    return sendPage(
      reply,
      confirmPage(
        viewer,
        `/dashboard/payments/${p.id}/reconcile`,
        fill(t.confirmReconcile, { id: p.id, connector: p.connector }),
        html``,
        `/dashboard/payments/${p.id}`,
      ),
    );
  });
  app.post('/payments/:id/reconcile', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const p = await paymentOf(viewer, (request.params as { id: string }).id);
    const result = await once(deps, viewer, `reconcile ${p.id}`, request.body as Form, async () => {
      await reconcilePayment(deps.payment, p.id, 1, undefined, true);
      const after = await paymentOf(viewer, p.id);
      await audit(deps, viewer, 'payment.reconcile', p.id, { from: p.status, status: after.status });
      return kept(redirectTo(`/dashboard/payments/${p.id}?done=reconcile`));
    });
    return answerOnce(reply, result, () => '');
  });

  // --- redeliver a webhook
  const deliveryOf = async (viewer: Viewer, id: string) => {
    const delivery = await deps.deliveries.get(id);
    if (!delivery || delivery.accountId !== viewer.user.accountId || delivery.mode !== viewer.session.mode) {
      throw new PageError('not_found');
    }
    const [endpoint, event] = await Promise.all([
      deps.webhookEndpoints.get(delivery.accountId, delivery.mode, delivery.endpointId),
      deps.events.get(delivery.accountId, delivery.mode, delivery.eventId),
    ]);
    return { delivery, endpoint, event };
  };
  app.get('/deliveries/:id/redeliver', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const t = strings(PAYMENTS, viewer.lang);
    const { delivery, endpoint, event } = await deliveryOf(viewer, (request.params as { id: string }).id);
    const back = event?.objectId.startsWith('pay_')
      ? `/dashboard/payments/${event.objectId}`
      : `/dashboard/webhooks/${delivery.endpointId}`;
    return sendPage(
      reply,
      confirmPage(
        viewer,
        `/dashboard/deliveries/${delivery.id}/redeliver`,
        fill(t.confirmRedeliver, { event: event?.type ?? delivery.eventId, url: endpoint?.url ?? '—' }),
        html`<input type="hidden" name="back" value="${back}">`,
        back,
        endpoint ? undefined : t.endpointDeleted,
      ),
    );
  });
  app.post('/deliveries/:id/redeliver', ADMIN, async (request, reply) => {
    const viewer = viewerOf(request);
    const { delivery, endpoint, event } = await deliveryOf(viewer, (request.params as { id: string }).id);
    if (!endpoint) throw new PageError('not_found');
    const result = await once(deps, viewer, `redeliver ${delivery.id}`, request.body as Form, async () => {
      const now = deps.clock.now();
      await deps.deliveries.redeliver(delivery.id, manualDeliveryJob(deps, delivery.id, endpoint.id, now), now);
      await audit(deps, viewer, 'delivery.redeliver', delivery.id, {
        endpoint: endpoint.url,
        event: event?.type ?? '',
      });
      return kept(
        redirectTo(
          event?.objectId.startsWith('pay_')
            ? `/dashboard/payments/${event.objectId}?done=redeliver`
            : `/dashboard/webhooks/${endpoint.id}?done=redeliver`,
        ),
      );
    });
    return answerOnce(reply, result, () => '');
  });
}

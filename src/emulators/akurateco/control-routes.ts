import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseFaultSpec } from '../kit/faults.ts';
import { parseNotificationFault } from '../kit/notification-faults.ts';
import { type AkuratecoControl, FAULT_OPERATIONS, FORCED_STATUSES, type ForcedStatus } from './control.ts';
import type { Merchant, MerchantInput } from './merchants.ts';
import { OUTCOMES, type Outcome } from './outcomes.ts';
import { REFUND_OUTCOMES } from './refunds.ts';
import type { Settings } from './state.ts';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };

const asBody = (body: unknown): Body =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};

const badRequest = (reply: FastifyReply, message: string): FastifyReply =>
  reply.code(400).send({ error: 'invalid_request', message });

const isNonNegativeInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

const merchantView = (m: Merchant) => ({
  merchant_key: m.merchantKey,
  password: m.password,
  notification_url: m.notificationUrl,
  void_answer: m.voidAnswer,
  status_by_order_id: m.statusByOrderId,
});

const settingsView = (s: Settings) => ({
  refund_approval_delay_ms: s.refundApprovalDelayMs,
  status_history: s.statusHistory,
});

function merchantInput(body: Body): MerchantInput {
  const input: MerchantInput = {};
  if (typeof body.merchant_key === 'string') input.merchantKey = body.merchant_key;
  if (typeof body.password === 'string') input.password = body.password;
  if (typeof body.notification_url === 'string') input.notificationUrl = body.notification_url;
  if (body.void_answer !== undefined) input.voidAnswer = body.void_answer as MerchantInput['voidAnswer'] & string;
  if (typeof body.status_by_order_id === 'boolean') input.statusByOrderId = body.status_by_order_id;
  return input;
}

/** Loopback-only test control API: clock, faults, payments, refunds, callbacks, merchants, settings. */
export async function controlRoutes(app: FastifyInstance, options: { control: AkuratecoControl }): Promise<void> {
  const { control } = options;

  app.get('/__control/clock', async () => control.now());
  app.post('/__control/clock', async (request, reply) => {
    const ms = asBody(request.body).advance_ms;
    if (!isNonNegativeInt(ms)) return badRequest(reply, 'advance_ms must be a non-negative integer');
    return control.advanceClock(ms);
  });
  app.post('/__control/sweep', async () => control.sweep());

  app.get('/__control/faults', async () => ({ faults: control.listFaults() }));
  app.post('/__control/faults', async (request, reply) => {
    const parsed = parseFaultSpec(request.body, FAULT_OPERATIONS);
    if (!parsed.ok) return badRequest(reply, parsed.error);
    return reply.code(201).send(control.addFault(parsed.spec));
  });
  app.delete('/__control/faults', async () => {
    control.clearFaults();
    return { faults: [] };
  });

  app.get('/__control/payments', async () => ({ payments: control.listPayments() }));
  app.get<IdParams>('/__control/payments/:id', async (request, reply) => {
    return control.getPayment(request.params.id) ?? reply.code(404).send({ error: 'payment_not_found' });
  });
  app.post<IdParams>('/__control/payments/:id/complete', async (request, reply) => {
    const outcome = asBody(request.body).outcome;
    if (!OUTCOMES.includes(outcome as Outcome))
      return badRequest(reply, `outcome must be one of ${OUTCOMES.join(', ')}`);
    const result = control.completePayment(request.params.id, outcome as Outcome);
    if (result.ok) return { status: result.status, redirect_url: result.redirect_url };
    return reply.code(result.error === 'payment_not_found' ? 404 : 409).send(result);
  });
  app.post<IdParams>('/__control/payments/:id/status', async (request, reply) => {
    const { status, reason } = asBody(request.body);
    if (!FORCED_STATUSES.includes(status as ForcedStatus)) {
      return badRequest(reply, `status must be one of ${FORCED_STATUSES.join(', ')}`);
    }
    if (reason !== undefined && typeof reason !== 'string') return badRequest(reply, 'reason must be a string');
    const view = control.forceStatus(request.params.id, status as ForcedStatus, reason);
    return view ?? reply.code(404).send({ error: 'payment_not_found' });
  });

  app.get('/__control/refunds', async () => ({ refunds: control.listRefunds() }));
  for (const outcome of REFUND_OUTCOMES) {
    app.post<IdParams>(`/__control/refunds/:id/${outcome}`, async (request, reply) => {
      const result = control.settleRefund(request.params.id, outcome);
      if (result.ok) return result.refund;
      return reply.code(result.error === 'refund_not_found' ? 404 : 409).send(result);
    });
  }

  app.get('/__control/notifications', async () => ({ notifications: control.notifications() }));
  app.get('/__control/notifications/faults', async () => ({ faults: control.listNotificationFaults() }));
  app.post('/__control/notifications/faults', async (request, reply) => {
    const parsed = parseNotificationFault(request.body);
    if (!parsed.ok) return badRequest(reply, parsed.error);
    return reply.code(201).send(control.addNotificationFault(parsed.spec));
  });
  app.delete('/__control/notifications/faults', async () => {
    control.clearNotificationFaults();
    return { faults: [] };
  });
  app.post('/__control/notifications/flush', async () => ({ released: control.flushNotifications() }));
  app.post<IdParams>('/__control/notifications/:id/resend', async (request, reply) => {
    const sent = control.resendNotification(request.params.id);
    if (!sent) return reply.code(404).send({ error: 'notification_not_found' });
    return reply.code(202).send({ notifications: sent });
  });

  app.get('/__control/merchants', async () => ({ merchants: control.listMerchants().map(merchantView) }));
  app.post('/__control/merchants', async (request, reply) => {
    try {
      return reply.code(201).send(merchantView(control.createMerchant(merchantInput(asBody(request.body)))));
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
  });
  app.post<{ Params: { key: string } }>('/__control/merchants/:key/notification_url', async (request, reply) => {
    const url = asBody(request.body).notification_url;
    if (url !== null && typeof url !== 'string') return badRequest(reply, 'notification_url must be a URL or null');
    try {
      const merchant = control.setNotificationUrl(request.params.key, url);
      return merchant ? merchantView(merchant) : reply.code(404).send({ error: 'merchant_not_found' });
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
  });

  app.get('/__control/settings', async () => settingsView(control.settings()));
  app.post('/__control/settings', async (request, reply) => {
    const body = asBody(request.body);
    const delay = body.refund_approval_delay_ms;
    const history = body.status_history;
    if (delay !== undefined && delay !== null && !isNonNegativeInt(delay)) {
      return badRequest(reply, 'refund_approval_delay_ms must be a non-negative integer or null');
    }
    if (history !== undefined && typeof history !== 'boolean') {
      return badRequest(reply, 'status_history must be true or false');
    }
    return settingsView(
      control.updateSettings({
        ...(delay !== undefined && { refundApprovalDelayMs: delay }),
        ...(history !== undefined && { statusHistory: history }),
      }),
    );
  });
  app.post('/__control/reset', async () => {
    control.reset();
    return { ok: true };
  });
}

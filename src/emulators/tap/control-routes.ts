import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseFaultSpec } from '../kit/faults.ts';
import { parseNotificationFault } from '../kit/notification-faults.ts';
import { FAULT_OPERATIONS, type TapControl } from './control.ts';
import type { Merchant } from './merchants.ts';
import { OUTCOMES, type Outcome, REFUND_OUTCOMES } from './outcomes.ts';
import type { Settings } from './state.ts';

type Body = Record<string, unknown>;
type IdParams = { Params: { id: string } };

function asBody(body: unknown): Body {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: 'invalid_request', message });
}

const isNonNegativeInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function parseSettings(body: Body): Partial<Settings> | string {
  const patch: Partial<Settings> = {};
  const windowMs = body.payment_window_ms;
  if (windowMs !== undefined) {
    if (!isNonNegativeInt(windowMs) || windowMs < 1) return 'payment_window_ms must be a positive integer';
    patch.paymentWindowMs = windowMs;
  }
  const refundDelay = body.refund_approval_delay_ms;
  if (refundDelay !== undefined) {
    if (refundDelay !== null && !isNonNegativeInt(refundDelay)) {
      return 'refund_approval_delay_ms must be a non-negative integer or null';
    }
    patch.refundApprovalDelayMs = refundDelay;
  }
  return patch;
}

const settingsView = (settings: Settings) => ({
  payment_window_ms: settings.paymentWindowMs,
  refund_approval_delay_ms: settings.refundApprovalDelayMs,
});

const merchantView = (m: Merchant) => ({ id: m.id, secret_key: m.secretKey, public_key: m.publicKey });

/** Loopback-only test control API: clock, faults, state, scripted outcomes, notifications. */
export async function controlRoutes(app: FastifyInstance, options: { control: TapControl }): Promise<void> {
  const { control } = options;

  app.get('/__control/clock', async () => control.now());
  app.post('/__control/clock', async (request, reply) => {
    const ms = asBody(request.body).advance_ms;
    if (!isNonNegativeInt(ms)) return badRequest(reply, 'advance_ms must be a non-negative integer');
    return control.advanceClock(ms);
  });

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

  app.get('/__control/charges', async () => ({ charges: control.listCharges() }));
  app.get<IdParams>('/__control/charges/:id', async (request, reply) => {
    return control.getCharge(request.params.id) ?? reply.code(404).send({ error: 'charge_not_found' });
  });
  app.post<IdParams>('/__control/charges/:id/complete', async (request, reply) => {
    const outcome = asBody(request.body).outcome;
    if (!OUTCOMES.includes(outcome as Outcome)) {
      return badRequest(reply, `outcome must be one of ${OUTCOMES.join(', ')}`);
    }
    const result = control.completeCharge(request.params.id, outcome as Outcome);
    if (result.ok) return { status: result.status, tap_id: result.tap_id, redirect_url: result.redirect_url };
    return reply.code(result.error === 'charge_not_found' ? 404 : 409).send(result);
  });
  app.post('/__control/expire', async () => ({
    abandoned: control.expireDue(),
    refunded: control.approveDueRefunds(),
  }));

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
    const body = asBody(request.body);
    const input: { secretKey?: string; publicKey?: string } = {};
    if (typeof body.secret_key === 'string') input.secretKey = body.secret_key;
    if (typeof body.public_key === 'string') input.publicKey = body.public_key;
    try {
      return reply.code(201).send(merchantView(control.createMerchant(input)));
    } catch (err) {
      return badRequest(reply, (err as Error).message);
    }
  });

  app.get('/__control/settings', async () => settingsView(control.settings()));
  app.post('/__control/settings', async (request, reply) => {
    const patch = parseSettings(asBody(request.body));
    if (typeof patch === 'string') return badRequest(reply, patch);
    return settingsView(control.updateSettings(patch));
  });
  app.post('/__control/reset', async () => {
    control.reset();
    return { ok: true };
  });
}

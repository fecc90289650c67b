import type { FastifyInstance } from 'fastify';
import {
  asBody,
  type Body,
  badRequest,
  controlApiRoutes,
  type IdParams,
  merchantRoutes,
  notificationRoutes,
  refundRoutes,
} from '../kit/control-routes.ts';
import { delayOrNever, flag, readSettings } from '../kit/control-settings.ts';
import { type AkuratecoControl, FAULT_OPERATIONS, FORCED_STATUSES, type ForcedStatus } from './control.ts';
import type { Merchant, MerchantInput } from './merchants.ts';
import { OUTCOMES } from './outcomes.ts';
import { REFUND_OUTCOMES, type RefundOutcome } from './refunds.ts';
import type { Settings } from './state.ts';

const merchantView = (m: Merchant) => ({
  merchant_key: m.merchantKey,
  name: m.name,
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
  if (typeof body.name === 'string') input.name = body.name;
  if (typeof body.notification_url === 'string') input.notificationUrl = body.notification_url;
  if (body.void_answer !== undefined) input.voidAnswer = body.void_answer as MerchantInput['voidAnswer'] & string;
  if (typeof body.status_by_order_id === 'boolean') input.statusByOrderId = body.status_by_order_id;
  return input;
}

const parseSettings = (body: Body) =>
  readSettings<Settings>(body, {
    refundApprovalDelayMs: ['refund_approval_delay_ms', delayOrNever],
    statusHistory: ['status_history', flag('true or false')],
  });

/** Loopback-only test control API: clock, faults, payments, refunds, callbacks, merchants, settings. */
export async function controlRoutes(app: FastifyInstance, options: { control: AkuratecoControl }): Promise<void> {
  const { control } = options;

  controlApiRoutes(app, control, {
    faultOperations: FAULT_OPERATIONS,
    objects: { plural: 'payments', notFound: 'payment_not_found', list: control.listPayments, get: control.getPayment },
    complete: { outcomes: OUTCOMES, run: control.completePayment },
    sweep: { path: 'sweep', run: control.sweep },
    settings: { view: settingsView, parse: parseSettings },
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

  const settle = (outcome: RefundOutcome) => [outcome, (id: string) => control.settleRefund(id, outcome)] as const;
  refundRoutes(app, control.listRefunds, REFUND_OUTCOMES.map(settle));
  notificationRoutes(app, control, 'notification_not_found');
  merchantRoutes(app, control, merchantView, merchantInput);
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
}

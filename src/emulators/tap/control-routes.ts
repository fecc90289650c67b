import type { FastifyInstance } from 'fastify';
import {
  type Body,
  controlApiRoutes,
  merchantRoutes,
  notificationRoutes,
  refundRoutes,
} from '../kit/control-routes.ts';
import { delayOrNever, positiveInt, readSettings } from '../kit/control-settings.ts';
import { FAULT_OPERATIONS, type TapControl } from './control.ts';
import type { Merchant, MerchantInput } from './merchants.ts';
import { OUTCOMES, REFUND_OUTCOMES, type RefundOutcome } from './outcomes.ts';
import type { Settings } from './state.ts';

const parseSettings = (body: Body) =>
  readSettings<Settings>(body, {
    paymentWindowMs: ['payment_window_ms', positiveInt],
    refundApprovalDelayMs: ['refund_approval_delay_ms', delayOrNever],
  });

const settingsView = (settings: Settings) => ({
  payment_window_ms: settings.paymentWindowMs,
  refund_approval_delay_ms: settings.refundApprovalDelayMs,
});

const merchantView = (m: Merchant) => ({ id: m.id, name: m.name, secret_key: m.secretKey, public_key: m.publicKey });

function merchantInput(body: Body): MerchantInput {
  const input: MerchantInput = {};
  if (typeof body.name === 'string') input.name = body.name;
  if (typeof body.secret_key === 'string') input.secretKey = body.secret_key;
  if (typeof body.public_key === 'string') input.publicKey = body.public_key;
  return input;
}

/** Loopback-only test control API: clock, faults, state, scripted outcomes, notifications. */
export async function controlRoutes(app: FastifyInstance, options: { control: TapControl }): Promise<void> {
  const { control } = options;

  controlApiRoutes(app, control, {
    faultOperations: FAULT_OPERATIONS,
    objects: { plural: 'charges', notFound: 'charge_not_found', list: control.listCharges, get: control.getCharge },
    complete: { outcomes: OUTCOMES, run: control.completeCharge },
    sweep: { path: 'expire', run: () => ({ abandoned: control.expireDue(), refunded: control.approveDueRefunds() }) },
    settings: { view: settingsView, parse: parseSettings },
  });
  const settle = (outcome: RefundOutcome) => [outcome, (id: string) => control.settleRefund(id, outcome)] as const;
  refundRoutes(app, control.listRefunds, REFUND_OUTCOMES.map(settle));
  notificationRoutes(app, control, 'notification_not_found');
  merchantRoutes(app, control, merchantView, merchantInput);
}

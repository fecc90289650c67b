/**
 * The Checkout.com emulator's control API (`/__control/`): the clock, scripted faults, payment
 * outcomes, refunds' decisions, webhooks and merchants, as the tests and `bawaba emulate` drive them.
 *
 * Longer than 300 lines: one route table over one state, each route a few lines; split by topic it
 * would scatter the checks every route shares.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorClock } from '../kit/clock.ts';
import { type FaultQueue, type FaultSpec, parseFaultSpec, type QueuedFault } from '../kit/faults.ts';
import type { NotificationFaultSpec, QueuedNotificationFault } from '../kit/notification-faults.ts';
import {
  checkEntityInput,
  checkWebhooks,
  type Entity,
  type EntityInput,
  type EntityRegistry,
  type WebhookEndpoint,
} from './entities.ts';
import type { NotificationRecord, Notifier } from './notifier.ts';
import { type RefundResult, type RefundView, refundResult, refundView } from './refund-control.ts';
import { type Balances, paymentBalances } from './refunds.ts';
import {
  CANCELED_FAILURE_STATUSES,
  type CanceledFailureStatus,
  type CheckoutComState,
  type EventListener,
  EXPIRY_STATUSES,
  type ExpiryStatus,
  type NotificationEvent,
  OUTCOMES,
  type Outcome,
  type Payment,
  type PaymentAction,
  type PaymentStatus,
  type Settings,
} from './state.ts';

export const FAULT_OPERATIONS = ['create', 'retrieve', 'refund'] as const;

const iso = (ms: number): string => new Date(ms).toISOString();

/** Everything the emulator knows about a payment, including what the API never echoes. */
export type PaymentView = {
  id: string;
  pun: string;
  status: PaymentStatus;
  amount: number;
  currency: string;
  description: string;
  language: string | null;
  quantity: number | string | null;
  national_id: string | null;
  reference: string | null;
  success_url: string | null;
  failure_url: string | null;
  metadata: Record<string, unknown> | null;
  processing_channel_id: string | null;
  customer_id: string;
  entity_id: string;
  requested_on: string;
  expires_on: string;
  completed_on: string | null;
  qpay: { status: string; message: string; confirmation_id: string | null } | null;
  sessions: { id: string; created_on: string; expires_on: string }[];
  balances: Balances;
  actions: PaymentAction[];
  refunds: RefundView[];
  events: NotificationEvent[];
};

export function internalView(payment: Payment): PaymentView {
  return {
    id: payment.id,
    pun: payment.pun,
    status: payment.status,
    amount: payment.amount,
    currency: payment.currency,
    description: payment.description,
    language: payment.language ?? null,
    quantity: payment.quantity ?? null,
    national_id: payment.nationalId ?? null,
    reference: payment.reference ?? null,
    success_url: payment.successUrl ?? null,
    failure_url: payment.failureUrl ?? null,
    metadata: payment.metadata ?? null,
    processing_channel_id: payment.processingChannelId ?? null,
    customer_id: payment.customerId,
    entity_id: payment.entityId,
    requested_on: iso(payment.requestedAt),
    expires_on: iso(payment.expiresAt),
    completed_on: payment.completedAt === undefined ? null : iso(payment.completedAt),
    qpay: payment.qpay
      ? {
          status: payment.qpay.status,
          message: payment.qpay.message,
          confirmation_id: payment.qpay.confirmationId ?? null,
        }
      : null,
    sessions: payment.sessions.map((s) => ({ id: s.id, created_on: iso(s.createdAt), expires_on: iso(s.expiresAt) })),
    balances: paymentBalances(payment),
    actions: payment.actions.map((action) => ({ ...action })),
    refunds: payment.refunds.map(refundView),
    events: payment.events.map((event) => ({
      ...event,
      data: { ...event.data, ...(event.data.balances && { balances: { ...event.data.balances } }) },
    })),
  };
}

export type CompletionView =
  | { ok: true; status: string; session_id: string; redirect_url: string | null }
  | { ok: false; error: 'payment_not_found' | 'payment_not_pending'; status?: string };

export type CheckoutComControl = {
  now(): { now: string };
  /** `approved_refunds`: action ids of the refunds whose approval delay the move passed. */
  advanceClock(ms: number): { now: string; expired: string[]; approved_refunds: string[] };
  addFault(spec: FaultSpec): QueuedFault;
  listFaults(): QueuedFault[];
  clearFaults(): void;
  listPayments(): PaymentView[];
  getPayment(id: string): PaymentView | undefined;
  completePayment(id: string, outcome: Outcome): CompletionView;
  /** Expires every pending payment whose window has passed; returns their ids. */
  expireDue(): string[];
  /** Approves every pending refund whose `refundApprovalDelayMs` has passed; returns their action ids. */
  approveDueRefunds(): string[];
  /** Every refund of every entity, oldest first. */
  listRefunds(): RefundView[];
  /** Settles a pending refund as QPay would by hand; `refund_not_pending` once it is settled. */
  approveRefund(actionId: string): RefundResult;
  declineRefund(actionId: string): RefundResult;
  settings(): Settings;
  updateSettings(patch: Partial<Settings>): Settings;
  onEvent(listener: EventListener): () => void;
  /** Creates an entity, or updates the one that already has `secretKey`. Throws TypeError on bad input. */
  createEntity(opts?: EntityInput): Entity;
  /** Replaces an entity's webhook endpoints; undefined when no entity has that id or secret key. */
  setWebhooks(secretKeyOrEntityId: string, webhooks: WebhookEndpoint[]): Entity | undefined;
  listEntities(): Entity[];
  /** Every webhook copy sent, being sent, held or dropped, with its attempts. */
  notifications(): NotificationRecord[];
  addNotificationFault(spec: NotificationFaultSpec): QueuedNotificationFault;
  listNotificationFaults(): QueuedNotificationFault[];
  clearNotificationFaults(): void;
  /** Sends now what a reorder or delay fault holds; returns how many events were released. */
  flushNotifications(): number;
  /** Sends an event again (same id, body and signature); undefined for an unknown event id. */
  resendNotification(eventId: string): NotificationRecord[] | undefined;
  /** Payments, faults, notifications, clock and settings as at start; entities back to the start one. */
  reset(): void;
};

export type WebhookParts = { entities: EntityRegistry; notifier: Notifier };

const CAMEL_NAMES = {
  secretKey: 'secretKey',
  publicKey: 'publicKey',
  webhookSignatureKey: 'webhookSignatureKey',
  webhooks: 'webhooks',
} as const;

export function createControl(
  state: CheckoutComState,
  clock: EmulatorClock,
  faults: FaultQueue,
  { entities, notifier }: WebhookParts,
): CheckoutComControl {
  const expireDue = () => state.sweepExpired().map((payment) => payment.id);
  const approveDueRefunds = () => state.sweepRefunds().map((refund) => refund.actionId);
  return {
    now: () => ({ now: clock.nowIso() }),
    advanceClock(ms) {
      clock.advance(ms);
      return { now: clock.nowIso(), expired: expireDue(), approved_refunds: approveDueRefunds() };
    },
    addFault: (spec) => faults.add(spec),
    listFaults: () => faults.list(),
    clearFaults: () => faults.clear(),
    listPayments: () => state.listPayments().map(internalView),
    getPayment(id) {
      const found = state.lookup(id);
      return found && internalView(found.payment);
    },
    completePayment(id, outcome) {
      const result = state.complete(id, outcome);
      if (result.ok) {
        return {
          ok: true,
          status: result.payment.status,
          session_id: result.session.id,
          redirect_url: result.redirectUrl,
        };
      }
      if (result.reason === 'not_found') return { ok: false, error: 'payment_not_found' };
      return { ok: false, error: 'payment_not_pending', status: result.payment.status };
    },
    expireDue,
    approveDueRefunds,
    listRefunds: () => state.listRefunds().map(refundView),
    approveRefund: (actionId) => refundResult(state.settleRefund(actionId, 'approve')),
    declineRefund: (actionId) => refundResult(state.settleRefund(actionId, 'decline')),
    settings: () => state.settings(),
    updateSettings: (patch) => state.updateSettings(patch),
    onEvent: (listener) => state.onEvent(listener),
    createEntity(opts = {}) {
      const checked = checkEntityInput({ ...opts }, CAMEL_NAMES);
      if (!checked.ok) throw new TypeError(checked.error);
      return entities.create(checked.value).entity;
    },
    setWebhooks(ref, webhooks) {
      const checked = checkWebhooks(webhooks);
      if (!checked.ok) throw new TypeError(checked.error);
      return entities.setWebhooks(ref, checked.value);
    },
    listEntities: () => entities.list(),
    notifications: () => notifier.records(),
    addNotificationFault: (spec) => notifier.addFault(spec),
    listNotificationFaults: () => notifier.listFaults(),
    clearNotificationFaults: () => notifier.clearFaults(),
    flushNotifications: () => notifier.flush(),
    resendNotification: (eventId) => notifier.resend(eventId),
    reset() {
      state.reset();
      faults.clear();
      notifier.reset();
      entities.reset();
      clock.reset();
    },
  };
}

type Body = Record<string, unknown>;

function asBody(body: unknown): Body {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Body) : {};
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: 'invalid_request', message });
}

function parseSettings(body: Body): Partial<Settings> | string {
  const patch: Partial<Settings> = {};
  const windowMs = body.payment_window_ms;
  if (windowMs !== undefined) {
    if (typeof windowMs !== 'number' || !Number.isSafeInteger(windowMs) || windowMs < 1) {
      return 'payment_window_ms must be a positive integer';
    }
    patch.paymentWindowMs = windowMs;
  }
  const requireChannel = body.require_processing_channel_id;
  if (requireChannel !== undefined) {
    if (typeof requireChannel !== 'boolean') return 'require_processing_channel_id must be a boolean';
    patch.requireProcessingChannelId = requireChannel;
  }
  const refundDelay = body.refund_approval_delay_ms;
  if (refundDelay !== undefined) {
    if (
      refundDelay !== null &&
      (typeof refundDelay !== 'number' || !Number.isSafeInteger(refundDelay) || refundDelay < 0)
    ) {
      return 'refund_approval_delay_ms must be a non-negative integer or null';
    }
    patch.refundApprovalDelayMs = refundDelay;
  }
  const expiry = body.expiry_status;
  if (expiry !== undefined) {
    if (!EXPIRY_STATUSES.includes(expiry as ExpiryStatus)) {
      return `expiry_status must be one of ${EXPIRY_STATUSES.join(', ')}`;
    }
    patch.expiryStatus = expiry as ExpiryStatus;
  }
  const failure = body.canceled_failure_status;
  if (failure !== undefined) {
    if (!CANCELED_FAILURE_STATUSES.includes(failure as CanceledFailureStatus)) {
      return `canceled_failure_status must be one of ${CANCELED_FAILURE_STATUSES.join(', ')}`;
    }
    patch.canceledFailureStatus = failure as CanceledFailureStatus;
  }
  return patch;
}

function settingsView(settings: Settings): Record<string, unknown> {
  return {
    payment_window_ms: settings.paymentWindowMs,
    require_processing_channel_id: settings.requireProcessingChannelId,
    expiry_status: settings.expiryStatus,
    canceled_failure_status: settings.canceledFailureStatus,
    // Left out while unset (refunds wait for the control API), as before refunds were emulated.
    ...(settings.refundApprovalDelayMs !== null && { refund_approval_delay_ms: settings.refundApprovalDelayMs }),
  };
}

/** Loopback-only test control API: clock, faults, state inspection, scripted outcomes. */
export async function controlRoutes(app: FastifyInstance, options: { control: CheckoutComControl }): Promise<void> {
  const { control } = options;
  type IdParams = { Params: { id: string } };

  app.get('/__control/clock', async () => control.now());
  app.post('/__control/clock', async (request, reply) => {
    const ms = asBody(request.body).advance_ms;
    if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) {
      return badRequest(reply, 'advance_ms must be a non-negative integer');
    }
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

  app.get('/__control/payments', async () => ({ payments: control.listPayments() }));
  app.get<IdParams>('/__control/payments/:id', async (request, reply) => {
    const payment = control.getPayment(request.params.id);
    return payment ?? reply.code(404).send({ error: 'payment_not_found' });
  });
  app.post<IdParams>('/__control/payments/:id/complete', async (request, reply) => {
    const outcome = asBody(request.body).outcome;
    if (!OUTCOMES.includes(outcome as Outcome))
      return badRequest(reply, `outcome must be one of ${OUTCOMES.join(', ')}`);
    const result = control.completePayment(request.params.id, outcome as Outcome);
    if (result.ok) return { status: result.status, session_id: result.session_id, redirect_url: result.redirect_url };
    return reply.code(result.error === 'payment_not_found' ? 404 : 409).send(result);
  });
  app.post('/__control/expire', async () => ({
    expired: control.expireDue(),
    approved_refunds: control.approveDueRefunds(),
  }));

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

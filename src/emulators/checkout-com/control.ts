/**
 * The Checkout.com emulator's control handle: the clock, scripted faults, payment outcomes,
 * refunds' decisions, webhooks and merchants, as the tests, `bawaba emulate` and the control API
 * (control-routes.ts) drive them.
 */
import type { EmulatorClock } from '../kit/clock.ts';
import { type NotifyingControl, notifyingControl } from '../kit/control.ts';
import type { FaultQueue } from '../kit/faults.ts';
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
import type {
  CheckoutComState,
  EventListener,
  NotificationEvent,
  Outcome,
  Payment,
  PaymentAction,
  PaymentStatus,
  Settings,
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

export type CheckoutComControl = NotifyingControl<NotificationRecord> & {
  /** `approved_refunds`: action ids of the refunds whose approval delay the move passed. */
  advanceClock(ms: number): { now: string; expired: string[]; approved_refunds: string[] };
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
  /** Payments, faults, notifications, clock and settings as at start; entities back to the start one. */
  reset(): void;
};

export type WebhookParts = { entities: EntityRegistry; notifier: Notifier };

const CAMEL_NAMES = {
  name: 'name',
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
    ...notifyingControl(clock, faults, notifier),
    advanceClock(ms) {
      clock.advance(ms);
      return { now: clock.nowIso(), expired: expireDue(), approved_refunds: approveDueRefunds() };
    },
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
    reset() {
      state.reset();
      faults.clear();
      notifier.reset();
      entities.reset();
      clock.reset();
    },
  };
}

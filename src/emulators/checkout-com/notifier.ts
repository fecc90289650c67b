import { utf8Body } from '../kit/bytes.ts';
import type { EmulatorClock } from '../kit/clock.ts';
import {
  createGenericNotifier,
  type DeliveryRecord,
  type NotificationTarget,
  type NotifierTuning,
  type OutgoingNotification,
} from '../kit/notifier.ts';
import type { EntityRegistry, WebhookEndpoint } from './entities.ts';
import { ckoSignature } from './signature.ts';
import type { NotificationEvent, NotificationType, Payment } from './state.ts';
import { webhookEnvelope } from './webhook-envelope.ts';

export { DEFAULT_ATTEMPT_TIMEOUT_MS, DEFAULT_RETRY_DELAYS_MS } from '../kit/notifier.ts';

/** One copy of one event for one endpoint, and what became of it (the control API's shape). */
export type NotificationRecord = Omit<DeliveryRecord, 'notification_id' | 'type' | 'subject_id'> & {
  event_id: string;
  event_type: NotificationType;
  payment_id: string;
  entity_id: string;
};

/** An event as its webhook body: the exact bytes every copy sends and signs. */
export type StoredEvent = { id: string; type: NotificationType; paymentId: string; entityId: string; body: Buffer };

export type NotifierOptions = {
  entities: EntityRegistry;
  clock: EmulatorClock;
  /** Base of the links inside webhook bodies. */
  baseUrl(): string;
  tuning: NotifierTuning;
};

export type Notifier = ReturnType<typeof createNotifier>;

/** The headers of one webhook copy: `Cko-Signature` over the exact body, and the endpoint's static Authorization. */
function target(endpoint: WebhookEndpoint, body: Buffer, signatureKey: string): NotificationTarget {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'cko-signature': ckoSignature(body, signatureKey),
  };
  if (endpoint.authorization !== undefined) headers.authorization = endpoint.authorization;
  return { url: endpoint.url, headers };
}

/**
 * Turns recorded events into signed webhooks to the entity's endpoints, through the kit's
 * notifier (fault scripting, each payment's webhooks in order per endpoint while different
 * payments' go side by side, retries on real unref'd timers). Refund events are the payment's
 * events, so they stay behind its capture.
 */
export function createNotifier(options: NotifierOptions) {
  const { entities } = options;
  const notifier = createGenericNotifier({
    clock: options.clock,
    ...options.tuning,
  });
  const entityOf = new Map<string, string>();

  /** Every current endpoint of the entity, signed with its current key. */
  function targetsOf(entityId: string, body: Buffer): NotificationTarget[] {
    const entity = entities.get(entityId);
    return entity ? entity.webhooks.map((endpoint) => target(endpoint, body, entity.webhookSignatureKey)) : [];
  }

  const toRecord = ({ notification_id, type, subject_id, ...rest }: DeliveryRecord): NotificationRecord => ({
    ...rest,
    event_id: notification_id,
    event_type: type as NotificationType,
    payment_id: subject_id,
    entity_id: entityOf.get(notification_id) ?? '',
  });

  return {
    /** The `onEvent` listener: builds and signs the webhook body now, sends it later. */
    handle(event: NotificationEvent, payment: Payment): void {
      const body = utf8Body(JSON.stringify(webhookEnvelope(options.baseUrl(), event, payment)));
      entityOf.set(event.id, payment.entityId);
      notifier.send({
        id: event.id,
        type: event.type,
        subjectId: payment.id,
        body,
        targets: targetsOf(payment.entityId, body),
      });
    },
    event(id: string): StoredEvent | undefined {
      const note = notifier.notification(id);
      const entityId = entityOf.get(id);
      if (!note || entityId === undefined) return undefined;
      return { id, type: note.type as NotificationType, paymentId: note.subjectId, entityId, body: note.body };
    },
    records: (): NotificationRecord[] => notifier.records().map(toRecord),
    addFault: notifier.addFault,
    listFaults: notifier.listFaults,
    clearFaults: notifier.clearFaults,
    flush: notifier.flush,
    /** Sends an event again to every current endpoint of its entity, as the dashboard can. */
    resend(eventId: string): NotificationRecord[] | undefined {
      const entityId = entityOf.get(eventId) ?? '';
      return notifier.resend(eventId, (note: OutgoingNotification) => targetsOf(entityId, note.body))?.map(toRecord);
    },
    reset(): void {
      notifier.reset();
      entityOf.clear();
    },
    /** Stops timers and aborts sends in flight; safe to call twice. */
    close: notifier.close,
  };
}

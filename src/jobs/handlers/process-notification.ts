import type { Job } from '../../core/event-ports.ts';
import { type NotificationDeps, processNotification, reparseStored } from '../../core/services/receive-notification.ts';
import type { HandlerResult } from '../worker.ts';

/**
 * Applies a verified notification that named a payment Bawaba did not have yet. Still
 * unmatched: throw, so the worker retries with back-off until the job's attempts run out.
 */
export async function processNotificationJob(deps: NotificationDeps, job: Job): Promise<HandlerResult> {
  const record = await deps.notifications.get(job.payload.notification_id ?? '');
  if (!record) return undefined;
  const account = await deps.connectorAccounts.get(record.connectorAccountId);
  if (!account) return undefined;
  const outcome = reparseStored(deps, record, account);
  const result = await processNotification(deps, record, account, outcome, { attempt: job.attempts, stored: true });
  if (result.status === 'unmatched') throw new Error(`no payment yet for notification ${record.id}`);
  return undefined;
}

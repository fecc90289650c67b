import { timingSafeEqual } from 'node:crypto';
import type { ConnectorAccount, InboundNotification, NotificationOutcome } from '../../core/connector-contract.ts';
import { callbackHash } from './hash.ts';

/**
 * Verifies a form-encoded callback (providers.md §4.6). Its hash covers the payment's public
 * id, order number, amount, currency and description, and nothing else: `type`, `status`,
 * `order_status` and `reason` can be rewritten on a genuine callback without breaking it. So a
 * callback with a good hash proves which payment it concerns and is only a hint: the outcome
 * (paid, declined, voided, refunded, charged back) is taken from a status lookup the gateway
 * makes itself.
 */
export function parseAkuratecoCallback(account: ConnectorAccount, n: InboundNotification): NotificationOutcome {
  const password = account.credentials.password;
  if (!password) return { kind: 'unverified', reason: 'no password is configured for this connector' };
  const f = Object.fromEntries(new URLSearchParams(n.rawBody));
  const fields = {
    id: f.id ?? '',
    order_number: f.order_number ?? '',
    order_amount: f.order_amount ?? '',
    order_currency: f.order_currency ?? '',
    order_description: f.order_description ?? '',
  };
  const given = Buffer.from((f.hash ?? '').toLowerCase());
  const expected = Buffer.from(callbackHash(fields, password));
  if (!f.hash || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { kind: 'unverified', reason: 'callback hash does not match' };
  }
  if (!fields.order_number) return { kind: 'unverified', reason: 'callback names no order' };
  return {
    kind: 'hint',
    authenticated: true,
    eventType: `${f.type ?? ''}.${f.status ?? ''}`,
    providerPaymentId: fields.order_number,
  };
}

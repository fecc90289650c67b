import { randomUUID, timingSafeEqual } from 'node:crypto';
import { parseMajor } from '../../core/money.ts';
import type { ConnectorAccount, InboundNotification, NotificationOutcome } from '../../core/ports.ts';
import { callbackHash } from './hash.ts';
import { AKURATECO_STATUS_MAP } from './mapper.ts';

/**
 * Verifies and reads a form-encoded callback (providers.md §4.6). Only `type=sale` with
 * `status=success` means paid; `redirect`/`3ds` are intermediate; `sale`+`fail` is a decline.
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
  const type = f.type ?? '';
  const status = f.status ?? '';
  const eventId = `${fields.id}:${type}:${status}:${f.order_status ?? ''}`;
  const eventType = `${type}.${status}`;
  let money = null;
  try {
    money = parseMajor(fields.order_amount, fields.order_currency);
  } catch {
    return { kind: 'verified', eventId, eventType, snapshot: null };
  }
  const base = { providerPaymentId: fields.order_number, money, redirectUrl: null, failureMessage: f.reason ?? null };
  if (type === 'sale' && status === 'success') {
    const held = f.order_status === 'pending';
    return {
      kind: 'verified',
      eventId,
      eventType,
      snapshot: { ...base, status: held ? 'authorized' : 'captured', providerStatus: f.order_status ?? 'settled' },
    };
  }
  if (type === 'sale' && status === 'fail') {
    return { kind: 'verified', eventId, eventType, snapshot: { ...base, status: 'failed', providerStatus: 'decline' } };
  }
  if (type === 'void' && status === 'success') {
    return { kind: 'verified', eventId, eventType, snapshot: { ...base, status: 'canceled', providerStatus: 'void' } };
  }
  if (type === 'chargeback') {
    return {
      kind: 'verified',
      eventId,
      eventType,
      snapshot: { ...base, status: AKURATECO_STATUS_MAP.chargeback ?? 'disputed', providerStatus: 'chargeback' },
    };
  }
  if (type === 'refund' && (status === 'success' || status === 'fail')) {
    // A refund callback names no refund: it settles the payment's oldest pending one.
    const refund = {
      providerPaymentId: fields.order_number,
      providerRefundId: null,
      status: status === 'success' ? ('succeeded' as const) : ('failed' as const),
      failureMessage: f.reason ?? null,
    };
    // It carries no refund id either, so two refunds' callbacks look alike: never de-duplicated
    // (one refund at a time is pending, and a settled one ignores later news).
    return { kind: 'verified', eventId: `${eventId}:${randomUUID()}`, eventType, snapshot: null, refund };
  }
  return { kind: 'verified', eventId, eventType, snapshot: null };
}

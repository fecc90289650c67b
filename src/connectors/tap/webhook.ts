import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConnectorAccount, InboundNotification, NotificationOutcome } from '../../core/connector-contract.ts';
import { formatMajor, fromMajorNumber } from '../../core/money.ts';
import { isObject, parseJson } from '../http.ts';
import { parseCharge, TAP_REFUND_STATUS } from './mapper.ts';

const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');

/**
 * The `hashstring` of a posted charge or refund (providers.md §2.5): hex HMAC-SHA256, keyed
 * with the secret API key, over the `x_` fields, the amount written with the currency's decimals.
 * Undefined when the object lacks what the formula needs.
 */
export function tapHashstring(body: Record<string, unknown>, secretKey: string): string | undefined {
  const { id, amount, currency, status } = body;
  if (typeof id !== 'string' || typeof amount !== 'number' || typeof currency !== 'string') return undefined;
  let formatted: string;
  try {
    formatted = formatMajor(fromMajorNumber(amount, currency));
  } catch {
    return undefined;
  }
  const reference = isObject(body.reference) ? body.reference : {};
  const transaction = isObject(body.transaction) ? body.transaction : {};
  const created = transaction.created ?? body.created;
  const message =
    `x_id${id}x_amount${formatted}x_currency${currency}` +
    `x_gateway_reference${text(reference.gateway)}x_payment_reference${text(reference.payment)}` +
    `x_status${text(status)}x_created${text(created)}`;
  return createHmac('sha256', secretKey).update(message, 'utf8').digest('hex');
}

/** Verifies and reads a charge or refund Tap posted to `post.url`. */
export function parseTapNotification(account: ConnectorAccount, n: InboundNotification): NotificationOutcome {
  const key = account.credentials.secret_key;
  if (!key) return { kind: 'unverified', reason: 'no secret_key is configured for this connector' };
  const given = n.headers.hashstring;
  if (!given) return { kind: 'unverified', reason: 'missing hashstring header' };
  const body = parseJson(n.rawBody);
  if (!isObject(body)) return { kind: 'unverified', reason: 'body is not a JSON object' };
  const expected = tapHashstring(body, key);
  const a = Buffer.from(given.trim().toLowerCase());
  const b = Buffer.from(expected ?? '');
  if (!expected || a.length !== b.length || !timingSafeEqual(a, b)) {
    return { kind: 'unverified', reason: 'hashstring does not match the body' };
  }
  const id = String(body.id);
  const status = text(body.status);
  // Tap sends the object itself, with no event id: its id and status name the news.
  const eventId = `${id}:${status}`;
  const refundStatus = TAP_REFUND_STATUS[status];
  if (id.startsWith('re_') || body.object === 'refund') {
    const chargeId = text(body.charge_id ?? body.charge);
    if (!refundStatus || !chargeId) return { kind: 'verified', eventId, eventType: `refund.${status}`, snapshot: null };
    const response = isObject(body.response) ? body.response : {};
    return {
      kind: 'verified',
      eventId,
      eventType: `refund.${status}`,
      snapshot: null,
      refund: {
        providerPaymentId: chargeId,
        providerRefundId: id,
        status: refundStatus,
        failureMessage:
          refundStatus === 'failed' ? text(response.message) || `Tap refused the refund: ${status}.` : null,
      },
    };
  }
  return { kind: 'verified', eventId, eventType: `charge.${status}`, snapshot: parseCharge(body) ?? null };
}

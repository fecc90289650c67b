import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Payment } from '../../core/payment/payment.ts';
import type { Viewer } from './deps.ts';
import { timeline } from './timeline.ts';

const T0 = Date.UTC(2026, 10, 30, 9, 0);

function failedOver(): Payment {
  return {
    id: 'pay_01',
    accountId: 'acct_1',
    mode: 'test',
    status: 'requires_action',
    amount: 1500,
    currency: 'QAR',
    paymentMethod: 'qpay',
    connector: 'tap',
    connectorAccountId: 'ca_2',
    providerPaymentId: 'chg_1',
    providerStatus: 'INITIATED',
    nextActionUrl: 'https://emulator.test/pay/1',
    returnUrl: 'https://merchant.test/back',
    reference: null,
    description: null,
    customer: null,
    metadata: {},
    failureCode: null,
    failureMessage: null,
    expiresAt: null,
    amountRefunded: 0,
    amountRefundPending: 0,
    canceledBy: null,
    capturedAfterCancel: false,
    connectorAttempts: [
      { connector: 'checkout_com', outcome: 'unavailable', reason: 'connection_refused', at: T0 },
      { connector: 'other', outcome: 'unavailable', reason: 'something_new', at: T0 + 1 },
    ],
    parts: [],
    capturedAt: null,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
  };
}

function viewer(lang: 'en' | 'ar'): Viewer {
  return {
    user: {
      id: 'usr_1',
      accountId: 'acct_1',
      email: 'ops@shop.qa',
      role: 'viewer',
      passwordHash: 'x',
      timeZone: 'Asia/Qatar',
      createdAt: T0,
      disabledAt: null,
    },
    session: {
      tokenHash: 'h',
      userId: 'usr_1',
      accountId: 'acct_1',
      csrfToken: 'c',
      mode: 'test',
      createdAt: T0,
      lastSeenAt: T0,
      expiresAt: T0 + 3_600_000,
      ip: '127.0.0.1',
    },
    lang,
    timeZone: 'Asia/Qatar',
    ip: '127.0.0.1',
    path: '/dashboard/payments/pay_01',
  };
}

const none = { refunds: [], events: [], notifications: [], returns: [], deliveries: [] };

test('a connector passed over is told in the reader’s language, with why; an unknown reason as its code', () => {
  const en = String(timeline(viewer('en'), failedOver(), none));
  assert.match(
    en,
    /checkout_com could not be reached \(connection refused\); the payment moved on to the next connector/,
  );
  assert.match(en, /other could not be reached \(something_new\)/);
  const ar = String(timeline(viewer('ar'), failedOver(), none));
  assert.match(ar, /تعذّر الوصول إلى checkout_com \(رُفض الاتصال\)؛ انتقلت الدفعة إلى المزود التالي/);
});

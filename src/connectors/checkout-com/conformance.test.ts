import type { CheckoutComControl } from '../../emulators/checkout-com/control.ts';
import { type RunningEmulator, startEmulator } from '../../emulators/registry.ts';
import { runConformanceSuite } from '../conformance.ts';
import { createCheckoutComConnector } from './index.ts';

let emulator: RunningEmulator<CheckoutComControl>;

runConformanceSuite({
  name: 'checkout_com',
  async start(notificationUrl) {
    emulator = await startEmulator('checkout_com', { port: 0, webhooks: [{ url: notificationUrl }] });
    const connector = createCheckoutComConnector({
      defaultBaseUrls: { test: emulator.baseUrl, live: emulator.baseUrl },
      timeoutMs: 400,
    });
    const account = {
      id: 'ca_conformance',
      accountId: 'acct_conformance',
      mode: 'test' as const,
      connector: 'checkout_com',
      credentials: {
        secret_key: emulator.credentials.secretKey,
        webhook_signature_key: emulator.credentials.webhookSignatureKey,
      },
      settings: { base_url: emulator.baseUrl },
      priority: 100,
      createdAt: 0,
      updatedAt: 0,
    };
    return { connector, account, close: () => emulator.close() };
  },
  request(paymentId, notificationUrl) {
    return {
      paymentId,
      money: { amount: 1500, currency: 'QAR' },
      paymentMethod: 'qpay',
      description: 'Conformance',
      reference: null,
      customer: { name: 'Mariam Al-Thani', email: 'mariam@example.qa', nationalId: '28463400123' },
      metadata: {},
      returnUrl: `http://bawaba.test/return/checkout_com/${paymentId}`,
      idempotencyKey: `${paymentId}:create`,
      locale: 'en',
      notificationUrl,
    };
  },
  complete(providerPaymentId, outcome) {
    const done = emulator.control.completePayment(providerPaymentId, outcome);
    if (!done.ok) throw new Error(JSON.stringify(done));
    return { 'cko-session-id': done.session_id };
  },
  advanceClock: (ms) => void emulator.control.advanceClock(ms),
  addFault: (kind, match) => void emulator.control.addFault({ kind, count: 1, match }),
  clearFaults: () => emulator.control.clearFaults(),
  settleRefund(id, outcome) {
    const r = outcome === 'approve' ? emulator.control.approveRefund(id) : emulator.control.declineRefund(id);
    if (!r.ok) throw new Error(JSON.stringify(r));
  },
  returnCarriesReference: true,
  wrongCredentials: (a) => ({
    ...a,
    credentials: { ...a.credentials, secret_key: 'sk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa' },
  }),
  refundAmount: 100,
  refundDeclineVisible: true,
  outcomes: { approve: 'captured', decline: 'failed', cancel: 'canceled', abandon: 'expired' },
});

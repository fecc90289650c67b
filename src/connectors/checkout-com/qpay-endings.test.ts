import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { MockAgent } from 'undici';
import type { ConnectorAccount, ProviderPaymentRequest } from '../../core/connector-contract.ts';
import type { CheckoutComControl } from '../../emulators/checkout-com/control.ts';
import { type RunningEmulator, startEmulator } from '../../emulators/registry.ts';
import { prefixedBaseUrl, prefixProblem } from './hosts.ts';
import { CHECKOUT_BASE_URLS, createCheckoutComConnector } from './index.ts';

let n = 0;
function request(): ProviderPaymentRequest {
  const paymentId = `pay_endings${String(++n).padStart(15, '0')}`;
  return {
    paymentId,
    money: { amount: 1500, currency: 'QAR' },
    paymentMethod: 'qpay',
    description: 'Endings',
    reference: null,
    customer: null,
    metadata: {},
    returnUrl: `http://bawaba.test/return/checkout_com/${paymentId}`,
    idempotencyKey: `${paymentId}:create`,
    locale: 'en',
    notificationUrl: 'http://127.0.0.1:9/hook',
  };
}

function account(settings: Record<string, string>, mode: 'test' | 'live' = 'test'): ConnectorAccount {
  return {
    id: 'ca_endings',
    accountId: 'acct_endings',
    mode,
    connector: 'checkout_com',
    credentials: { secret_key: 'sk_sbox_aaaaaaaaaaaaaaaaaaaaaaaaaaa', webhook_signature_key: 'whsk' },
    settings,
    priority: 100,
    createdAt: 0,
    updatedAt: 0,
  };
}

describe('checkout_com: a QPay cancellation is a cancel or a failure, and expiry is Expired or Voided', () => {
  let emu: RunningEmulator<CheckoutComControl>;
  let acct: ConnectorAccount;
  const connector = createCheckoutComConnector({
    defaultBaseUrls: { test: 'http://127.0.0.1:9', live: 'http://127.0.0.1:9' },
    timeoutMs: 400,
  });
  const create = async () => {
    const out = await connector.createPayment(acct, request());
    if (out.kind !== 'created') throw new Error(JSON.stringify(out));
    return out.snapshot.providerPaymentId;
  };
  const retrieve = (ref: string) => connector.retrievePayment(acct, ref);

  before(async () => {
    emu = await startEmulator('checkout_com', { port: 0 });
    acct = {
      ...account({ base_url: emu.baseUrl }),
      credentials: {
        secret_key: emu.credentials.secretKey,
        webhook_signature_key: emu.credentials.webhookSignatureKey,
      },
    };
  });
  after(() => emu.close());

  test("the customer's cancel is canceled, by payment id and by session id", async () => {
    const id = await create();
    const done = emu.control.completePayment(id, 'cancel');
    assert.ok(done.ok);
    for (const ref of [id, done.ok ? done.session_id : '']) {
      const got = await retrieve(ref);
      assert.equal(got.kind === 'found' && got.snapshot.status, 'canceled', JSON.stringify(got));
    }
  });

  test('a failure reported as payment_canceled is failed, with the declined action’s summary', async () => {
    for (const status of ['Canceled', 'Declined'] as const) {
      emu.control.updateSettings({ canceledFailureStatus: status });
      const id = await create();
      const done = emu.control.completePayment(id, 'fail');
      assert.ok(done.ok);
      assert.equal(done.ok && done.status, status);
      for (const ref of [id, done.ok ? done.session_id : '']) {
        const got = await retrieve(ref);
        assert.equal(got.kind === 'found' && got.snapshot.status, 'failed', `${status} ${JSON.stringify(got)}`);
        // Canceled: the declined action's summary; Declined: QPay's own message in the source.
        const message = status === 'Canceled' ? 'Insufficient Funds' : 'Transaction failed: insufficient funds';
        assert.equal(got.kind === 'found' && got.snapshot.failureMessage, message);
      }
    }
    emu.control.updateSettings({ canceledFailureStatus: 'Canceled' });
  });

  test('an unpaid payment ends expired whether Checkout shows it Expired or Voided', async () => {
    for (const expiryStatus of ['Expired', 'Voided'] as const) {
      emu.control.updateSettings({ expiryStatus });
      const id = await create();
      emu.control.advanceClock(16 * 60_000);
      const view = emu.control.getPayment(id);
      assert.equal(view?.status, expiryStatus);
      assert.ok(view?.events.some((e) => e.type === 'payment_expired'));
      const got = await retrieve(id);
      assert.equal(got.kind === 'found' && got.snapshot.status, 'expired', JSON.stringify(got));
      assert.equal(got.kind === 'found' && got.snapshot.providerStatus, expiryStatus);
    }
    emu.control.updateSettings({ expiryStatus: 'Expired' });
  });

  test('payment_canceled is a signed hint, checked with the GET; payment_expired and payment_voided say expired', async () => {
    const id = await create();
    emu.control.completePayment(id, 'fail');
    const event = emu.control.getPayment(id)?.events.find((e) => e.type === 'payment_canceled');
    assert.ok(event);
    assert.equal(event.data.response_code, '20051', 'the failure’s event carries its declined action');
    const sign = (body: string) => ({
      'cko-signature': createHmac('sha256', emu.credentials.webhookSignatureKey).update(body).digest('hex'),
    });
    const body = JSON.stringify({ id: event.id, type: event.type, data: event.data });
    assert.deepEqual(connector.parseNotification(acct, { headers: sign(body), rawBody: body }), {
      kind: 'hint',
      eventType: 'payment_canceled',
      providerPaymentId: id,
      authenticated: true,
    });
    assert.equal(connector.parseNotification(acct, { headers: {}, rawBody: body }).kind, 'unverified');
    for (const type of ['payment_expired', 'payment_voided']) {
      const other = JSON.stringify({ id: 'evt_x', type, data: { ...event.data } });
      const out = connector.parseNotification(acct, { headers: sign(other), rawBody: other });
      assert.equal(out.kind === 'verified' && out.snapshot?.status, 'expired', type);
    }
  });
});

describe('checkout_com: regional hosts from the prefix setting', () => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const connector = createCheckoutComConnector({
    defaultBaseUrls: CHECKOUT_BASE_URLS,
    timeoutMs: 400,
    dispatcher: agent,
  });
  const reply = { id: 'pay_aaaaaaaaaaaaaaaaaaaaaaaaaa', status: 'Pending', amount: 1500, currency: 'QAR' };
  after(() => agent.close());

  const lookedUpAt = async (settings: Record<string, string>, mode: 'test' | 'live', origin: string) => {
    agent
      .get(origin)
      .intercept({ path: `/payments/${reply.id}`, method: 'GET' })
      .reply(200, reply);
    const got = await connector.retrievePayment(account(settings, mode), reply.id);
    assert.equal(got.kind, 'found', `${JSON.stringify(settings)} ${mode} → ${origin}: ${JSON.stringify(got)}`);
  };

  test('a prefix builds {prefix}.api[.sandbox].checkout.com; without one the older hosts; base_url wins', async () => {
    await lookedUpAt({ prefix: 'a1b2c3d4' }, 'test', 'https://a1b2c3d4.api.sandbox.checkout.com');
    await lookedUpAt({ prefix: 'A1B2C3D4' }, 'live', 'https://a1b2c3d4.api.checkout.com');
    await lookedUpAt({}, 'test', 'https://api.sandbox.checkout.com');
    await lookedUpAt({}, 'live', 'https://api.checkout.com');
    await lookedUpAt({ prefix: '' }, 'live', 'https://api.checkout.com');
    await lookedUpAt(
      { prefix: 'a1b2c3d4', base_url: 'http://emulator.test:8080' },
      'test',
      'http://emulator.test:8080',
    );
    agent.assertNoPendingInterceptors();
  });

  test('a Canceled payment whose actions cannot be read is unknown, never canceled', async () => {
    const origin = 'https://api.sandbox.checkout.com';
    agent
      .get(origin)
      .intercept({ path: `/payments/${reply.id}`, method: 'GET' })
      .reply(200, { ...reply, status: 'Canceled' });
    agent
      .get(origin)
      .intercept({ path: `/payments/${reply.id}/actions`, method: 'GET' })
      .reply(500, 'oops');
    const got = await connector.retrievePayment(account({}), reply.id);
    assert.equal(got.kind === 'unknown' && got.reason, 'server_error', JSON.stringify(got));
    agent
      .get(origin)
      .intercept({ path: `/payments/${reply.id}`, method: 'GET' })
      .reply(200, { ...reply, status: 'Canceled' });
    agent
      .get(origin)
      .intercept({ path: `/payments/${reply.id}/actions`, method: 'GET' })
      .reply(200, [{ id: 'act_x', type: 'Capture', approved: true }, 'garbage']);
    const canceled = await connector.retrievePayment(account({}), reply.id);
    assert.equal(canceled.kind === 'found' && canceled.snapshot.status, 'canceled', JSON.stringify(canceled));
  });

  test('a prefix that is not letters and digits is refused before any call, naming the setting', async () => {
    for (const prefix of ['a1b2.evil.com', 'a1-b2', 'https://x', 'a b', 'ab/c', 'x'.repeat(64)]) {
      assert.ok(prefixProblem(prefix), prefix);
      assert.match(connector.configuration.checkSetting?.('prefix', prefix) ?? '', /^must be/);
      const got = await connector.retrievePayment(account({ prefix }), reply.id);
      assert.equal(got.kind === 'rejected' && got.failure.param, 'settings.prefix', JSON.stringify(got));
      const made = await connector.createPayment(account({ prefix }), request());
      assert.equal(made.kind === 'rejected' && made.failure.code, 'parameter_invalid');
    }
    assert.equal(connector.configuration.checkSetting?.('prefix', 'a1b2c3d4'), undefined);
    assert.equal(connector.configuration.checkSetting?.('processing_channel_id', 'pc_x'), undefined);
    assert.equal(prefixedBaseUrl('abc', 'test'), 'https://abc.api.sandbox.checkout.com');
    assert.ok(connector.configuration.settings.includes('prefix'));
  });
});

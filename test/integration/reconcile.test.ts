import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../src/core/clock.ts';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';

const clock = createManualClock(Date.now());
let gw: TestGateway;
before(async () => {
  gw = await createTestGateway({ start: { clock } });
});
after(() => gw.close());

let n = 0;
const auth = { authorization: '' };
async function create() {
  auth.authorization = `Bearer ${gw.merchant.key}`;
  return gw.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { ...auth, 'idempotency-key': `r-${++n}` },
    payload: PAYMENT_BODY,
  });
}
async function get(id: string) {
  return (await gw.app.inject({ method: 'GET', url: `/v1/payments/${id}`, headers: auth })).json();
}

describe('reconciliation', () => {
  test('a creation that timed out is resumed with the same provider idempotency key', async () => {
    const count = gw.emulator.control.listPayments().length;
    gw.emulator.control.addFault({ kind: 'timeout', count: 1, match: 'create' });
    const res = await create();
    assert.equal(res.statusCode, 202);
    const id = res.json().id;
    assert.equal((await get(id)).status, 'processing');
    await gw.worker.runDue();
    assert.equal((await get(id)).status, 'processing', 'not before its time');
    clock.advance(31_000);
    await gw.worker.runDue();
    const p = await get(id);
    assert.equal(p.status, 'requires_action');
    assert.ok(p.next_action?.url);
    assert.equal(gw.emulator.control.listPayments().length, count + 1, 'one provider payment');
  });

  test('a payment the customer abandons becomes expired after its window', async () => {
    const res = await create();
    const id = res.json().id;
    await gw.worker.runDue();
    assert.equal((await get(id)).status, 'requires_action');
    // The emulator keeps its own clock.
    clock.advance(16 * 60_000 + 1000);
    gw.emulator.control.advanceClock(16 * 60_000);
    await gw.worker.runDue();
    const p = await get(id);
    assert.equal(p.status, 'expired');
  });

  test('a payment whose return could not be checked is settled by polling', async () => {
    const res = await create();
    const p = res.json();
    // No notification will tell: only polling can find out.
    const key = (await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'checkout_com'))?.credentials
      .secret_key;
    const hooks = gw.emulator.control.listEntities().find((e) => e.secretKey === key)?.webhooks ?? [];
    gw.emulator.control.setWebhooks(key ?? '', []);
    gw.emulator.control.addFault({ kind: 'server_error', count: 2, match: 'retrieve' });
    const done = gw.emulator.control.completePayment(p.provider_payment_id, 'approve');
    assert.ok(done.ok);
    await gw.app.inject({ method: 'GET', url: `/return/checkout_com/${p.id}?cko-session-id=${done.session_id}` });
    assert.equal((await get(p.id)).status, 'requires_action', 'the provider could not be asked');
    clock.advance(16 * 60_000 + 1000);
    await gw.worker.runDue();
    assert.equal((await get(p.id)).status, 'captured');
    gw.emulator.control.setWebhooks(key ?? '', hooks);
  });

  test('a refused connection at creation fails the payment at once: nothing exists at the provider', async () => {
    const ca = await gw.core.repos.connectorAccounts.find(gw.other.accountId, 'test', 'checkout_com');
    assert.ok(ca);
    await gw.core.repos.connectorAccounts.upsert({ ...ca, settings: { base_url: 'http://127.0.0.1:9' } });
    try {
      const res = await gw.app.inject({
        method: 'POST',
        url: '/v1/payments',
        headers: { authorization: `Bearer ${gw.other.key}`, 'idempotency-key': `refused-${++n}` },
        payload: PAYMENT_BODY,
      });
      assert.equal(res.statusCode, 502);
      assert.equal(res.json().error.code, 'provider_unavailable');
      const stored = await gw.app.inject({
        method: 'GET',
        url: `/v1/payments/${res.json().error.payment_id}`,
        headers: { authorization: `Bearer ${gw.other.key}` },
      });
      assert.equal(stored.json().status, 'failed');
      assert.equal(stored.json().failure_code, 'provider_unavailable');
    } finally {
      await gw.core.repos.connectorAccounts.upsert(ca);
    }
  });
});

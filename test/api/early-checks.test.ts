import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createManualClock } from '../../src/core/clock.ts';
import { EARLY_CHECKS_MS } from '../../src/core/services/outbox.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

const clock = createManualClock(Date.now());
let gw: TestGateway;
before(async () => {
  gw = await createTestGateway({ start: { clock } });
});
after(() => gw.close());

const get = async (path: string) =>
  (await gw.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${gw.merchant.key}` } })).json();

test('a capture whose every notification was lost, with no customer return, is found within the first minute', async () => {
  const key =
    (await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', 'checkout_com'))?.credentials
      .secret_key ?? '';
  const hooks = gw.emulator.control.listEntities().find((e) => e.secretKey === key)?.webhooks ?? [];
  gw.emulator.control.setWebhooks(key, []);
  try {
    const p = await gw.createPayment();
    assert.equal(p.status, 'requires_action');
    assert.ok(gw.emulator.control.completePayment(String(p.provider_payment_id), 'approve').ok);
    clock.advance(10_000);
    await gw.worker.runDue();
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action', 'not asked before the first check');
    // A worker runs a job after its time, never exactly on it: the check is still made.
    clock.advance((EARLY_CHECKS_MS[0] ?? 0) - 10_000 + 2_500);
    await gw.worker.runDue();
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'captured', 'found by the first early check');
  } finally {
    gw.emulator.control.setWebhooks(key, hooks);
  }
});

test('a payment nobody pays is asked about a handful of times in its window, not polled continually', async () => {
  const connector = gw.connectors.get('checkout_com');
  assert.ok(connector);
  const p = await gw.createPayment();
  let asked = 0;
  const retrieve = connector.retrievePayment;
  Object.assign(connector, {
    retrievePayment: (...args: Parameters<typeof retrieve>) => {
      if (args[1] === p.provider_payment_id) asked++;
      return retrieve.apply(connector, args);
    },
  });
  try {
    // Steps of 7 s: the worker reaches each check a few seconds late, as it does in real life.
    for (let s = 0; s < 14 * 60; s += 7) {
      clock.advance(7_000);
      await gw.worker.runDue();
    }
  } finally {
    Object.assign(connector, { retrievePayment: retrieve });
  }
  assert.equal((await get(`/v1/payments/${p.id}`)).status, 'requires_action');
  assert.equal(asked, EARLY_CHECKS_MS.length, `${asked} lookups in 14 minutes`);
});

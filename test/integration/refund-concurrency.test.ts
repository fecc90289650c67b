import assert from 'node:assert/strict';
import { test } from 'node:test';
import { settleRefund } from '../../src/core/services/refunds.ts';
import { createApp, createConnectors, openCore, paymentDeps } from '../../src/main.ts';
import { forEachDatabase } from '../support/databases.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';
import { waitFor } from '../support/receiver.ts';

/** A QPay payment the provider has captured. */
async function capturedPayment(gw: TestGateway) {
  const p = await gw.createPayment();
  gw.emulator.control.completePayment(String(p.provider_payment_id), 'approve');
  const auth = { authorization: `Bearer ${gw.merchant.key}` };
  await waitFor(async () => {
    const res = await gw.app.inject({ method: 'GET', url: `/v1/payments/${p.id}`, headers: auth });
    return res.json().status === 'captured';
  });
  return p;
}

forEachDatabase((kind) => {
  test('thirty refunds at once on one payment all succeed when they fit; those that do not get 400, never 500', async () => {
    const shared = await kind.openShared();
    const gw = await createTestGateway({ database: await shared.open() });
    try {
      const p = await capturedPayment(gw);
      const auth = { authorization: `Bearer ${gw.merchant.key}` };
      const refund = (key: string, amount: number) =>
        gw.app.inject({
          method: 'POST',
          url: `/v1/payments/${p.id}/refunds`,
          headers: { ...auth, 'idempotency-key': key },
          payload: { amount },
        });
      const small = await Promise.all(Array.from({ length: 30 }, (_, i) => refund(`many-${i}`, 10)));
      assert.deepEqual(
        small.map((r) => r.statusCode),
        Array(30).fill(201),
        small.map((r) => r.body).join('\n'),
      );
      const left = Number(p.amount) - 300;
      const size = Math.floor(left / 5);
      // Settlements of the first refunds race the next ones: none may fail for the contention.
      const deps = paymentDeps(gw.core, createConnectors(gw.config), { value: gw.url });
      const settling = small.slice(0, 10).map((r) => settleRefund(deps, r.json().id, 'succeeded'));
      const bigPending = Promise.all(Array.from({ length: 8 }, (_, i) => refund(`big-${i}`, size)));
      const settled = await Promise.all(settling);
      assert.deepEqual(
        settled.map((r) => r?.status),
        Array(10).fill('succeeded'),
      );
      const big = await bigPending;
      const codes = big.map((r) => r.statusCode).sort();
      assert.deepEqual(codes, [201, 201, 201, 201, 201, 400, 400, 400], big.map((r) => r.body).join('\n'));
      for (const r of big.filter((x) => x.statusCode === 400)) {
        assert.equal(r.json().error.code, 'refund_amount_too_large');
      }
      const stored = await gw.core.repos.payments.getById(String(p.id));
      assert.equal(stored?.amountRefundPending, 200 + 5 * size);
      assert.equal(stored?.amountRefunded, 100);
      assert.equal(stored?.status, 'partially_refunded');
    } finally {
      await gw.close();
      await shared.dispose();
    }
  });

  test('refunds racing through two gateway nodes on one database never exceed the captured amount', {
    skip: kind.name === 'sqlite' ? 'several gateway nodes need PostgreSQL' : false,
  }, async () => {
    const shared = await kind.openShared();
    const gw = await createTestGateway({ database: await shared.open() });
    const core2 = await openCore(gw.config, { database: await shared.open() });
    const app2 = await createApp(gw.config, core2, createConnectors(gw.config), { value: gw.url });
    try {
      const p = await capturedPayment(gw);
      const auth = { authorization: `Bearer ${gw.merchant.key}` };
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 === 0 ? gw.app : app2).inject({
            method: 'POST',
            url: `/v1/payments/${p.id}/refunds`,
            headers: { ...auth, 'idempotency-key': `race-${i}` },
            payload: { amount: 400 },
          }),
        ),
      );
      const codes = results.map((r) => r.statusCode);
      assert.equal(codes.filter((c) => c === 201).length, 3, codes.join(','));
      assert.ok(
        codes.every((c) => c === 201 || c === 400),
        codes.join(','),
      );
      const stored = await gw.core.repos.payments.getById(String(p.id));
      assert.equal(stored?.amountRefundPending, 1200);
      const refunds = await gw.core.repos.refunds.listForPayment(String(p.id));
      assert.equal(
        refunds.reduce((s, r) => s + r.amount, 0),
        1200,
      );
      assert.equal(gw.emulator.control.listRefunds().filter((r) => r.payment_id === p.provider_payment_id).length, 3);
    } finally {
      await app2.close();
      await core2.database.close();
      await gw.close();
      await shared.dispose();
    }
  });
});

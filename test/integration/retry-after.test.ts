import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Connector, RefundLookup, RetrieveOutcome } from '../../src/connectors/connector.ts';
import { createManualClock } from '../../src/core/clock.ts';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';

const clock = createManualClock(Date.now());
let gw: TestGateway;
let checkout: Connector;
before(async () => {
  gw = await createTestGateway({ start: { clock } });
  const found = gw.connectors.get('checkout_com');
  assert.ok(found);
  checkout = found;
});
after(() => gw.close());

const WAIT_MS = 20 * 60_000;
const rateLimited = { kind: 'unknown', reason: 'rate_limited', detail: 'HTTP 429', retryAfterMs: WAIT_MS } as const;

let n = 0;
const headers = () => ({ authorization: `Bearer ${gw.merchant.key}`, 'idempotency-key': `ra-${++n}` });
const get = async (path: string) =>
  (await gw.app.inject({ method: 'GET', url: path, headers: { authorization: `Bearer ${gw.merchant.key}` } })).json();

async function runAt(dedupeKey: string): Promise<number | undefined> {
  const row = await gw.core.database.db
    .selectFrom('jobs')
    .select('run_at')
    .where('dedupe_key', '=', dedupeKey)
    .where('dead_at', 'is', null)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.run_at);
}

describe('a provider’s Retry-After holds reconciliation back', () => {
  test('a payment check the provider rate-limited is not made again before it asked', async () => {
    const p = (
      await gw.app.inject({ method: 'POST', url: '/v1/payments', headers: headers(), payload: PAYMENT_BODY })
    ).json();
    const original = checkout.retrievePayment;
    let calls = 0;
    checkout.retrievePayment = async (account, reference): Promise<RetrieveOutcome> => {
      calls += 1;
      return calls === 1 ? rateLimited : original.call(checkout, account, reference);
    };
    try {
      clock.advance(31_000);
      await gw.worker.runDue();
      assert.equal(calls, 1, 'the first early check ran');
      const next = await runAt(`reconcile:${p.id}`);
      assert.ok(next !== undefined && next >= clock.now() + WAIT_MS, `next check at ${next}, not before Retry-After`);
      clock.advance(WAIT_MS - 1000);
      await gw.worker.runDue();
      assert.equal(calls, 1, 'not asked again within Retry-After');
      clock.advance(2000);
      await gw.worker.runDue();
      assert.equal(calls, 2, 'asked again once Retry-After passed');
    } finally {
      checkout.retrievePayment = original;
    }
  });

  test('a refund check the provider rate-limited waits too', async () => {
    const p = (
      await gw.app.inject({ method: 'POST', url: '/v1/payments', headers: headers(), payload: PAYMENT_BODY })
    ).json();
    assert.ok(gw.emulator.control.completePayment(p.provider_payment_id, 'approve').ok);
    await gw.app.inject({ method: 'GET', url: `/return/checkout_com/${p.id}` });
    assert.equal((await get(`/v1/payments/${p.id}`)).status, 'captured');
    const r = (
      await gw.app.inject({ method: 'POST', url: `/v1/payments/${p.id}/refunds`, headers: headers(), payload: {} })
    ).json();
    assert.equal(r.status, 'pending', JSON.stringify(r));
    const original = checkout.retrieveRefund;
    let calls = 0;
    checkout.retrieveRefund = async (): Promise<RefundLookup> => {
      calls += 1;
      return rateLimited;
    };
    try {
      const due = await runAt(`reconcile_refund:${r.id}`);
      assert.ok(due !== undefined);
      clock.advance(Math.max(0, due - clock.now()) + 1);
      await gw.worker.runDue();
      assert.equal(calls, 1);
      const next = await runAt(`reconcile_refund:${r.id}`);
      assert.ok(next !== undefined && next >= clock.now() + WAIT_MS, `next check at ${next}, not before Retry-After`);
    } finally {
      checkout.retrieveRefund = original;
    }
  });
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createManualClock } from '../../src/core/clock.ts';
import type { ConnectorRegistry, ProviderPaymentSnapshot } from '../../src/core/connector-contract.ts';
import { createIdGenerator } from '../../src/core/ids.ts';
import type { Logger } from '../../src/core/logger.ts';
import type { Payment } from '../../src/core/payment/payment.ts';
import type { PaymentStatus } from '../../src/core/payment/status.ts';
import { applyProviderUpdate } from '../../src/core/services/apply-provider-update.ts';
import { createRepos } from '../../src/storage/repos/index.ts';
import { createSecretBox } from '../../src/storage/secret-box.ts';
import { forEachDatabase, withDatabase } from '../support/databases.ts';

/** The payments here name a connector the updates never need to look up. */
const noConnectors: ConnectorRegistry = { get: () => undefined, ids: () => [] };

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What Checkout.com can really report over a QPay payment's life, in order. */
const HISTORIES: readonly (readonly string[])[] = [
  ['Pending', 'Captured'],
  ['Pending', 'Declined'],
  ['Pending', 'Canceled'],
  ['Pending', 'Expired'],
  // A payment's refunded states come from refund objects (and their own guard), not from here.
  ['Pending', 'Captured', 'Refunded'],
];
const MAP: Record<string, ProviderPaymentSnapshot['status']> = {
  Pending: 'pending',
  Captured: 'captured',
  Declined: 'failed',
  Canceled: 'canceled',
  Expired: 'expired',
  'Partially Refunded': 'partially_refunded',
  Refunded: 'refunded',
};
const snapshot = (word: string): ProviderPaymentSnapshot => ({
  providerPaymentId: 'pay_provider',
  status: MAP[word] ?? 'pending',
  providerStatus: word,
  money: { amount: 1500, currency: 'QAR' },
  redirectUrl: null,
  failureMessage: null,
});

forEachDatabase((kind) => {
  test('stored payments end in the provider’s last true state whatever the order, duplicates or concurrency', async () => {
    await withDatabase(kind, async (database) => {
      const clock = createManualClock();
      const ids = createIdGenerator(clock);
      const repos = createRepos(database, createSecretBox(Buffer.alloc(32, 7)), ids);
      const accountId = ids.next('acct');
      await repos.accounts.createAccount({ id: accountId, name: 'm', createdAt: clock.now() });
      const deps = { payments: repos.payments, clock, log: silent, ids, connectors: noConnectors };
      const scenario = fc
        .constantFrom(...HISTORIES)
        .chain((history) =>
          fc.tuple(
            fc.constant(history),
            fc.shuffledSubarray([...history, ...history, ...history], { minLength: 3 * history.length }),
            fc.boolean(),
            fc.constantFrom('customer_return', 'poll', 'notification') as fc.Arbitrary<
              'customer_return' | 'poll' | 'notification'
            >,
          ),
        );
      await fc.assert(
        fc.asyncProperty(scenario, async ([history, deliveries, concurrent, source]) => {
          const payment: Payment = {
            id: ids.next('pay'),
            accountId,
            mode: 'test',
            status: 'requires_action',
            amount: 1500,
            currency: 'QAR',
            paymentMethod: 'qpay',
            connector: 'checkout_com',
            connectorAccountId: 'ca_x',
            providerPaymentId: `pay_provider_${ids.next('pay')}`,
            providerStatus: 'Pending',
            nextActionUrl: 'https://pay.example',
            returnUrl: 'https://shop.example',
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
            connectorAttempts: [],
            parts: [],
            capturedAt: null,
            createdAt: clock.now(),
            updatedAt: clock.now(),
            version: 0,
          };
          await repos.payments.insert(payment);
          const seen: PaymentStatus[] = [];
          const apply = async (word: string) => {
            const fresh = await repos.payments.getById(payment.id);
            assert.ok(fresh);
            const after = await applyProviderUpdate(deps, fresh, snapshot(word), source);
            seen.push(after.status);
          };
          if (concurrent) await Promise.all(deliveries.map(apply));
          else for (const d of deliveries) await apply(d);
          const final = await repos.payments.getById(payment.id);
          // The provider's word for a refunded payment says nothing new about the payment itself.
          const truth = history.filter((w) => w !== 'Refunded' && w !== 'Partially Refunded');
          const last = truth.at(-1) ?? 'Pending';
          assert.equal(final?.status, MAP[last]);
          // The provider's own word is kept from the update that moved it (`Refunded` reads as captured).
          assert.ok(history.includes(final?.providerStatus ?? ''), String(final?.providerStatus));
          // one stored version per real transition at most (Pending may add requires_action→processing)
          assert.ok((final?.version ?? 0) <= history.length, `version ${final?.version} for ${history.join('→')}`);
        }),
        { numRuns: 40 },
      );
    });
  });
});

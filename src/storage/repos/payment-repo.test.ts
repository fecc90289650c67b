import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { forEachDatabase, withDatabase } from '../../../test/support/databases.ts';
import { createManualClock, systemClock } from '../../core/clock.ts';
import { createIdGenerator } from '../../core/ids.ts';
import type { Payment } from '../../core/payment/payment.ts';
import type { IdempotencyRecord, PaymentListQuery } from '../../core/repositories.ts';
import type { Database } from '../db.ts';
import { createSecretBox } from '../secret-box.ts';
import { createRepos, type Repos } from './index.ts';

const T0 = Date.UTC(2026, 0, 1);
const NATIONAL_ID = '28763400001';

function payment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: 'pay_01',
    accountId: 'acct_1',
    mode: 'test',
    status: 'requires_action',
    amount: 12_345,
    currency: 'QAR',
    paymentMethod: 'qpay',
    connector: 'checkout_com',
    connectorAccountId: 'ca_1',
    providerPaymentId: 'pay_provider_1',
    providerStatus: 'Pending',
    nextActionUrl: 'https://emulator.test/pay/1',
    returnUrl: 'https://merchant.test/back',
    reference: 'order-42',
    description: 'Two coffees',
    customer: { name: 'Aisha', email: 'aisha@example.com', phone: '+97455555555', nationalId: NATIONAL_ID },
    metadata: { order: '42', note: 'طلب' },
    failureCode: null,
    failureMessage: null,
    expiresAt: T0 + 15 * 60_000,
    amountRefunded: 0,
    amountRefundPending: 0,
    canceledBy: null,
    capturedAfterCancel: false,
    connectorAttempts: [],
    parts: [],
    capturedAt: null,
    createdAt: T0,
    updatedAt: T0,
    version: 0,
    ...overrides,
  };
}

const bare = (overrides: Partial<Payment> = {}): Payment =>
  payment({
    providerPaymentId: null,
    providerStatus: null,
    nextActionUrl: null,
    reference: null,
    description: null,
    customer: null,
    metadata: {},
    expiresAt: null,
    ...overrides,
  });

/** A fresh, in-progress record of idempotency key `key` of acct_1 (test mode). */
const keyRecord = (key: string, requestHash: string): IdempotencyRecord => ({
  accountId: 'acct_1',
  mode: 'test',
  key,
  requestHash,
  state: 'in_progress',
  resourceId: null,
  responseStatus: null,
  responseBody: null,
  lockedUntil: T0 + 60_000,
  createdAt: T0,
  expiresAt: T0 + 86_400_000,
});

forEachDatabase((kind) => {
  const run = (fn: (repos: Repos, database: Database) => Promise<void>) =>
    withDatabase(kind, async (database) => {
      const repos = createRepos(database, createSecretBox(randomBytes(32)), createIdGenerator(systemClock));
      await repos.accounts.createAccount({ id: 'acct_1', name: 'M', createdAt: T0 });
      await repos.accounts.createAccount({ id: 'acct_2', name: 'N', createdAt: T0 });
      await fn(repos, database);
    });

  describe('PaymentRepo: storing', () => {
    it('round-trips a full payment and a bare one', () =>
      run(async ({ payments }) => {
        await payments.insert(payment());
        await payments.insert(bare({ id: 'pay_02' }));
        assert.deepEqual(await payments.getById('pay_01'), payment());
        assert.deepEqual(await payments.getById('pay_02'), bare({ id: 'pay_02' }));
      }));

    it('stores a payment and its idempotency key’s link to it together, or neither', () =>
      run(async ({ payments, idempotency }) => {
        const key = { accountId: 'acct_1', mode: 'test' as const, key: 'order-7' };
        const claim = (k: string) => idempotency.claim(keyRecord(k, 'h'), T0);
        assert.equal((await claim('order-7')).kind, 'claimed');
        await payments.insert(bare(), undefined, key);
        const linked = await claim('order-7');
        assert.equal(linked.record.resourceId, 'pay_01', 'a retry finds the payment the key created');
        // The key now names a payment: a second payment for it is refused and nothing is written.
        await assert.rejects(
          payments.insert(bare({ id: 'pay_02' }), undefined, key),
          (err: { code?: string }) => err.code === 'idempotency_key_in_use',
        );
        assert.equal(await payments.getById('pay_02'), undefined, 'no payment without its key');
        // A key nobody holds links nothing, and the payment is not stored either.
        const gone = { ...key, key: 'never-claimed' };
        await assert.rejects(payments.insert(bare({ id: 'pay_03' }), undefined, gone));
        assert.equal(await payments.getById('pay_03'), undefined);
      }));

    it('claims a new key with the payment: of racing requests one wins, and the key names its payment', () =>
      run(async ({ payments, idempotency }) => {
        const reservation = (requestHash: string) => {
          const pending = { record: keyRecord('order-9', requestHash), claimed: false };
          return { accountId: 'acct_1', mode: 'test' as const, key: 'order-9', pending };
        };
        const same = [reservation('h'), reservation('h'), reservation('h')];
        const other = reservation('other body');
        const results = await Promise.allSettled([
          ...same.map((r, i) => payments.insert(bare({ id: `pay_r${i}` }), undefined, r)),
          payments.insert(bare({ id: 'pay_other' }), undefined, other),
        ]);
        const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
        assert.equal(won.length, 1, 'exactly one request holds the key');
        const winner = won[0] as number;
        const stored = await idempotency.find('acct_1', 'test', 'order-9');
        const winnerId = winner === 3 ? 'pay_other' : `pay_r${winner}`;
        assert.equal(stored?.resourceId, winnerId);
        assert.equal(stored?.state, 'in_progress');
        assert.deepEqual(
          [...same, other].map((r) => r.pending.claimed),
          [0, 1, 2, 3].map((i) => i === winner),
          'only the winner is marked as holding the key',
        );
        for (const [i, r] of results.entries()) {
          if (r.status !== 'rejected') continue;
          const code = (r.reason as { code?: string }).code;
          const sameBody = (i === 3) === (winner === 3);
          assert.equal(code, sameBody ? 'idempotency_key_in_use' : 'idempotency_key_reused');
          assert.equal(
            await payments.getById(i === 3 ? 'pay_other' : `pay_r${i}`),
            undefined,
            'no payment without its key',
          );
        }
      }));

    it('round-trips the shares of a split payment, Arabic names included', () =>
      run(async ({ payments }) => {
        const split = payment({
          currency: 'SAR',
          paymentMethod: 'qattah',
          connector: 'qattah',
          parts: [
            { id: 'inv_kRjqlXxpLX9WN', name: 'شخص 1', amount: 6_173, status: 'paid', method: 'mada', paidAt: T0 + 1 },
            { id: 'inv_j8BrzXok3XMkR', name: 'شخص 2', amount: 6_172, status: 'pending', method: null, paidAt: null },
          ],
        });
        await payments.insert(split);
        assert.deepEqual(await payments.getById('pay_01'), split);
        const paid = { ...split, parts: split.parts.map((p) => ({ ...p, status: 'refunded' as const })) };
        assert.equal(await payments.update({ ...paid, version: 1 }, 0), true);
        assert.deepEqual(await payments.getById('pay_01'), { ...paid, version: 1 });
      }));

    it('returns money and times as numbers, up to 2^53 - 1', () =>
      run(async ({ payments }) => {
        const big = payment({
          amount: Number.MAX_SAFE_INTEGER,
          createdAt: 4_102_444_800_000,
          expiresAt: 4_102_444_800_001,
        });
        await payments.insert(big);
        const read = await payments.getById('pay_01');
        for (const field of ['amount', 'createdAt', 'updatedAt', 'expiresAt', 'version'] as const) {
          assert.equal(typeof read?.[field], 'number', field);
        }
        assert.deepEqual(read, big);
      }));

    it('refuses to read back an amount beyond 2^53 - 1 rather than round it', () =>
      run(async ({ payments }, { db }) => {
        await payments.insert(payment());
        await db
          .updateTable('payments')
          .set({ amount: 2 ** 53 })
          .execute();
        await assert.rejects(payments.getById('pay_01'), /not a safe integer/);
      }));

    it('seals the national id: the raw row never contains it', () =>
      run(async ({ payments }, { db }) => {
        await payments.insert(payment());
        const raw = await db.selectFrom('payments').selectAll().executeTakeFirstOrThrow();
        assert.ok(!JSON.stringify(raw).includes(NATIONAL_ID));
        assert.match(raw.national_id_sealed ?? '', /^v1\./);
        assert.deepEqual(JSON.parse(raw.customer ?? 'null'), {
          name: 'Aisha',
          email: 'aisha@example.com',
          phone: '+97455555555',
        });
      }));

    it('keeps a customer that has only a national id, or no national id', () =>
      run(async ({ payments }, { db }) => {
        await payments.insert(bare({ id: 'pay_01', customer: { nationalId: NATIONAL_ID } }));
        await payments.insert(bare({ id: 'pay_02', customer: { name: 'Omar' } }));
        assert.deepEqual((await payments.getById('pay_01'))?.customer, { nationalId: NATIONAL_ID });
        assert.deepEqual((await payments.getById('pay_02'))?.customer, { name: 'Omar' });
        const raw = await db
          .selectFrom('payments')
          .select('national_id_sealed')
          .where('id', '=', 'pay_02')
          .executeTakeFirstOrThrow();
        assert.equal(raw.national_id_sealed, null);
      }));

    it('get is scoped to account and mode; getById is not', () =>
      run(async ({ payments }) => {
        await payments.insert(payment());
        assert.equal((await payments.get('acct_1', 'test', 'pay_01'))?.id, 'pay_01');
        assert.equal(await payments.get('acct_2', 'test', 'pay_01'), undefined);
        assert.equal(await payments.get('acct_1', 'live', 'pay_01'), undefined);
        assert.equal(await payments.get('acct_1', 'test', 'pay_missing'), undefined);
        assert.equal((await payments.getById('pay_01'))?.accountId, 'acct_1');
        assert.equal(await payments.getById('pay_missing'), undefined);
      }));

    it('allows many payments without a provider id but no duplicate provider id per connector account', () =>
      run(async ({ payments }) => {
        await payments.insert(bare({ id: 'pay_01' }));
        await payments.insert(bare({ id: 'pay_02' }));
        await payments.insert(payment({ id: 'pay_03', providerPaymentId: 'p_1' }));
        await payments.insert(payment({ id: 'pay_04', providerPaymentId: 'p_1', connectorAccountId: 'ca_2' }));
        await assert.rejects(payments.insert(payment({ id: 'pay_05', providerPaymentId: 'p_1' })));
      }));

    it('refuses a payment for an unknown account', () =>
      run(async ({ payments }) => {
        await assert.rejects(payments.insert(payment({ accountId: 'acct_missing' })));
      }));
  });

  describe('PaymentRepo: optimistic update', () => {
    it('writes when the version matches and stores expectedVersion + 1; the customer stays as created', () =>
      run(async ({ payments }) => {
        const created = payment();
        await payments.insert(created);
        const next = payment({
          status: 'failed',
          providerStatus: 'Declined',
          nextActionUrl: null,
          failureCode: 'provider_declined',
          failureMessage: 'Declined by issuer',
          customer: { name: 'Aisha' },
          metadata: { order: '43' },
          updatedAt: T0 + 1_000,
          version: 99, // ignored: the stored version comes from expectedVersion
        });
        assert.equal(await payments.update(next, 0), true);
        assert.deepEqual(await payments.getById('pay_01'), { ...next, customer: created.customer, version: 1 });
      }));

    it('refuses a stale version and leaves the row untouched', () =>
      run(async ({ payments }) => {
        await payments.insert(payment());
        assert.equal(await payments.update(payment({ status: 'processing' }), 0), true);
        assert.equal(await payments.update(payment({ status: 'failed' }), 0), false);
        const stored = await payments.getById('pay_01');
        assert.equal(stored?.status, 'processing');
        assert.equal(stored?.version, 1);
        assert.equal(await payments.update(payment({ id: 'pay_missing' }), 0), false);
      }));

    it('lets only one of two writers holding the same version win', () =>
      run(async ({ payments }) => {
        await payments.insert(payment());
        const results = await Promise.all([
          payments.update(payment({ status: 'captured' }), 0),
          payments.update(payment({ status: 'failed' }), 0),
        ]);
        assert.deepEqual(results.sort(), [false, true]);
      }));

    it('does not move the account, mode or creation time', () =>
      run(async ({ payments }) => {
        await payments.insert(payment());
        await payments.update(payment({ accountId: 'acct_2', mode: 'live', createdAt: T0 + 5 }), 0);
        const stored = await payments.getById('pay_01');
        assert.deepEqual([stored?.accountId, stored?.mode, stored?.createdAt], ['acct_1', 'test', T0]);
      }));
  });

  describe('PaymentRepo: list', () => {
    // Ten payments, one a minute; ids sort by time. Plus noise in other accounts and modes.
    const seed = async ({ payments }: Repos): Promise<string[]> => {
      const clock = createManualClock(T0);
      const ids = createIdGenerator(clock);
      const made: string[] = [];
      for (let i = 0; i < 10; i++) {
        const id = ids.next('pay');
        made.push(id);
        const status = i % 3 === 0 ? 'captured' : 'requires_action';
        await payments.insert(payment({ id, status, createdAt: clock.now(), providerPaymentId: id }));
        await payments.insert(payment({ id: ids.next('pay'), accountId: 'acct_2', providerPaymentId: `${id}-2` }));
        await payments.insert(payment({ id: ids.next('pay'), mode: 'live', providerPaymentId: `${id}-3` }));
        clock.advance(60_000);
      }
      return made.reverse(); // newest first
    };
    const query = (q: Partial<PaymentListQuery> = {}): PaymentListQuery => ({
      accountId: 'acct_1',
      mode: 'test',
      limit: 3,
      ...q,
    });
    const idsOf = (page: { data: Payment[] }) => page.data.map((p) => p.id);

    it('returns the newest first, limit + has_more', () =>
      run(async (repos) => {
        const all = await seed(repos);
        const first = await repos.payments.list(query());
        assert.deepEqual(idsOf(first), all.slice(0, 3));
        assert.equal(first.hasMore, true);
        const everything = await repos.payments.list(query({ limit: 10 }));
        assert.deepEqual(idsOf(everything), all);
        assert.equal(everything.hasMore, false);
        assert.equal((await repos.payments.list(query({ limit: 9 }))).hasMore, true);
      }));

    it('pages forwards with startingAfter and backwards with endingBefore, for every limit', () =>
      run(async (repos) => {
        const all = await seed(repos);
        for (let limit = 1; limit <= 11; limit++) {
          const forwards: string[] = [];
          let cursor: string | undefined;
          for (;;) {
            const page = await repos.payments.list(
              query({ limit, ...(cursor === undefined ? {} : { startingAfter: cursor }) }),
            );
            forwards.push(...idsOf(page));
            assert.equal(page.hasMore, forwards.length < all.length, `limit ${limit}`);
            if (!page.hasMore) break;
            cursor = forwards.at(-1);
          }
          assert.deepEqual(forwards, all, `forwards, limit ${limit}`);

          const backwards: string[] = [];
          let before = all.at(-1) as string;
          backwards.push(before);
          for (;;) {
            const page = await repos.payments.list(query({ limit, endingBefore: before }));
            assert.deepEqual(idsOf(page), [...idsOf(page)].sort().reverse(), 'each page newest first');
            backwards.unshift(...idsOf(page));
            assert.equal(page.hasMore, backwards.length < all.length, `limit ${limit}`);
            if (!page.hasMore) break;
            before = backwards[0] as string;
          }
          assert.deepEqual(backwards, all, `backwards, limit ${limit}`);
        }
      }));

    it('endingBefore returns the page right above the cursor', () =>
      run(async (repos) => {
        const all = await seed(repos);
        const page = await repos.payments.list(query({ limit: 2, endingBefore: all[5] }));
        assert.deepEqual(idsOf(page), [all[3], all[4]]);
        assert.equal(page.hasMore, true);
        const top = await repos.payments.list(query({ limit: 2, endingBefore: all[1] }));
        assert.deepEqual(idsOf(top), [all[0]]);
        assert.equal(top.hasMore, false);
      }));

    it('filters by status and creation time, with cursors', () =>
      run(async (repos) => {
        const all = await seed(repos);
        // i = 0, 3, 6, 9 are captured; newest first that is all[0], all[3], all[6], all[9].
        const captured = await repos.payments.list(query({ status: 'captured', limit: 10 }));
        assert.deepEqual(idsOf(captured), [all[0], all[3], all[6], all[9]]);
        const afterCursor = await repos.payments.list(query({ status: 'captured', limit: 1, startingAfter: all[3] }));
        assert.deepEqual(idsOf(afterCursor), [all[6]]);
        assert.equal(afterCursor.hasMore, true);

        // created minutes 2..5 inclusive of 2, exclusive of 6: i = 2, 3, 4, 5 → all[7..4].
        const window = await repos.payments.list(
          query({ createdGte: T0 + 2 * 60_000, createdLt: T0 + 6 * 60_000, limit: 10 }),
        );
        assert.deepEqual(idsOf(window), [all[4], all[5], all[6], all[7]]);
        const both = await repos.payments.list(
          query({ status: 'captured', createdGte: T0 + 60_000, createdLt: T0 + 6 * 60_000 }),
        );
        assert.deepEqual(idsOf(both), [all[6]]);
        assert.equal(both.hasMore, false);
      }));

    it('sees only the account and mode asked for', () =>
      run(async (repos) => {
        await seed(repos);
        const other = await repos.payments.list(query({ accountId: 'acct_2', limit: 100 }));
        assert.equal(other.data.length, 10);
        assert.ok(other.data.every((p) => p.accountId === 'acct_2' && p.mode === 'test'));
        const live = await repos.payments.list(query({ mode: 'live', limit: 100 }));
        assert.ok(live.data.length === 10 && live.data.every((p) => p.accountId === 'acct_1' && p.mode === 'live'));
        assert.deepEqual(await repos.payments.list(query({ accountId: 'acct_none' })), { data: [], hasMore: false });
      }));

    it('rejects a limit that is not a positive integer', () =>
      run(async ({ payments }) => {
        for (const limit of [0, -1, 1.5, Number.NaN]) {
          await assert.rejects(payments.list(query({ limit })), /positive integer/);
        }
      }));
  });
});

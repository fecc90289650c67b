/**
 * The behaviour every connector must show against its provider's emulator, as one shared suite
 * (Active Merchant's remote-test idea): each connector's test file supplies a harness over its
 * emulator and calls {@link runConformanceSuite}. This file holds no provider knowledge.
 *
 * Longer than 300 lines: one suite, each case beside the harness fields it reads; the cases of
 * answers that are not the provider's word live in `conformance-faults.ts`.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { waitForValue as until } from '../../test/support/wait.ts';
import type { PaymentStatus } from '../core/payment/status.ts';
import { describeUnknownAnswers } from './conformance-faults.ts';
import type {
  Connector,
  ConnectorAccount,
  InboundNotification,
  NotificationOutcome,
  ProviderPaymentRequest,
} from './connector.ts';

/** Faults every emulator can script, and the reason a connector must report for each. */
export const FAULT_REASONS = {
  timeout: 'timeout',
  server_error: 'server_error',
  malformed: 'malformed_response',
  reset: 'network',
} as const;

/** What a connector's test supplies: its connector, wired to a running emulator. */
export interface ConformanceHarness {
  readonly name: string;
  /** Starts the emulator; `notificationUrl` is where it must send its notifications. */
  start(notificationUrl: string): Promise<{ connector: Connector; account: ConnectorAccount; close(): Promise<void> }>;
  /** A payment request the provider accepts. */
  request(paymentId: string, notificationUrl: string): ProviderPaymentRequest;
  /** The customer finishes on the hosted page; returns the query the provider sends back with. */
  complete(providerPaymentId: string, outcome: 'approve' | 'decline' | 'cancel'): Record<string, string>;
  /** Moves the emulator's clock. */
  advanceClock(ms: number): void;
  /** Scripts the next call of `match` to fail. */
  addFault(kind: keyof typeof FAULT_REASONS, match: 'create' | 'retrieve' | 'refund'): void;
  clearFaults(): void;
  /** Decides a pending refund as the provider's staff would (needed when refunds are `decided_later`). */
  settleRefund?(providerRefundId: string, outcome: 'approve' | 'decline'): void;
  /** Whether the customer's return carries a provider reference (else retrieval uses the payment's id). */
  readonly returnCarriesReference: boolean;
  /** The credentials made wrong, for the authentication test. */
  wrongCredentials(account: ConnectorAccount): ConnectorAccount;
  /** Refund amount for the refund tests (some providers show only full refunds in a lookup). */
  readonly refundAmount: number;
  /** Whether a lookup shows a declined refund (else only its notification does). */
  readonly refundDeclineVisible: boolean;
  /**
   * What an approve, a decline, a cancel and an abandoned payment become; null for an outcome
   * the provider's page does not offer (its test is skipped).
   */
  readonly outcomes: {
    readonly approve: PaymentStatus;
    readonly decline: PaymentStatus | null;
    readonly cancel: PaymentStatus | null;
    readonly abandon: PaymentStatus;
  };
  /** The currency of `request`'s payments, used by the refund tests (default `QAR`). */
  readonly currency?: string;
  /**
   * How the provider notifies: `signed` (default) posts news whose signature verifies; `hint`
   * calls back unsigned with only the payment's id, which the connector reads as a hint;
   * `signed-hint` signs which payment the news is about but not its outcome, so a callback that
   * verifies is still only a hint.
   */
  readonly notifications?: 'signed' | 'signed-hint' | 'hint';
  /** `signed-hint` only: rewrites of a genuine callback's unsigned fields, each still a hint. */
  readonly unsignedRewrites?: readonly ((rawBody: string) => string)[];
  /**
   * How refunds end: `decided_later` (default) stays pending until the provider's staff decide
   * ({@link ConformanceHarness.settleRefund}); `immediate` refunds at once.
   */
  readonly refunds?: 'decided_later' | 'immediate';
}

interface Received extends InboundNotification {}

async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let rawBody = '';
    req.on('data', (c: Buffer) => {
      rawBody += c.toString('utf8');
    });
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const query = Object.fromEntries(new URL(req.url ?? '/', 'http://receiver').searchParams);
      received.push({ headers, rawBody, method: req.method === 'GET' ? 'GET' : 'POST', query });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Registers the conformance tests of one connector. */
export function runConformanceSuite(h: ConformanceHarness): void {
  describe(`${h.name} connector conformance`, () => {
    let rx: Awaited<ReturnType<typeof startReceiver>>;
    let ctx: Awaited<ReturnType<ConformanceHarness['start']>>;
    let seq = 0;
    const currency = h.currency ?? 'QAR';
    const notifications = h.notifications ?? 'signed';
    const refunds = h.refunds ?? 'decided_later';
    const req = () => h.request(`pay_conformance${String(++seq).padStart(13, '0')}`, rx.url);
    const create = async () => {
      const out = await ctx.connector.createPayment(ctx.account, req());
      assert.equal(out.kind, 'created', JSON.stringify(out));
      if (out.kind !== 'created') throw new Error('unreachable');
      return out.snapshot;
    };
    before(async () => {
      rx = await startReceiver();
      ctx = await h.start(rx.url);
    });
    after(async () => {
      await ctx.close();
      await rx.close();
    });
    beforeEach(() => h.clearFaults());

    test('create: the provider has it, pending, with a page for the customer', async () => {
      const s = await create();
      assert.equal(s.status, 'pending');
      assert.match(s.redirectUrl ?? '', /^https?:\/\//);
    });

    for (const outcome of ['approve', 'decline', 'cancel'] as const) {
      const expected = h.outcomes[outcome];
      const skip = expected === null ? { skip: `${h.name} has no ${outcome} on its page` } : {};
      const name =
        expected === null
          ? `${outcome} on the hosted page`
          : `${outcome} on the hosted page: the return names it and retrieval tells ${expected}`;
      test(name, skip, async () => {
        const s = await create();
        const query = h.complete(s.providerPaymentId, outcome);
        const carried = ctx.connector.returnReference(query);
        if (h.returnCarriesReference) assert.ok(carried, `return query ${JSON.stringify(query)} carries a reference`);
        const ref = carried ?? s.providerPaymentId;
        const got = await ctx.connector.retrievePayment(ctx.account, ref);
        assert.equal(got.kind, 'found');
        assert.equal(got.kind === 'found' && got.snapshot.providerPaymentId, s.providerPaymentId);
        assert.equal(got.kind === 'found' && got.snapshot.status, expected);
      });
    }

    test('a payment nobody completes is over once its window has passed', async () => {
      const s = await create();
      h.advanceClock(ctx.connector.capabilities.paymentWindowMs + 60_000);
      const got = await ctx.connector.retrievePayment(ctx.account, s.providerPaymentId);
      assert.equal(got.kind === 'found' && got.snapshot.status, h.outcomes.abandon);
    });

    if (notifications === 'signed' || notifications === 'signed-hint') {
      test('notifications verify, say what happened, and a tampered one does not verify', async () => {
        const s = await create();
        const before = rx.received.length;
        h.complete(s.providerPaymentId, 'approve');
        const captured = await until(() => {
          for (const n of rx.received.slice(before)) {
            const out = ctx.connector.parseNotification(ctx.account, n);
            if (
              notifications === 'signed' &&
              out.kind === 'verified' &&
              out.snapshot?.providerPaymentId === s.providerPaymentId &&
              out.snapshot.status === 'captured'
            ) {
              return n;
            }
            if (
              notifications === 'signed-hint' &&
              out.kind === 'hint' &&
              out.authenticated === true &&
              out.providerPaymentId === s.providerPaymentId
            ) {
              return n;
            }
          }
          return undefined;
        }, 'a verified capture notification');
        const tampered = {
          ...captured,
          rawBody: captured.rawBody.replace(
            /(amount"?\s*[:=]\s*"?)(\d)/,
            (_m, key: string, d: string) => `${key}${(Number(d) + 1) % 10}`,
          ),
        };
        assert.notEqual(tampered.rawBody, captured.rawBody);
        assert.equal(ctx.connector.parseNotification(ctx.account, tampered).kind, 'unverified');
        // Without its signature: no signature header, and no `hash` field where it travels in the body.
        const unsigned = {
          headers: { 'content-type': 'application/json' },
          rawBody: captured.rawBody.replace(/(^|&)hash=[^&]*/, ''),
        };
        assert.equal(ctx.connector.parseNotification(ctx.account, unsigned).kind, 'unverified');
        assertForgeryProof(ctx.connector, ctx.account, captured);
        if (notifications === 'signed-hint') {
          // Fields outside the signature may say anything: the callback stays a hint.
          for (const rewrite of h.unsignedRewrites ?? []) {
            const forged = { ...captured, rawBody: rewrite(captured.rawBody) };
            assert.notEqual(forged.rawBody, captured.rawBody);
            const out = ctx.connector.parseNotification(ctx.account, forged);
            assert.equal(out.kind, 'hint', forged.rawBody);
            assert.equal(out.kind === 'hint' && out.providerPaymentId, s.providerPaymentId);
          }
        }
      });
    } else {
      test('callbacks only hint at a payment; one that is not the provider’s shape does not verify', async () => {
        const s = await create();
        const other = await create();
        const before = rx.received.length;
        h.complete(s.providerPaymentId, 'approve');
        let eventType = '';
        const callback = await until(() => {
          for (const n of rx.received.slice(before)) {
            const out = ctx.connector.parseNotification(ctx.account, n);
            if (out.kind === 'hint' && out.providerPaymentId === s.providerPaymentId) {
              eventType = out.eventType;
              return n;
            }
          }
          return undefined;
        }, 'a callback naming the payment');
        assert.equal(callback.method, 'GET');
        assert.ok(Object.values(callback.query ?? {}).includes(s.providerPaymentId), 'the query names the payment');
        // The same callback naming another payment is still a hint: the gateway asks the provider.
        const renamed = {
          ...callback,
          query: Object.fromEntries(
            Object.entries(callback.query ?? {}).map(([k, v]) => [
              k,
              v === s.providerPaymentId ? other.providerPaymentId : v,
            ]),
          ),
        };
        assert.deepEqual(ctx.connector.parseNotification(ctx.account, renamed), {
          kind: 'hint',
          eventType,
          providerPaymentId: other.providerPaymentId,
        });
        const posted = {
          headers: { 'content-type': 'application/json' },
          rawBody: JSON.stringify(callback.query ?? {}),
          method: 'POST' as const,
          query: callback.query ?? {},
        };
        assert.equal(ctx.connector.parseNotification(ctx.account, posted).kind, 'unverified');
        const bare = { ...callback, query: {} };
        assert.equal(ctx.connector.parseNotification(ctx.account, bare).kind, 'unverified');
      });
    }

    const refundRequest = (providerPaymentId: string, tag: string) => ({
      refundId: `re_conformance_${tag}_${seq}`,
      providerPaymentId,
      money: { amount: h.refundAmount, currency },
      idempotencyKey: `re_conformance_${tag}_${seq}`,
      notificationUrl: rx.url,
    });
    const refund = (providerPaymentId: string, tag: string) =>
      ctx.connector.refundPayment(ctx.account, refundRequest(providerPaymentId, tag));

    if (refunds === 'decided_later') {
      for (const decision of ['approve', 'decline'] as const) {
        test(`a refund stays pending until the provider decides (${decision})`, async () => {
          const s = await create();
          h.complete(s.providerPaymentId, 'approve');
          const out = await refund(s.providerPaymentId, decision);
          assert.equal(out.kind, 'accepted', JSON.stringify(out));
          if (out.kind !== 'accepted') return;
          const pending = await ctx.connector.retrieveRefund(ctx.account, s.providerPaymentId, out.providerRefundId, {
            amount: h.refundAmount,
            currency,
          });
          assert.equal(pending.kind === 'found' && pending.status, 'pending');
          assert.ok(h.settleRefund, `${h.name} refunds are decided later: the harness settles them`);
          const before = rx.received.length;
          h.settleRefund(out.providerRefundId, decision);
          if (notifications !== 'hint') {
            // The provider's news of the decision: nothing in it may be rewritten into another outcome.
            const news = await until(
              () =>
                rx.received.slice(before).find((n) => {
                  const o = ctx.connector.parseNotification(ctx.account, n);
                  return (
                    (o.kind === 'verified' && o.refund?.providerPaymentId === s.providerPaymentId) ||
                    (o.kind === 'hint' && o.providerPaymentId === s.providerPaymentId)
                  );
                }),
              'the refund’s notification',
            );
            assertForgeryProof(ctx.connector, ctx.account, news);
          }
          const decided = await ctx.connector.retrieveRefund(ctx.account, s.providerPaymentId, out.providerRefundId, {
            amount: h.refundAmount,
            currency,
          });
          const expected = decision === 'approve' ? 'succeeded' : h.refundDeclineVisible ? 'failed' : 'pending';
          assert.equal(decided.kind === 'found' && decided.status, expected);
        });
      }
    } else {
      test('a refund succeeds at once, a lookup says so, and asking again refunds nothing more', async () => {
        const s = await create();
        h.complete(s.providerPaymentId, 'approve');
        const out = await refund(s.providerPaymentId, 'immediate');
        assert.equal(out.kind, 'succeeded', JSON.stringify(out));
        if (out.kind !== 'succeeded') return;
        const found = await ctx.connector.retrieveRefund(ctx.account, s.providerPaymentId, out.providerRefundId, {
          amount: h.refundAmount,
          currency,
        });
        assert.equal(found.kind === 'found' && found.status, 'succeeded', JSON.stringify(found));
        const again = await refund(s.providerPaymentId, 'immediate');
        assert.deepEqual(again, out, 'the same refund, not a second one nor a failure');
        const got = await ctx.connector.retrievePayment(ctx.account, s.providerPaymentId);
        const whole = h.refundAmount === s.money?.amount;
        assert.equal(got.kind === 'found' && got.snapshot.status, whole ? 'refunded' : 'partially_refunded');
      });
    }

    test('a refund of part of a payment is taken where the capabilities allow partial refunds', async (t) => {
      if (!ctx.connector.capabilities.refunds?.partial) {
        t.skip(`${h.name} refunds whole payments only`);
        return;
      }
      const request = req();
      const made = await ctx.connector.createPayment(ctx.account, request);
      assert.equal(made.kind, 'created', JSON.stringify(made));
      if (made.kind !== 'created') return;
      const s = made.snapshot;
      h.complete(s.providerPaymentId, 'approve');
      const amount = request.money.amount;
      const step = ctx.connector.capabilities.amountStep?.[currency] ?? 1;
      const part = Math.floor(amount / 2 / step) * step;
      assert.ok(part > 0 && part < amount, `a part of ${amount}`);
      const out = await ctx.connector.refundPayment(ctx.account, {
        ...refundRequest(s.providerPaymentId, 'part'),
        money: { amount: part, currency },
      });
      assert.ok(out.kind === 'accepted' || out.kind === 'succeeded', JSON.stringify(out));
    });

    test('a payment without customer details is made where the capabilities require no contact', async (t) => {
      if (ctx.connector.capabilities.requiresCustomerContact) {
        t.skip(`${h.name} needs the customer's contact: the gateway refuses such a payment before any call`);
        return;
      }
      const out = await ctx.connector.createPayment(ctx.account, { ...req(), customer: null });
      assert.equal(out.kind, 'created', JSON.stringify(out));
    });

    test('a refund whose answer was lost can be sent again where the connector says so', async (t) => {
      if (!ctx.connector.capabilities.refunds?.retrySafe) {
        t.skip(`${h.name} does not send a refund again`);
        return;
      }
      const s = await create();
      h.complete(s.providerPaymentId, 'approve');
      h.addFault('timeout', 'refund');
      const lost = await refund(s.providerPaymentId, 'lost');
      assert.equal(lost.kind === 'unknown' && lost.reason, 'timeout', JSON.stringify(lost));
      const again = await refund(s.providerPaymentId, 'lost');
      assert.equal(again.kind, refunds === 'immediate' ? 'succeeded' : 'accepted', JSON.stringify(again));
    });

    test('a cancel call exists exactly where the capabilities say cancels go to the provider', () => {
      const atProvider = ctx.connector.capabilities.cancel?.at === 'provider';
      assert.equal(ctx.connector.cancelPayment !== undefined, atProvider);
      const voids = ctx.connector.capabilities.void !== null;
      assert.equal(ctx.connector.voidPayment !== undefined, voids);
    });

    test('cancel at the provider: an unpaid payment is canceled, a paid one is not', async (t) => {
      const connector = ctx.connector;
      if (connector.capabilities.cancel?.at !== 'provider' || !connector.cancelPayment) {
        t.skip(`${h.name} has no cancel call`);
        return;
      }
      const s = await create();
      const out = await connector.cancelPayment(ctx.account, s.providerPaymentId);
      assert.equal(out.kind, 'canceled', JSON.stringify(out));
      if (out.kind === 'canceled' && out.snapshot) assert.equal(out.snapshot.status, 'canceled');
      const got = await connector.retrievePayment(ctx.account, s.providerPaymentId);
      assert.equal(got.kind === 'found' && got.snapshot.status, 'canceled');
      const paid = await create();
      h.complete(paid.providerPaymentId, 'approve');
      const refused = await connector.cancelPayment(ctx.account, paid.providerPaymentId);
      assert.equal(refused.kind, 'rejected', JSON.stringify(refused));
      const still = await connector.retrievePayment(ctx.account, paid.providerPaymentId);
      assert.equal(still.kind === 'found' && still.snapshot.status, h.outcomes.approve);
    });

    for (const [fault, reason] of Object.entries(FAULT_REASONS) as [keyof typeof FAULT_REASONS, string][]) {
      test(`fault ${fault}: create and retrieve are unknown (${reason}), never a failure`, async () => {
        h.addFault(fault, 'create');
        const out = await ctx.connector.createPayment(ctx.account, req());
        assert.equal(out.kind === 'unknown' && out.reason, reason, JSON.stringify(out));
        const s = await create();
        h.addFault(fault, 'retrieve');
        const got = await ctx.connector.retrievePayment(ctx.account, s.providerPaymentId);
        assert.equal(got.kind === 'unknown' && got.reason, reason, JSON.stringify(got));
      });
    }

    test('wrong credentials are provider_authentication_failed', async () => {
      const wrong = h.wrongCredentials(ctx.account);
      const out = await ctx.connector.createPayment(wrong, req());
      assert.equal(out.kind === 'rejected' && out.failure.code, 'provider_authentication_failed', JSON.stringify(out));
    });

    describeUnknownAnswers(h, { started: () => ctx, request: req, create, refundRequest });
  });
}

/**
 * Every field of a genuine notification changed one at a time: the news no longer verifies, or
 * it says exactly what the genuine one said (a field the outcome does not depend on), or it is a
 * hint about the same payment, to be checked with the provider. Never another outcome. Replayed
 * against another account's credentials, it does not verify.
 */
function assertForgeryProof(connector: Connector, account: ConnectorAccount, genuineNews: InboundNotification): void {
  const genuine = connector.parseNotification(account, genuineNews);
  for (const forged of eachFieldChanged(genuineNews.rawBody)) {
    const out = connector.parseNotification(account, { ...genuineNews, rawBody: forged.body });
    if (out.kind === 'unverified') continue;
    if (out.kind === 'hint' && genuine.kind === 'hint') {
      assert.equal(out.providerPaymentId, genuine.providerPaymentId, `${forged.field} changed the payment`);
      continue;
    }
    assert.deepEqual(decided(out), decided(genuine), `changing ${forged.field} changed what the notification says`);
  }
  const otherAccount = {
    ...account,
    id: `${account.id}_other`,
    credentials: Object.fromEntries(Object.entries(account.credentials).map(([k, v]) => [k, `${v}-other`])),
  };
  assert.equal(connector.parseNotification(otherAccount, genuineNews).kind, 'unverified', 'verified elsewhere');
}

/**
 * What a notification decides, for comparing a forged one with the genuine one. Two things are
 * left out: the wording of a failure (`failureMessage`, Tap's `response.message`: text shown,
 * never an outcome), and the payment that news of a refund named by its own signed id gives by
 * a field outside the signature (Tap's `charge_id`): the gateway finds the refund only under the
 * payment it really belongs to, so a rewritten payment id matches nothing.
 */
function decided(out: NotificationOutcome): unknown {
  if (out.kind !== 'verified') return out;
  const snapshot = out.snapshot === null ? null : { ...out.snapshot, failureMessage: null };
  if (!out.refund) return { ...out, snapshot };
  const { providerPaymentId, ...refund } = { ...out.refund, failureMessage: null };
  return { ...out, snapshot, refund: refund.providerRefundId === null ? { ...refund, providerPaymentId } : refund };
}

/** A body with one field changed, for each field (JSON leaves, or form fields). */
function eachFieldChanged(raw: string): { field: string; body: string }[] {
  const out: { field: string; body: string }[] = [];
  const change = (v: unknown): unknown =>
    typeof v === 'string' ? `${v}x` : typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : 'x';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  if (json !== null && typeof json === 'object') {
    const walk = (node: unknown, path: (string | number)[]) => {
      if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) walk(v, [...path, Array.isArray(node) ? Number(k) : k]);
        return;
      }
      const copy = JSON.parse(raw) as Record<string | number, unknown>;
      let at: Record<string | number, unknown> = copy;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
      const last = path.at(-1);
      if (last === undefined) return;
      at[last] = change(node);
      out.push({ field: path.join('.'), body: JSON.stringify(copy) });
    };
    walk(json, []);
    return out;
  }
  const form = new URLSearchParams(raw);
  for (const key of new Set(form.keys())) {
    if (key === 'hash') continue;
    const copy = new URLSearchParams(raw);
    copy.set(key, `${copy.get(key) ?? ''}x`);
    out.push({ field: key, body: copy.toString() });
  }
  return out;
}

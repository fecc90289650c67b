import type {
  Connector,
  ConnectorAccount,
  CreateOutcome,
  ProviderFailure,
  ProviderPaymentRequest,
  RefundLookup,
  RefundOutcome,
  RetrieveOutcome,
  VoidOutcome,
} from '../../core/connector-contract.ts';
import { formatMajor } from '../../core/money.ts';
import { dispatcherFor, type OutboundDispatchers } from '../../net/mode-dispatcher.ts';
import { type HttpAnswer, isObject, malformed, parseJson, providerAnswer } from '../http.ts';
import { type AkuratecoClientConfig, post } from './client.ts';
import { idHash, refundHash, sessionHash } from './hash.ts';
import {
  isNotFound,
  parseStatus,
  type StatusAnswer,
  sessionOrder,
  translateAkuratecoError,
  voidSucceeded,
} from './mapper.ts';
import { parseAkuratecoCallback } from './webhook.ts';

/** Options of the Akurateco connector. */
export interface AkuratecoConnectorOptions extends OutboundDispatchers {
  readonly timeoutMs: number;
}

/** Session lifetime asked for, in minutes (providers.md §4.2: 1–720, default 60). */
export const SESSION_MINUTES = 60;

/** Platform payment ids kept per connector (the most recent ones). */
const PUBLIC_ID_MEMORY = 50_000;

/** The platform's refusal of a call, in Bawaba's terms. */
function rejected(res: HttpAnswer) {
  return { kind: 'rejected' as const, failure: translateAkuratecoError(res.status, parseJson(res.text)) };
}

/**
 * A refund or void needs the platform's own payment id first. When that lookup fails, the
 * operation itself was never sent: a definitive refusal (try again later), not an unknown outcome.
 */
function notSent(
  lookup: { kind: 'not_found' } | { kind: 'rejected'; failure: ProviderFailure } | { kind: 'unknown'; reason: string },
  what: string,
): { kind: 'rejected'; failure: ProviderFailure } {
  if (lookup.kind === 'rejected') return lookup;
  const message =
    lookup.kind === 'not_found'
      ? `The platform does not know this payment; no ${what} was sent.`
      : `The platform could not be asked for the payment (${lookup.reason}); no ${what} was sent.`;
  const code = lookup.kind === 'not_found' ? 'provider_request_rejected' : 'provider_unavailable';
  return { kind: 'rejected', failure: { code, message, providerCodes: [] } };
}

/**
 * Where a refund stands by the status answer. The platform names no refund, so our refund id
 * carries the refund's place in the payment's transaction history (`<payment>/<refund>/<n>`: it
 * is the payment's n-th refund, counted when it was sent, refunds being one at a time); only
 * the history's entry at that place, with the same amount, decides it. Without a history (an
 * option of the platform's protocol mapping) only a full refund shows, as the payment's own
 * `refund`/`reversal` status; anything else stays pending.
 */
export function refundOutcome(answer: StatusAnswer, providerRefundId: string, amount: number): RefundLookup {
  const word = answer.providerStatus.toLowerCase();
  if (word === 'refund' || word === 'reversal') return { kind: 'found', status: 'succeeded', failureMessage: null };
  const place = Number(providerRefundId.split('/')[2]);
  const entry = Number.isSafeInteger(place) ? answer.refunds?.[place] : undefined;
  if (!entry || entry.amount !== amount || entry.status === 'waiting') {
    return { kind: 'found', status: 'pending', failureMessage: null };
  }
  return entry.status === 'success'
    ? { kind: 'found', status: 'succeeded', failureMessage: null }
    : { kind: 'found', status: 'failed', failureMessage: 'The payment platform declined the refund.' };
}

/**
 * The Akurateco "Checkout" connector (providers.md §4): a hosted card page behind a hash-signed
 * session, white-labelled (TESS Payments in Qatar), so its host is the account's `base_url`.
 * The platform knows each payment by our payment id as its order number.
 */
export function createAkuratecoConnector(options: AkuratecoConnectorOptions): Connector {
  const config = (account: ConnectorAccount): AkuratecoClientConfig => ({
    baseUrl: account.settings.base_url ?? '',
    timeoutMs: options.timeoutMs,
    dispatcher: dispatcherFor(options, account.mode),
  });
  const creds = (account: ConnectorAccount) => ({
    key: account.credentials.merchant_key ?? '',
    password: account.credentials.password ?? '',
  });

  // The platform's own payment id per order, learnt from a callback or a lookup: TESS and the
  // seed document status lookups by `payment_id` only (hash of payment_id + password).
  const publicIds = new Map<string, string>();
  const idKey = (account: ConnectorAccount, orderId: string) => `${account.id}\u0000${orderId}`;
  function remember(account: ConnectorAccount, orderId: string, publicId: string): void {
    const key = idKey(account, orderId);
    publicIds.delete(key);
    publicIds.set(key, publicId);
    if (publicIds.size > PUBLIC_ID_MEMORY) publicIds.delete(publicIds.keys().next().value as string);
  }

  async function status(account: ConnectorAccount, orderId: string) {
    const { key, password } = creds(account);
    const publicId = publicIds.get(idKey(account, orderId));
    let body: Record<string, string>;
    if (publicId !== undefined) {
      body = { merchant_key: key, payment_id: publicId, hash: idHash(publicId, password) };
    } else if (account.settings.status_by_order_id === 'true') {
      body = { merchant_key: key, order_id: orderId, hash: idHash(orderId, password) };
    } else {
      // Nothing to ask by until the platform's callback names the payment.
      return {
        kind: 'unknown' as const,
        reason: 'unexpected_response' as const,
        detail: 'the platform payment_id is not known yet (it comes with the first callback)',
      };
    }
    const res = providerAnswer(await post(config(account), 'payment/status', body));
    if (res.kind === 'unknown') return res;
    if (res.status >= 400)
      return isNotFound(res.status, parseJson(res.text)) ? { kind: 'not_found' as const } : rejected(res);
    const snapshot = parseStatus(parseJson(res.text));
    if (!snapshot) return malformed(res.text);
    if (snapshot.providerPaymentId !== orderId) return { kind: 'not_found' as const };
    remember(account, orderId, snapshot.publicId);
    return { kind: 'found' as const, snapshot };
  }

  return {
    id: 'akurateco',
    capabilities: {
      methods: { card: ['QAR', 'SAR', 'AED', 'KWD', 'BHD', 'OMR', 'JOD', 'USD', 'EUR', 'GBP', 'EGP'] },
      maxAmountMinor: 99_999_999_999,
      paymentWindowMs: SESSION_MINUTES * 60_000,
      refunds: { partial: true, multiple: true, oneAtATime: true },
      cancel: { statuses: ['requires_action'], at: 'local' },
      // The platform documents no idempotency key; a session can be asked for again safely only
      // because nothing is charged until the customer pays on the page.
      idempotentCalls: false,
      requiresCustomerContact: false,
      // TESS: voids only on the settlement day, before 21:00 Qatar time (UTC+3), providers.md §4.5.
      void: { utcOffsetMinutes: 180, cutoffHour: 21 },
      expiresSilently: true,
      splitBill: false,
      keptHeaders: [],
    },
    configuration: {
      credentials: { required: ['merchant_key', 'password'], optional: [] },
      settings: ['base_url', 'status_by_order_id'],
    },

    async createPayment(account: ConnectorAccount, req: ProviderPaymentRequest): Promise<CreateOutcome> {
      if (!account.settings.base_url) {
        return {
          kind: 'rejected',
          failure: {
            code: 'provider_request_rejected',
            message: 'settings.base_url (the platform host) is not set.',
            providerCodes: [],
          },
        };
      }
      const { key, password } = creds(account);
      const order = sessionOrder(
        req.paymentId,
        req.money,
        req.description ?? req.reference ?? `Payment ${req.paymentId}`,
      );
      const body: Record<string, unknown> = {
        merchant_key: key,
        operation: 'purchase',
        order,
        success_url: req.returnUrl,
        cancel_url: `${req.returnUrl}?outcome=cancel`,
        expiry_url: `${req.returnUrl}?outcome=expired`,
        error_url: `${req.returnUrl}?outcome=error`,
        session_expiry: SESSION_MINUTES,
        checkout_language: req.locale,
        hash: sessionHash(order, password),
      };
      const customer: Record<string, string> = {};
      if (req.customer?.name) customer.name = req.customer.name;
      if (req.customer?.email) customer.email = req.customer.email;
      if (Object.keys(customer).length > 0) body.customer = customer;
      const res = providerAnswer(await post(config(account), 'session', body));
      if (res.kind === 'unknown') return res;
      if (res.status >= 400) return rejected(res);
      const parsed = parseJson(res.text);
      const url = isObject(parsed) && typeof parsed.redirect_url === 'string' ? parsed.redirect_url : undefined;
      if (!url) return malformed(res.text);
      return {
        kind: 'created',
        snapshot: {
          providerPaymentId: req.paymentId,
          status: 'pending',
          providerStatus: 'prepare',
          money: req.money,
          redirectUrl: url,
          failureMessage: null,
        },
      };
    },

    async retrievePayment(account: ConnectorAccount, reference: string): Promise<RetrieveOutcome> {
      const out = await status(account, reference);
      return out.kind === 'found' ? { kind: 'found', snapshot: out.snapshot } : out;
    },

    // The platform adds nothing to the URL it sends the customer back to: always ask it.
    returnReference: () => undefined,

    parseNotification(account, n) {
      const outcome = parseAkuratecoCallback(account, n);
      // A callback whose hash matches names the platform's payment id: kept for lookups.
      if (outcome.kind === 'hint') {
        const id = new URLSearchParams(n.rawBody).get('id');
        if (id) remember(account, outcome.providerPaymentId, id);
      }
      return outcome;
    },

    async refundPayment(account, req): Promise<RefundOutcome> {
      const found = await status(account, req.providerPaymentId);
      if (found.kind !== 'found') return notSent(found, 'refund');
      const { key, password } = creds(account);
      const amount = formatMajor(req.money);
      const res = providerAnswer(
        await post(config(account), 'payment/refund', {
          merchant_key: key,
          payment_id: found.snapshot.publicId,
          amount,
          hash: refundHash(found.snapshot.publicId, amount, password),
        }),
      );
      if (res.kind === 'unknown') return res;
      if (res.status >= 400) return rejected(res);
      const parsed = parseJson(res.text);
      if (!isObject(parsed)) return malformed(res.text);
      if (parsed.result !== 'accepted') {
        return { kind: 'unknown', reason: 'unexpected_response', detail: res.text.slice(0, 200) };
      }
      // The platform gives a refund no id of its own: ours names it, with its place among the
      // payment's refunds (how many the history listed before it), when the history is on.
      const place = found.snapshot.refunds === null ? '' : `/${found.snapshot.refunds.length}`;
      return { kind: 'accepted', providerRefundId: `${found.snapshot.publicId}/${req.refundId}${place}` };
    },

    async retrieveRefund(account, providerPaymentId, providerRefundId, money): Promise<RefundLookup> {
      const out = await status(account, providerPaymentId);
      if (out.kind !== 'found') return out;
      return refundOutcome(out.snapshot, providerRefundId, money.amount);
    },

    async voidPayment(account, providerPaymentId): Promise<VoidOutcome> {
      const found = await status(account, providerPaymentId);
      if (found.kind !== 'found') return notSent(found, 'void');
      const { key, password } = creds(account);
      const id = found.snapshot.publicId;
      const res = providerAnswer(
        await post(config(account), 'payment/void', {
          merchant_key: key,
          payment_id: id,
          hash: idHash(id, password),
        }),
      );
      if (res.kind === 'unknown') return res;
      if (res.status >= 400) return rejected(res);
      const parsed = parseJson(res.text);
      // Only a status word decides: any documented success shape, or another (SETTLED: kept).
      if (!isObject(parsed) || typeof parsed.status !== 'string') return malformed(res.text);
      const word = parsed.status.toUpperCase();
      if (voidSucceeded(parsed)) return { kind: 'voided' };
      const reason = typeof parsed.reason === 'string' ? parsed.reason : `status ${word || 'unknown'}`;
      return {
        kind: 'rejected',
        failure: { code: 'provider_request_rejected', message: `The void was refused: ${reason}.`, providerCodes: [] },
      };
    },
  };
}

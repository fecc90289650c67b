import type {
  CancelOutcome,
  Connector,
  ConnectorAccount,
  CreateOutcome,
  ProviderFailure,
  ProviderPaymentRequest,
  ProviderRefundRequest,
  RefundLookup,
  RefundOutcome,
  RetrieveOutcome,
  UnknownOutcome,
} from '../../core/connector-contract.ts';
import { dispatcherFor, type OutboundDispatchers } from '../../net/mode-dispatcher.ts';
import { type HttpAnswer, type HttpFailure, malformed, parseJson, providerAnswer } from '../http.ts';
import {
  getOrder,
  postCancel,
  postOrder,
  postRefund,
  QATTAH_AUTH_SCHEMES,
  type QattahAuthScheme,
  type QattahClientConfig,
} from './client.ts';
import {
  buildOrderBody,
  parseOrderAnswer,
  parseQattahCallback,
  parseQattahError,
  QATTAH_ORDER_ID,
  readEnvelope,
  translateQattahError,
} from './mapper.ts';

/** Qattah Pay's production host root (providers.md §3.1); staging is `https://staging-api.qattahpay.sa`. */
export const QATTAH_BASE_URL = 'https://api.qattahpay.sa';

/**
 * Largest order: 99 999 999.99 SAR. Qattah documents no limit; the amount travels as a JSON
 * double, and eleven significant digits stay far inside what a double renders exactly.
 */
export const QATTAH_MAX_AMOUNT_MINOR = 99_999_999_99;

/** Options of the Qattah Pay connector. */
export interface QattahConnectorOptions extends OutboundDispatchers {
  readonly timeoutMs: number;
}

/** What one answer says, before the operation reads its body. */
type Read =
  | UnknownOutcome
  | { kind: 'refused'; status: number; failure: ProviderFailure }
  | { kind: 'ok'; body: Record<string, unknown>; text: string };

/** Faults are unknown; a 4xx or a 2xx with `successful: false` is Qattah's refusal. */
function read(sent: HttpAnswer | HttpFailure): Read {
  const res = providerAnswer(sent);
  if (res.kind === 'unknown') return res;
  if (res.status >= 400) {
    return {
      kind: 'refused',
      status: res.status,
      failure: translateQattahError(res.status, parseQattahError(parseJson(res.text))),
    };
  }
  const answer = readEnvelope(parseJson(res.text));
  if (answer.kind === 'garbage') return malformed(res.text);
  if (answer.kind === 'refused') {
    return { kind: 'refused', status: res.status, failure: translateQattahError(res.status, answer) };
  }
  return { kind: 'ok', body: answer.body, text: res.text };
}

/** The Qattah Pay split-bill connector (providers.md §3). */
export function createQattahConnector(options: QattahConnectorOptions): Connector {
  const config = (account: ConnectorAccount): QattahClientConfig => ({
    baseUrl: account.settings.base_url ?? QATTAH_BASE_URL,
    apiToken: account.credentials.api_token ?? '',
    // Checked when configured; anything else stored (by hand) gets the SDKs' form.
    authScheme: account.settings.auth_scheme === 'bare' ? 'bare' : 'bearer',
    timeoutMs: options.timeoutMs,
    dispatcher: dispatcherFor(options, account.mode),
  });

  async function retrieve(account: ConnectorAccount, reference: string): Promise<RetrieveOutcome> {
    const res = await getOrder(config(account), reference);
    if (res.kind === 'answer' && res.status === 404) return { kind: 'not_found' };
    const r = read(res);
    if (r.kind === 'unknown') return r;
    if (r.kind === 'refused') return { kind: 'rejected', failure: r.failure };
    const snapshot = parseOrderAnswer(r.body);
    // Another order than the one asked for is no answer about it.
    if (!snapshot || snapshot.providerPaymentId !== reference) return malformed(r.text);
    return { kind: 'found', snapshot };
  }

  return {
    id: 'qattah',
    capabilities: {
      methods: { qattah: ['SAR'] },
      maxAmountMinor: QATTAH_MAX_AMOUNT_MINOR,
      // Every share must be paid within 15 minutes (providers.md §3.4), counted from the order's
      // creation or from its first payer (`started_at`, seed 002): the gateway's window is the
      // shorter reading, and the order's own words and flags decide after it (docs/providers/qattah.md).
      paymentWindowMs: 15 * 60_000,
      // One full refund of a fully paid order (providers.md §3.6); a lost answer is settled by a GET.
      refunds: { partial: false, multiple: false, retrySafe: true },
      cancel: { statuses: ['requires_action'], at: 'provider' },
      idempotentCalls: false,
      requiresCustomerContact: false,
      void: null,
      // A timed-out order says so (TIMEOUT/EXPIRED); only its callback is missing (§7.3).
      expiresSilently: false,
      splitBill: true,
      keptHeaders: [],
    },
    configuration: {
      credentials: { required: ['api_token'], optional: [] },
      settings: ['base_url', 'auth_scheme'],
      checkSetting: (name, value) =>
        name === 'auth_scheme' && !QATTAH_AUTH_SCHEMES.includes(value as QattahAuthScheme)
          ? `must be ${QATTAH_AUTH_SCHEMES.map((v) => `"${v}"`).join(' or ')} (how the api_token is sent).`
          : undefined,
    },

    async createPayment(account: ConnectorAccount, req: ProviderPaymentRequest): Promise<CreateOutcome> {
      const r = read(await postOrder(config(account), buildOrderBody(req)));
      if (r.kind === 'unknown') return r;
      if (r.kind === 'refused') return { kind: 'rejected', failure: r.failure };
      const snapshot = parseOrderAnswer(r.body);
      return snapshot ? { kind: 'created', snapshot } : malformed(r.text);
    },

    retrievePayment: retrieve,

    returnReference(query) {
      // Qattah adds nothing documented to success_url / failure_url; an order_id is taken if present.
      const id = query.order_id;
      return id !== undefined && QATTAH_ORDER_ID.test(id) ? id : undefined;
    },

    parseNotification: (_account, notification) => parseQattahCallback(notification),

    async refundPayment(account: ConnectorAccount, req: ProviderRefundRequest): Promise<RefundOutcome> {
      const orderId = req.providerPaymentId;
      const r = read(await postRefund(config(account), orderId));
      if (r.kind === 'unknown') return r;
      if (r.kind === 'ok') return { kind: 'succeeded', providerRefundId: orderId };
      if (r.status === 401 || r.status === 404) return { kind: 'rejected', failure: r.failure };
      // Refused: if an earlier call whose answer was lost refunded the order, that is this refund.
      const got = await retrieve(account, orderId);
      if (got.kind === 'unknown') return got;
      if (got.kind === 'found' && got.snapshot.status === 'refunded') {
        return { kind: 'succeeded', providerRefundId: orderId };
      }
      return { kind: 'rejected', failure: r.failure };
    },

    async retrieveRefund(account: ConnectorAccount, orderId: string, _refundId: string): Promise<RefundLookup> {
      const got = await retrieve(account, orderId);
      if (got.kind !== 'found') return got;
      switch (got.snapshot.status) {
        case 'refunded':
          return { kind: 'found', status: 'succeeded', failureMessage: null };
        case 'captured':
        case 'processing':
          return { kind: 'found', status: 'pending', failureMessage: null };
        default:
          return {
            kind: 'found',
            status: 'failed',
            failureMessage: `The Qattah Pay order is ${got.snapshot.providerStatus}, not paid: nothing was refunded.`,
          };
      }
    },

    async cancelPayment(account: ConnectorAccount, orderId: string): Promise<CancelOutcome> {
      const r = read(await postCancel(config(account), orderId));
      if (r.kind === 'unknown') return r;
      if (r.kind === 'ok') return { kind: 'canceled', snapshot: parseOrderAnswer(r.body) ?? null };
      if (r.status === 401 || r.status === 404) return { kind: 'rejected', failure: r.failure };
      // Refused: an earlier cancel whose answer was lost may have done it already.
      const got = await retrieve(account, orderId);
      if (got.kind === 'unknown') return got;
      if (got.kind === 'found' && got.snapshot.status === 'canceled')
        return { kind: 'canceled', snapshot: got.snapshot };
      return { kind: 'rejected', failure: r.failure };
    },
  };
}

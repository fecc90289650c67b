import type {
  Connector,
  ConnectorAccount,
  CreateOutcome,
  ProviderPaymentRequest,
  ProviderRefundRequest,
  RefundLookup,
  RefundOutcome,
  RetrieveOutcome,
} from '../../core/connector-contract.ts';
import { toMajorNumber } from '../../core/money.ts';
import { dispatcherFor, type OutboundDispatchers } from '../../net/mode-dispatcher.ts';
import { type HttpAnswer, isObject, malformed, parseJson, providerAnswer } from '../http.ts';
import { getCharge, getRefund, postCharge, postRefund, type TapClientConfig } from './client.ts';
import { buildChargeBody, parseCharge, parseErrors, TAP_REFUND_STATUS, translateTapError } from './mapper.ts';
import { parseTapNotification } from './webhook.ts';

/** Tap's API host: one for test and live, the key decides (providers.md §2.1). */
export const TAP_BASE_URL = 'https://api.tap.company';

/** Options of the Tap connector. */
export interface TapConnectorOptions extends OutboundDispatchers {
  readonly timeoutMs: number;
}

const TAP_ID = /^chg_[A-Za-z0-9]{10,64}$/;

function rejected(res: HttpAnswer) {
  return { kind: 'rejected' as const, failure: translateTapError(res.status, parseErrors(parseJson(res.text))) };
}

/** The Tap Payments QPay connector (`src_qa.qpay`, providers.md §2). */
export function createTapConnector(options: TapConnectorOptions): Connector {
  const config = (account: ConnectorAccount): TapClientConfig => ({
    baseUrl: account.settings.base_url ?? TAP_BASE_URL,
    secretKey: account.credentials.secret_key ?? '',
    timeoutMs: options.timeoutMs,
    dispatcher: dispatcherFor(options, account.mode),
  });
  return {
    id: 'tap',
    capabilities: {
      methods: { qpay: ['QAR'] },
      maxAmountMinor: 99_999_999_999,
      paymentWindowMs: 30 * 60_000,
      refunds: { partial: true, multiple: true, retrySafe: true },
      cancel: { statuses: ['requires_action'], at: 'local' },
      // `reference.idempotent` on charges and refunds, honoured for 24 hours.
      idempotentCalls: true,
      requiresCustomerContact: true,
      void: null,
      expiresSilently: false,
      splitBill: false,
      keptHeaders: ['hashstring'],
    },
    configuration: { credentials: { required: ['secret_key'], optional: [] }, settings: ['base_url'] },

    async createPayment(account: ConnectorAccount, req: ProviderPaymentRequest): Promise<CreateOutcome> {
      const res = providerAnswer(await postCharge(config(account), buildChargeBody(req)));
      if (res.kind === 'unknown') return res;
      if (res.status >= 400) return rejected(res);
      const snapshot = parseCharge(parseJson(res.text));
      return snapshot ? { kind: 'created', snapshot } : malformed(res.text);
    },

    async retrievePayment(account: ConnectorAccount, reference: string): Promise<RetrieveOutcome> {
      const res = providerAnswer(await getCharge(config(account), reference));
      if (res.kind === 'unknown') return res;
      if (res.status === 404) return { kind: 'not_found' };
      if (res.status >= 400) return rejected(res);
      const snapshot = parseCharge(parseJson(res.text));
      return snapshot ? { kind: 'found', snapshot } : malformed(res.text);
    },

    returnReference(query) {
      const id = query.tap_id;
      return id !== undefined && TAP_ID.test(id) ? id : undefined;
    },

    parseNotification: parseTapNotification,

    async refundPayment(account: ConnectorAccount, req: ProviderRefundRequest): Promise<RefundOutcome> {
      const sent = await postRefund(config(account), {
        charge_id: req.providerPaymentId,
        amount: toMajorNumber(req.money),
        currency: req.money.currency,
        reason: 'requested_by_customer',
        reference: { merchant: req.refundId, idempotent: req.idempotencyKey },
        metadata: { udf1: req.refundId },
        post: { url: req.notificationUrl },
      });
      const res = providerAnswer(sent);
      if (res.kind === 'unknown') return res;
      if (res.status >= 400) return rejected(res);
      const body = parseJson(res.text);
      const id = isObject(body) && typeof body.id === 'string' ? body.id : undefined;
      return id ? { kind: 'accepted', providerRefundId: id } : malformed(res.text);
    },

    async retrieveRefund(account: ConnectorAccount, _chargeId: string, refundId: string): Promise<RefundLookup> {
      const res = providerAnswer(await getRefund(config(account), refundId));
      if (res.kind === 'unknown') return res;
      if (res.status === 404) return { kind: 'not_found' };
      if (res.status >= 400) return rejected(res);
      const body = parseJson(res.text);
      if (!isObject(body) || typeof body.status !== 'string') return malformed(res.text);
      const status = TAP_REFUND_STATUS[body.status];
      if (!status) return malformed(res.text);
      const response = isObject(body.response) ? body.response : {};
      const why = typeof response.message === 'string' && response.message !== '' ? response.message : body.status;
      return { kind: 'found', status, failureMessage: status === 'failed' ? `Tap refused the refund: ${why}.` : null };
    },
  };
}

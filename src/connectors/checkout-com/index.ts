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
import { dispatcherFor, type OutboundDispatchers } from '../../net/mode-dispatcher.ts';
import {
  type HttpAnswer,
  type HttpFailure,
  isObject,
  malformed,
  parseJson,
  providerAnswer,
  unexpected,
} from '../http.ts';
import { type CheckoutClientConfig, getActions, getPayment, postPayment, postRefund } from './client.ts';
import {
  buildCreateBody,
  buildRefundBody,
  MAX_AMOUNT_MINOR,
  parseErrorBody,
  parsePayment,
  refundStatusFromActions,
  translateError,
} from './mapper.ts';
import { parseCheckoutNotification } from './webhook.ts';

/** Options of the Checkout.com connector. */
export interface CheckoutComConnectorOptions extends OutboundDispatchers {
  /** Used when a connector account has no `base_url` setting. */
  readonly defaultBaseUrls: { readonly test: string; readonly live: string };
  readonly timeoutMs: number;
}

/** Checkout.com's hosts (providers.md §1.2). */
export const CHECKOUT_BASE_URLS = {
  test: 'https://api.sandbox.checkout.com',
  live: 'https://api.checkout.com',
} as const;

/** A session id is valid only in this shape (providers.md §1.5). */
const SESSION_ID = /^sid_[a-z0-9]{10,64}$/;

/** The Checkout.com QPay connector ("API only" flow, providers.md §1). */
export function createCheckoutComConnector(options: CheckoutComConnectorOptions): Connector {
  const config = (account: ConnectorAccount): CheckoutClientConfig => ({
    baseUrl: account.settings.base_url ?? options.defaultBaseUrls[account.mode],
    secretKey: account.credentials.secret_key ?? '',
    timeoutMs: options.timeoutMs,
    dispatcher: dispatcherFor(options, account.mode),
  });

  return {
    id: 'checkout_com',
    capabilities: {
      methods: { qpay: ['QAR'] },
      maxAmountMinor: MAX_AMOUNT_MINOR,
      paymentWindowMs: 15 * 60_000,
      refunds: { partial: true, multiple: true },
      // QPay payments cannot be voided (providers.md §1.7): a cancel is recorded here and the
      // provider's session is left to expire; a capture after it is caught and flagged.
      cancel: { statuses: ['requires_action'], at: 'local' },
      idempotentCalls: true,
      requiresCustomerContact: false,
      void: null,
      expiresSilently: false,
      splitBill: false,
      keptHeaders: ['cko-signature'],
    },
    configuration: {
      credentials: { required: ['secret_key'], optional: ['webhook_signature_key', 'webhook_authorization'] },
      settings: ['base_url', 'processing_channel_id'],
    },

    async createPayment(account: ConnectorAccount, req: ProviderPaymentRequest): Promise<CreateOutcome> {
      const body = buildCreateBody(req, account.settings);
      const res = await postPayment(config(account), body, req.idempotencyKey);
      return readCreate(res);
    },

    async retrievePayment(account: ConnectorAccount, reference: string): Promise<RetrieveOutcome> {
      const res = await getPayment(config(account), reference);
      return readRetrieve(res);
    },

    parseNotification: parseCheckoutNotification,

    async refundPayment(account: ConnectorAccount, req: ProviderRefundRequest): Promise<RefundOutcome> {
      const body = buildRefundBody(req.refundId, req.money.amount);
      const res = providerAnswer(await postRefund(config(account), req.providerPaymentId, body, req.idempotencyKey));
      if (res.kind === 'unknown') return res;
      if (res.status === 202 || res.status === 201 || res.status === 200) {
        const parsed = parseJson(res.text);
        const actionId = isObject(parsed) && typeof parsed.action_id === 'string' ? parsed.action_id : undefined;
        return actionId ? { kind: 'accepted', providerRefundId: actionId } : malformed(res.text);
      }
      return res.status >= 400 ? rejected(res) : unexpected(res);
    },

    async retrieveRefund(
      account: ConnectorAccount,
      providerPaymentId: string,
      providerRefundId: string,
    ): Promise<RefundLookup> {
      const res = providerAnswer(await getActions(config(account), providerPaymentId));
      if (res.kind === 'unknown') return res;
      if (res.status === 404) return { kind: 'not_found' };
      if (res.status >= 400) return rejected(res);
      const found = refundStatusFromActions(parseJson(res.text), providerRefundId);
      return found ? { kind: 'found', ...found } : malformed(res.text);
    },

    returnReference(query) {
      const sid = query['cko-session-id'];
      return sid !== undefined && SESSION_ID.test(sid) ? sid : undefined;
    },
  };
}

/** Checkout.com's refusal of a call, in Bawaba's terms. */
function rejected(res: HttpAnswer) {
  return { kind: 'rejected' as const, failure: translateError(res.status, parseErrorBody(parseJson(res.text))) };
}

function readCreate(sent: HttpAnswer | HttpFailure): CreateOutcome {
  const res = providerAnswer(sent);
  if (res.kind === 'unknown') return res;
  if (res.status === 201 || res.status === 202) {
    const snapshot = parsePayment(parseJson(res.text));
    return snapshot ? { kind: 'created', snapshot } : malformed(res.text);
  }
  return res.status >= 400 ? rejected(res) : unexpected(res);
}

function readRetrieve(sent: HttpAnswer | HttpFailure): RetrieveOutcome {
  const res = providerAnswer(sent);
  if (res.kind === 'unknown') return res;
  if (res.status === 200) {
    const snapshot = parsePayment(parseJson(res.text));
    return snapshot ? { kind: 'found', snapshot } : malformed(res.text);
  }
  if (res.status === 404) return { kind: 'not_found' };
  return res.status >= 400 ? rejected(res) : unexpected(res);
}

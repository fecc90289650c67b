import type {
  Connector,
  ConnectorAccount,
  CreateOutcome,
  ProviderPaymentRequest,
  ProviderRefundRequest,
  RefundLookup,
  RefundOutcome,
  RetrieveOutcome,
} from '../../core/ports.ts';
import { dispatcherFor, type OutboundDispatchers } from '../../net/mode-dispatcher.ts';
import { type HttpAnswer, type HttpFailure, isObject, parseJson } from '../http.ts';
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
      const res = await postRefund(config(account), req.providerPaymentId, body, req.idempotencyKey);
      const unknown = unknownOf(res);
      if (unknown || res.kind === 'failure') return unknown ?? { kind: 'unknown', reason: 'network', detail: '' };
      if (res.status === 202 || res.status === 201 || res.status === 200) {
        const parsed = parseJson(res.text);
        const actionId = isObject(parsed) && typeof parsed.action_id === 'string' ? parsed.action_id : undefined;
        if (!actionId) return { kind: 'unknown', reason: 'malformed_response', detail: res.text.slice(0, 200) };
        return { kind: 'accepted', providerRefundId: actionId };
      }
      if (res.status >= 400)
        return { kind: 'rejected', failure: translateError(res.status, parseErrorBody(parseJson(res.text))) };
      return { kind: 'unknown', reason: 'unexpected_response', detail: `HTTP ${res.status}` };
    },

    async retrieveRefund(
      account: ConnectorAccount,
      providerPaymentId: string,
      providerRefundId: string,
    ): Promise<RefundLookup> {
      const res = await getActions(config(account), providerPaymentId);
      const unknown = unknownOf(res);
      if (unknown || res.kind === 'failure') return unknown ?? { kind: 'unknown', reason: 'network', detail: '' };
      if (res.status === 404) return { kind: 'not_found' };
      if (res.status >= 400)
        return { kind: 'rejected', failure: translateError(res.status, parseErrorBody(parseJson(res.text))) };
      const found = refundStatusFromActions(parseJson(res.text), providerRefundId);
      if (!found) return { kind: 'unknown', reason: 'malformed_response', detail: res.text.slice(0, 200) };
      return { kind: 'found', ...found };
    },

    returnReference(query) {
      const sid = query['cko-session-id'];
      return sid !== undefined && SESSION_ID.test(sid) ? sid : undefined;
    },
  };
}

function unknownOf(res: HttpAnswer | HttpFailure): (CreateOutcome & RetrieveOutcome) | undefined {
  if (res.kind === 'failure') return { kind: 'unknown', reason: res.reason, detail: res.detail };
  if (res.status >= 500) {
    return { kind: 'unknown', reason: 'server_error', detail: `HTTP ${res.status}: ${res.text.slice(0, 200)}` };
  }
  if (res.status === 429) return { kind: 'unknown', reason: 'rate_limited', detail: 'HTTP 429' };
  // 409: a concurrent request with the same Cko-Idempotency-Key is still running there.
  if (res.status === 409) return { kind: 'unknown', reason: 'unexpected_response', detail: 'HTTP 409' };
  return undefined;
}

function readCreate(res: HttpAnswer | HttpFailure): CreateOutcome {
  const unknown = unknownOf(res);
  if (unknown || res.kind === 'failure') return unknown ?? { kind: 'unknown', reason: 'network', detail: '' };
  if (res.status === 201 || res.status === 202) {
    const snapshot = parsePayment(parseJson(res.text));
    if (!snapshot) return { kind: 'unknown', reason: 'malformed_response', detail: res.text.slice(0, 200) };
    return { kind: 'created', snapshot };
  }
  if (res.status >= 400)
    return { kind: 'rejected', failure: translateError(res.status, parseErrorBody(parseJson(res.text))) };
  return { kind: 'unknown', reason: 'unexpected_response', detail: `HTTP ${res.status}` };
}

function readRetrieve(res: HttpAnswer | HttpFailure): RetrieveOutcome {
  const unknown = unknownOf(res);
  if (unknown || res.kind === 'failure') return unknown ?? { kind: 'unknown', reason: 'network', detail: '' };
  if (res.status === 200) {
    const snapshot = parsePayment(parseJson(res.text));
    if (!snapshot) return { kind: 'unknown', reason: 'malformed_response', detail: res.text.slice(0, 200) };
    return { kind: 'found', snapshot };
  }
  if (res.status === 404) return { kind: 'not_found' };
  if (res.status >= 400)
    return { kind: 'rejected', failure: translateError(res.status, parseErrorBody(parseJson(res.text))) };
  return { kind: 'unknown', reason: 'unexpected_response', detail: `HTTP ${res.status}` };
}

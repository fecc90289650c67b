import type {
  Connector,
  ConnectorAccount,
  CreateOutcome,
  ProviderFailure,
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
import { CHECKOUT_BASE_URLS, checkoutBaseUrl, prefixProblem } from './hosts.ts';
import {
  buildCreateBody,
  buildRefundBody,
  cancellationOutcome,
  MAX_AMOUNT_MINOR,
  parseErrorBody,
  parsePayment,
  refundStatusFromActions,
  translateError,
} from './mapper.ts';
import { parseCheckoutNotification } from './webhook.ts';

/** Options of the Checkout.com connector. */
export interface CheckoutComConnectorOptions extends OutboundDispatchers {
  /** Used when a connector account has neither a `base_url` nor a `prefix` setting. */
  readonly defaultBaseUrls: { readonly test: string; readonly live: string };
  readonly timeoutMs: number;
}

export { CHECKOUT_BASE_URLS };

/** A session id is valid only in this shape (providers.md §1.5). */
const SESSION_ID = /^sid_[a-z0-9]{10,64}$/;

/** The Checkout.com QPay connector ("API only" flow, providers.md §1). */
export function createCheckoutComConnector(options: CheckoutComConnectorOptions): Connector {
  /** The account's client, or why its settings name no host to call (nothing is sent then). */
  const config = (account: ConnectorAccount): CheckoutClientConfig | { failure: ProviderFailure } => {
    const base = checkoutBaseUrl(account.settings, account.mode, options.defaultBaseUrls);
    if ('failure' in base) return base;
    return {
      baseUrl: base.url,
      secretKey: account.credentials.secret_key ?? '',
      timeoutMs: options.timeoutMs,
      dispatcher: dispatcherFor(options, account.mode),
    };
  };

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
      settings: ['base_url', 'prefix', 'processing_channel_id'],
      checkSetting: (name, value) => (name === 'prefix' ? prefixProblem(value) : undefined),
    },

    async createPayment(account: ConnectorAccount, req: ProviderPaymentRequest): Promise<CreateOutcome> {
      const cfg = config(account);
      if ('failure' in cfg) return { kind: 'rejected', failure: cfg.failure };
      const body = buildCreateBody(req, account.settings);
      const res = await postPayment(cfg, body, req.idempotencyKey);
      return readCreate(res);
    },

    async retrievePayment(account: ConnectorAccount, reference: string): Promise<RetrieveOutcome> {
      const cfg = config(account);
      if ('failure' in cfg) return { kind: 'rejected', failure: cfg.failure };
      const found = readRetrieve(await getPayment(cfg, reference));
      if (found.kind !== 'found' || found.snapshot.providerStatus !== 'Canceled') return found;
      // QPay's `Canceled` is a customer's cancel or a failed payment (CKO-2): its actions tell.
      const listed = found.actions ?? (await listActions(cfg, found.snapshot.providerPaymentId));
      if ('kind' in listed) return listed;
      return { kind: 'found', snapshot: cancellationOutcome(found.snapshot, listed.actions) };
    },

    parseNotification: parseCheckoutNotification,

    async refundPayment(account: ConnectorAccount, req: ProviderRefundRequest): Promise<RefundOutcome> {
      const cfg = config(account);
      if ('failure' in cfg) return { kind: 'rejected', failure: cfg.failure };
      const body = buildRefundBody(req.refundId, req.money.amount);
      const res = providerAnswer(await postRefund(cfg, req.providerPaymentId, body, req.idempotencyKey));
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
      const cfg = config(account);
      if ('failure' in cfg) return { kind: 'rejected', failure: cfg.failure };
      const res = providerAnswer(await getActions(cfg, providerPaymentId));
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

/** A lookup's outcome; a found payment keeps the `actions` its answer carried (a `sid_` lookup's). */
function readRetrieve(
  sent: HttpAnswer | HttpFailure,
):
  | Exclude<RetrieveOutcome, { kind: 'found' }>
  | (RetrieveOutcome & { kind: 'found'; actions?: { actions: unknown[] } }) {
  const res = providerAnswer(sent);
  if (res.kind === 'unknown') return res;
  if (res.status === 200) {
    const body = parseJson(res.text);
    const snapshot = parsePayment(body);
    if (!snapshot) return malformed(res.text);
    const actions = isObject(body) && Array.isArray(body.actions) ? { actions: body.actions } : undefined;
    return actions ? { kind: 'found', snapshot, actions } : { kind: 'found', snapshot };
  }
  if (res.status === 404) return { kind: 'not_found' };
  return res.status >= 400 ? rejected(res) : unexpected(res);
}

/** `GET /payments/{id}/actions`: the action list, or why it could not be read (an unknown outcome). */
async function listActions(
  cfg: CheckoutClientConfig,
  paymentId: string,
): Promise<{ actions: unknown[] } | Exclude<RetrieveOutcome, { kind: 'found' }>> {
  const res = providerAnswer(await getActions(cfg, paymentId));
  if (res.kind === 'unknown') return res;
  if (res.status === 200) {
    const body = parseJson(res.text);
    return Array.isArray(body) ? { actions: body } : malformed(res.text);
  }
  // The payment was just found: anything but a refused key leaves its outcome unknown for now.
  return res.status === 401 ? rejected(res) : unexpected(res);
}

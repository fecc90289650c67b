import type { AddressInfo } from 'node:net';
import type { AkuratecoControl } from './akurateco/control.ts';
import { TEST_CARD as AKURATECO_TEST_CARD, TEST_CVV as AKURATECO_TEST_CVV } from './akurateco/outcomes.ts';
import { createAkuratecoEmulator } from './akurateco/server.ts';
import type { CheckoutComControl } from './checkout-com/control.ts';
import type { Entity, WebhookEndpoint } from './checkout-com/entities.ts';
import { TEST_CARD } from './checkout-com/pages.ts';
import { createCheckoutComEmulator } from './checkout-com/server.ts';
import { APPROVING_PIN } from './checkout-com/state.ts';
import type { EmulatorStore } from './kit/store.ts';
import type { QattahControl } from './qattah/control.ts';
import { createQattahEmulator } from './qattah/server.ts';
import type { TapControl } from './tap/control.ts';
import { TEST_CARD as TAP_TEST_CARD } from './tap/page-text.ts';
import { createTapEmulator } from './tap/server.ts';
import { APPROVING_PIN as TAP_APPROVING_PIN } from './tap/state.ts';

export type EmulatorName = 'checkout_com' | 'tap' | 'akurateco' | 'qattah';

export type StartEmulatorOptions = {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Base URL as seen by clients (e.g. behind a proxy); defaults to http://host:port. */
  publicBaseUrl?: string;
  /** Akurateco: the merchant key (a UUID). Qattah: the api_token. */
  secretKey?: string;
  /** Tap only; Checkout.com generates its own. */
  publicKey?: string;
  /** Checkout.com; Akurateco: the merchant password. For Tap the secret key signs notifications. */
  webhookSignatureKey?: string;
  /** Akurateco only: the first merchant's callback URL (set in the admin panel for real). */
  notificationUrl?: string;
  /** Where the default entity's webhooks are sent, each with an optional static Authorization header. */
  webhooks?: WebhookEndpoint[];
  /** Tap and Akurateco: emulator time after which a pending (waiting) refund is REFUNDED by itself (default: never). */
  refundApprovalDelayMs?: number | null;
  /** Waits before each webhook retry (default 2 s, 10 s, 1 min, 5 min, 30 min; Akurateco: 15, 15, 15 min on the emulator clock). */
  notificationRetryDelaysMs?: readonly number[];
  /** Limit on one webhook delivery attempt (default 10 s). */
  notificationTimeoutMs?: number;
  /** Notification copies in flight to one URL at most (default 32); one payment's always go one at a time. */
  notificationMaxInFlight?: number;
  /**
   * Where the emulator keeps its state (payments, merchants and their keys, settings, clock) so
   * that a restart on the same store finds it again; default: memory only. The caller closes it.
   */
  store?: EmulatorStore;
};

export type EmulatorCredentials = { secretKey: string; publicKey: string; webhookSignatureKey: string };

export type RunningEmulator<Control = unknown> = {
  name: EmulatorName;
  baseUrl: string;
  credentials: EmulatorCredentials;
  /** Lines to print on start: base URL, accepted keys, test data, control API. */
  describe(): string[];
  /** Direct handle to the emulator's state for in-process use. */
  control: Control;
  close(): Promise<void>;
};

/**
 * The base URL an emulator puts in its links, read lazily: the public one if given, else the
 * real address once it listens (port 0 picks a free port).
 */
function lateBaseUrl(opts: StartEmulatorOptions) {
  let value = opts.publicBaseUrl?.replace(/\/+$/, '');
  return {
    get: () => value,
    async listen(app: { listen(o: { port: number; host: string }): Promise<unknown>; server: { address(): unknown } }) {
      const host = opts.host ?? '127.0.0.1';
      await app.listen({ port: opts.port ?? 0, host });
      const { port } = app.server.address() as AddressInfo;
      value ??= `http://${urlHost(host)}:${port}`;
      return value;
    },
  };
}

function urlHost(host: string): string {
  // A wildcard bind address is not something a client can connect to.
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function webhookList(entity: Entity): string {
  if (entity.webhooks.length === 0) return 'none';
  return entity.webhooks
    .map((w) => (w.authorization === undefined ? w.url : `${w.url} (with Authorization)`))
    .join(', ');
}

function entityLines(entities: Entity[], defaultId: string): string[] {
  const lines: string[] = [];
  for (const entity of entities) {
    if (entity.id === defaultId) {
      lines.push(
        `  Entity:         ${entity.id} (default)`,
        `  Webhook signature key: ${entity.webhookSignatureKey}`,
        `  Webhooks:       ${webhookList(entity)}`,
      );
      continue;
    }
    lines.push(
      `  Entity:         ${entity.id}`,
      `    Secret key:   ${entity.secretKey}`,
      `    Public key:   ${entity.publicKey}`,
      `    Webhook signature key: ${entity.webhookSignatureKey}`,
      `    Webhooks:     ${webhookList(entity)}`,
    );
  }
  return lines;
}

async function startCheckoutCom(opts: StartEmulatorOptions): Promise<RunningEmulator<CheckoutComControl>> {
  const base = lateBaseUrl(opts);
  const emulator = createCheckoutComEmulator({
    ...(opts.secretKey !== undefined && { secretKey: opts.secretKey }),
    ...(opts.webhookSignatureKey !== undefined && { webhookSignatureKey: opts.webhookSignatureKey }),
    ...(opts.webhooks !== undefined && { webhooks: opts.webhooks }),
    ...(opts.notificationRetryDelaysMs !== undefined && { notificationRetryDelaysMs: opts.notificationRetryDelaysMs }),
    ...(opts.notificationTimeoutMs !== undefined && { notificationTimeoutMs: opts.notificationTimeoutMs }),
    ...(opts.notificationMaxInFlight !== undefined && { notificationMaxInFlight: opts.notificationMaxInFlight }),
    ...(opts.store && { book: opts.store.book('checkout_com') }),
    baseUrl: base.get,
  });
  const resolvedBase = await base.listen(emulator.app);
  const { credentials } = emulator;
  const defaultId = emulator.entities.defaultEntity().id;
  return {
    name: 'checkout_com',
    baseUrl: resolvedBase,
    credentials,
    control: emulator.control,
    describe: () => [
      `Checkout.com QPay emulator: ${resolvedBase}`,
      `  API:            POST ${resolvedBase}/payments, GET ${resolvedBase}/payments/{pay_|sid_}, POST .../payments/{pay_}/refunds`,
      `  Refunds:        pending until approved or declined over the control API (or refund_approval_delay_ms)`,
      `  Secret key:     ${credentials.secretKey}  (Authorization: Bearer <key>)`,
      `  Public key:     ${credentials.publicKey}`,
      ...entityLines(emulator.control.listEntities(), defaultId),
      `  Test card:      ${TEST_CARD} (any Luhn-valid 16 to 19 digit card), any future expiry, any 6-digit OTP`,
      `  PIN ${APPROVING_PIN} approves; any other PIN declines`,
      `  Control API:    ${resolvedBase}/__control/ (clock, faults, payments, refunds, settings, reset, entities, notifications)`,
    ],
    close: () => emulator.app.close(),
  };
}

async function startTap(opts: StartEmulatorOptions): Promise<RunningEmulator<TapControl>> {
  const base = lateBaseUrl(opts);
  const emulator = createTapEmulator({
    ...(opts.secretKey !== undefined && { secretKey: opts.secretKey }),
    ...(opts.publicKey !== undefined && { publicKey: opts.publicKey }),
    ...(opts.notificationRetryDelaysMs !== undefined && { notificationRetryDelaysMs: opts.notificationRetryDelaysMs }),
    ...(opts.notificationTimeoutMs !== undefined && { notificationTimeoutMs: opts.notificationTimeoutMs }),
    ...(opts.notificationMaxInFlight !== undefined && { notificationMaxInFlight: opts.notificationMaxInFlight }),
    ...(opts.refundApprovalDelayMs !== undefined && { refundApprovalDelayMs: opts.refundApprovalDelayMs }),
    ...(opts.store && { book: opts.store.book('tap') }),
    baseUrl: base.get,
  });
  const resolvedBase = await base.listen(emulator.app);
  const { credentials } = emulator;
  return {
    name: 'tap',
    baseUrl: resolvedBase,
    credentials,
    control: emulator.control,
    describe: () => [
      `Tap Payments NAPS/QPay emulator: ${resolvedBase}  (real host https://api.tap.company)`,
      `  API:            POST ${resolvedBase}/v2/charges/ (source.id src_qa.qpay, QAR), GET .../v2/charges/{chg_}, POST .../v2/refunds, GET .../v2/refunds/{re_}`,
      `  Secret key:     ${credentials.secretKey}  (Authorization: Bearer <key>; also the hashstring key)`,
      `  Public key:     ${credentials.publicKey}  (refused by the API with error 2106)`,
      `  Charges:        INITIATED with transaction.url; ABANDONED after the 30-minute expiry; notified to post.url with a hashstring header`,
      `  Refunds:        PENDING until approved/declined/failed over the control API (or refund_approval_delay_ms)`,
      `  Test card:      ${TAP_TEST_CARD} (any Luhn-valid 16 to 19 digit card), any future expiry, any OTP`,
      `  PIN ${TAP_APPROVING_PIN} approves (CAPTURED); any other PIN declines (DECLINED)`,
      `  Control API:    ${resolvedBase}/__control/ (clock, faults, charges, refunds, notifications, merchants, settings, reset)`,
    ],
    close: () => emulator.app.close(),
  };
}

/**
 * Akurateco credentials in the shared shape: `secretKey` and `publicKey` are both the merchant
 * key (UUID; sent in every request), `webhookSignatureKey` is the merchant password (never sent;
 * it hashes requests and signs callbacks).
 */
async function startAkurateco(opts: StartEmulatorOptions): Promise<RunningEmulator<AkuratecoControl>> {
  const base = lateBaseUrl(opts);
  const emulator = createAkuratecoEmulator({
    ...(opts.secretKey !== undefined && { merchantKey: opts.secretKey }),
    ...(opts.webhookSignatureKey !== undefined && { password: opts.webhookSignatureKey }),
    ...(opts.notificationUrl !== undefined && { notificationUrl: opts.notificationUrl }),
    ...(opts.notificationRetryDelaysMs !== undefined && { notificationRetryDelaysMs: opts.notificationRetryDelaysMs }),
    ...(opts.notificationTimeoutMs !== undefined && { notificationTimeoutMs: opts.notificationTimeoutMs }),
    ...(opts.notificationMaxInFlight !== undefined && { notificationMaxInFlight: opts.notificationMaxInFlight }),
    ...(opts.refundApprovalDelayMs !== undefined && { refundApprovalDelayMs: opts.refundApprovalDelayMs }),
    ...(opts.store && { book: opts.store.book('akurateco') }),
    baseUrl: base.get,
  });
  const resolvedBase = await base.listen(emulator.app);
  const { merchantKey, password } = emulator.credentials;
  return {
    name: 'akurateco',
    baseUrl: resolvedBase,
    credentials: { secretKey: merchantKey, publicKey: merchantKey, webhookSignatureKey: password },
    control: emulator.control,
    describe: () => [
      `Akurateco Checkout (TESS Payments) emulator: ${resolvedBase}  (CHECKOUT_HOST; real host https://checkout.tesspayments.com)`,
      `  API:            POST ${resolvedBase}/api/v1/session, POST .../api/v1/payment/status, .../payment/refund, .../payment/void (JSON, no auth header)`,
      `  Merchant key:   ${merchantKey}`,
      `  Password:       ${password}  (hash = sha1(md5(strtoupper(fields + password))); also signs callbacks)`,
      `  Callbacks:      ${emulator.merchants.defaultMerchant().notificationUrl ?? 'none (set with POST /__control/merchants/{key}/notification_url)'}; retried at +15/+30/+45 min of emulator clock`,
      `  Test card:      ${AKURATECO_TEST_CARD}, CVV ${AKURATECO_TEST_CVV}, expiry month 01 settled, 02 decline, 05 3DS then success, 06 3DS then failure (year 25 accepted)`,
      `  Other cards:    any Luhn-valid card with a future expiry is settled`,
      `  Control API:    ${resolvedBase}/__control/ (clock, sweep, faults, payments, refunds, notifications, merchants, settings, reset)`,
    ],
    close: () => emulator.app.close(),
  };
}

/**
 * Qattah credentials in the shared shape: `secretKey` and `publicKey` are both the api_token
 * (the only secret Qattah has); `webhookSignatureKey` is '' because Qattah signs nothing: its
 * callback is a bare `GET {callback_url}?order_id=...` (providers.md §3.7).
 */
async function startQattah(opts: StartEmulatorOptions): Promise<RunningEmulator<QattahControl>> {
  const base = lateBaseUrl(opts);
  const emulator = createQattahEmulator({
    ...(opts.secretKey !== undefined && { apiToken: opts.secretKey }),
    ...(opts.notificationRetryDelaysMs !== undefined && { notificationRetryDelaysMs: opts.notificationRetryDelaysMs }),
    ...(opts.notificationTimeoutMs !== undefined && { notificationTimeoutMs: opts.notificationTimeoutMs }),
    ...(opts.notificationMaxInFlight !== undefined && { notificationMaxInFlight: opts.notificationMaxInFlight }),
    ...(opts.store && { book: opts.store.book('qattah') }),
    baseUrl: base.get,
  });
  const resolvedBase = await base.listen(emulator.app);
  const { apiToken } = emulator.credentials;
  return {
    name: 'qattah',
    baseUrl: resolvedBase,
    credentials: { secretKey: apiToken, publicKey: apiToken, webhookSignatureKey: '' },
    control: emulator.control,
    describe: () => [
      `Qattah Pay split-bill emulator (SAR only): ${resolvedBase}  (real host https://api.qattahpay.sa)`,
      `  API:            POST ${resolvedBase}/api/v1/merchant-integration/orders, GET .../orders/{ord_}, POST .../orders/{ord_}/refund (full only)`,
      `  Cancel:         POST ${resolvedBase}/api/v1/qattah/orders/{ord_}/cancel`,
      `  API token:      ${apiToken}  (Authorization: Bearer <token>, or the bare token)`,
      `  Hosted page:    ${resolvedBase}/{ord_} (split equally or by amounts; share links /{ord_}/invoices/{inv_}); ?lang=en|ar`,
      '  Payment:        "Apple Pay" and "mada" buttons pay a share; the order is PAID when every share is, TIMEOUT after 15 minutes',
      '  Callback:       GET {callback_url}?order_id=... once paid (unsigned, no body); retried on non-2xx',
      `  Control API:    ${resolvedBase}/__control/ (clock, expire, faults, orders, split, pay, callbacks, merchants, reset)`,
    ],
    close: () => emulator.app.close(),
  };
}

export function startEmulator(
  name: 'checkout_com',
  opts?: StartEmulatorOptions,
): Promise<RunningEmulator<CheckoutComControl>>;
export function startEmulator(name: 'tap', opts?: StartEmulatorOptions): Promise<RunningEmulator<TapControl>>;
export function startEmulator(
  name: 'akurateco',
  opts?: StartEmulatorOptions,
): Promise<RunningEmulator<AkuratecoControl>>;
export function startEmulator(name: 'qattah', opts?: StartEmulatorOptions): Promise<RunningEmulator<QattahControl>>;
export function startEmulator(name: EmulatorName, opts?: StartEmulatorOptions): Promise<RunningEmulator>;
export function startEmulator(name: EmulatorName, opts: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  switch (name) {
    case 'checkout_com':
      return startCheckoutCom(opts);
    case 'tap':
      return startTap(opts);
    case 'akurateco':
      return startAkurateco(opts);
    case 'qattah':
      return startQattah(opts);
    default:
      throw new Error(`unknown emulator: ${String(name satisfies never)}`);
  }
}

import { type RunningEmulator, type SandboxSetup, type StartEmulatorOptions, startEmulatorWith } from '../kit/entry.ts';
import type { AkuratecoControl } from './control.ts';
import { TEST_CARD, TEST_CVV } from './outcomes.ts';
import { createAkuratecoEmulator } from './server.ts';

/**
 * A sandbox account is a merchant of its own (merchant key and password, kept from the stored
 * ones) under the account's name, whose callbacks go to the account's hook URL. The emulator
 * answers status lookups by order_id too, as some white labels document, so the connector
 * account says so.
 */
export function sandboxSetup(control: AkuratecoControl): SandboxSetup {
  return {
    priority: 100,
    settings: { status_by_order_id: 'true' },
    merchant({ stored, hookUrl, name }) {
      const made = control.createMerchant({
        ...(stored?.merchant_key ? { merchantKey: stored.merchant_key } : {}),
        ...(stored?.password ? { password: stored.password } : {}),
        notificationUrl: hookUrl,
        ...(name.trim() !== '' && { name }),
      });
      return { merchant_key: made.merchantKey, password: made.password };
    },
  };
}

/**
 * Akurateco credentials in the shared shape: `secretKey` and `publicKey` are both the merchant
 * key (UUID; sent in every request), `webhookSignatureKey` is the merchant password (never sent;
 * it hashes requests and signs callbacks).
 */
export function startAkurateco(opts: StartEmulatorOptions): Promise<RunningEmulator<AkuratecoControl, 'akurateco'>> {
  return startEmulatorWith(opts, {
    name: 'akurateco',
    create: (common) =>
      createAkuratecoEmulator({
        ...common,
        ...(opts.secretKey !== undefined && { merchantKey: opts.secretKey }),
        ...(opts.webhookSignatureKey !== undefined && { password: opts.webhookSignatureKey }),
        ...(opts.notificationUrl !== undefined && { notificationUrl: opts.notificationUrl }),
        ...(opts.refundApprovalDelayMs !== undefined && { refundApprovalDelayMs: opts.refundApprovalDelayMs }),
      }),
    credentials: ({ credentials: { merchantKey, password } }) => ({
      secretKey: merchantKey,
      publicKey: merchantKey,
      webhookSignatureKey: password,
    }),
    control: (emulator) => emulator.control,
    sandbox: sandboxSetup,
    describe: (emulator, base) => [
      `Akurateco Checkout (TESS Payments) emulator: ${base}  (CHECKOUT_HOST; real host https://checkout.tesspayments.com)`,
      `  API:            POST ${base}/api/v1/session, POST .../api/v1/payment/status, .../payment/refund, .../payment/void (JSON, no auth header)`,
      `  Merchant key:   ${emulator.credentials.merchantKey}`,
      `  Password:       ${emulator.credentials.password}  (hash = sha1(md5(strtoupper(fields + password))); also signs callbacks)`,
      `  Callbacks:      ${emulator.merchants.defaultMerchant().notificationUrl ?? 'none (set with POST /__control/merchants/{key}/notification_url)'}; retried at +15/+30/+45 min of emulator clock`,
      `  Test card:      ${TEST_CARD}, CVV ${TEST_CVV}, expiry month 01 settled, 02 decline, 05 3DS then success, 06 3DS then failure (year 25 accepted)`,
      `  Other cards:    any Luhn-valid card with a future expiry is settled`,
      `  Control API:    ${base}/__control/ (clock, sweep, faults, payments, refunds, notifications, merchants, settings, reset)`,
    ],
  });
}

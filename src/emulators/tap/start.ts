import { type RunningEmulator, type SandboxSetup, type StartEmulatorOptions, startEmulatorWith } from '../kit/entry.ts';
import type { TapControl } from './control.ts';
import { TEST_CARD } from './page-text.ts';
import { createTapEmulator } from './server.ts';
import { APPROVING_PIN } from './state.ts';

/**
 * A sandbox account is a merchant of its own, under the account's name, keeping the stored
 * secret key; behind Checkout.com in routing order (Tap takes over when Checkout.com is
 * unavailable). Tap posts notifications to the URL each charge names.
 */
export function sandboxSetup(control: TapControl): SandboxSetup {
  return {
    priority: 200,
    settings: {},
    merchant({ stored, name }) {
      const merchant = control.createMerchant({
        ...(stored?.secret_key ? { secretKey: stored.secret_key } : {}),
        ...(name.trim() !== '' && { name }),
      });
      return { secret_key: merchant.secretKey };
    },
  };
}

export function startTap(opts: StartEmulatorOptions): Promise<RunningEmulator<TapControl, 'tap'>> {
  return startEmulatorWith(opts, {
    name: 'tap',
    create: (common) =>
      createTapEmulator({
        ...common,
        ...(opts.secretKey !== undefined && { secretKey: opts.secretKey }),
        ...(opts.publicKey !== undefined && { publicKey: opts.publicKey }),
        ...(opts.refundApprovalDelayMs !== undefined && { refundApprovalDelayMs: opts.refundApprovalDelayMs }),
      }),
    credentials: (emulator) => emulator.credentials,
    control: (emulator) => emulator.control,
    sandbox: sandboxSetup,
    describe: ({ credentials }, base) => [
      `Tap Payments NAPS/QPay emulator: ${base}  (real host https://api.tap.company)`,
      `  API:            POST ${base}/v2/charges/ (source.id src_qa.qpay, QAR), GET .../v2/charges/{chg_}, POST .../v2/refunds, GET .../v2/refunds/{re_}`,
      `  Secret key:     ${credentials.secretKey}  (Authorization: Bearer <key>; also the hashstring key)`,
      `  Public key:     ${credentials.publicKey}  (refused by the API with error 2106)`,
      `  Charges:        INITIATED with transaction.url; ABANDONED after the 30-minute expiry; notified to post.url with a hashstring header`,
      `  Refunds:        PENDING until approved/declined/failed over the control API (or refund_approval_delay_ms)`,
      `  Test card:      ${TEST_CARD} (any Luhn-valid 16 to 19 digit card), any future expiry, any OTP`,
      `  PIN ${APPROVING_PIN} approves (CAPTURED); any other PIN declines (DECLINED)`,
      `  Control API:    ${base}/__control/ (clock, faults, charges, refunds, notifications, merchants, settings, reset)`,
    ],
  });
}

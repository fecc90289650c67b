import { type RunningEmulator, type SandboxSetup, type StartEmulatorOptions, startEmulatorWith } from '../kit/entry.ts';
import type { QattahControl } from './control.ts';
import { createQattahEmulator } from './server.ts';

/**
 * A sandbox account is a merchant of its own, under the account's name, keeping the stored
 * api_token. Qattah calls back the URL each order names.
 */
export function sandboxSetup(control: QattahControl): SandboxSetup {
  return {
    priority: 100,
    settings: {},
    merchant({ stored, name }) {
      const merchant = control.createMerchant({
        name,
        ...(stored?.api_token ? { apiToken: stored.api_token } : {}),
      });
      return { api_token: merchant.apiToken };
    },
  };
}

/**
 * Qattah credentials in the shared shape: `secretKey` and `publicKey` are both the api_token
 * (the only secret Qattah has); `webhookSignatureKey` is '' because Qattah signs nothing: its
 * callback is a bare `GET {callback_url}?order_id=...` (providers.md §3.7).
 */
export function startQattah(opts: StartEmulatorOptions): Promise<RunningEmulator<QattahControl, 'qattah'>> {
  return startEmulatorWith(opts, {
    name: 'qattah',
    create: (common) =>
      createQattahEmulator({ ...common, ...(opts.secretKey !== undefined && { apiToken: opts.secretKey }) }),
    credentials: ({ credentials: { apiToken } }) => ({
      secretKey: apiToken,
      publicKey: apiToken,
      webhookSignatureKey: '',
    }),
    control: (emulator) => emulator.control,
    sandbox: sandboxSetup,
    describe: ({ credentials }, base) => [
      `Qattah Pay split-bill emulator (SAR only): ${base}  (real host https://api.qattahpay.sa)`,
      `  API:            POST ${base}/api/v1/merchant-integration/orders, GET .../orders/{ord_}, POST .../orders/{ord_}/refund (full only)`,
      `  Cancel:         POST ${base}/api/v1/qattah/orders/{ord_}/cancel`,
      `  API token:      ${credentials.apiToken}  (Authorization: Bearer <token>, or the bare token)`,
      `  Hosted page:    ${base}/{ord_} (split equally or by amounts; share links /{ord_}/invoices/{inv_}); ?lang=en|ar`,
      '  Payment:        "Apple Pay" and "mada" buttons pay a share; the order is PAID when every share is, TIMEOUT after 15 minutes',
      '  Callback:       GET {callback_url}?order_id=... once paid (unsigned, no body); retried on non-2xx',
      `  Control API:    ${base}/__control/ (clock, expire, faults, orders, split, pay, callbacks, merchants, reset)`,
    ],
  });
}

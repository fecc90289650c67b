import { type RunningEmulator, type SandboxSetup, type StartEmulatorOptions, startEmulatorWith } from '../kit/entry.ts';
import type { CheckoutComControl } from './control.ts';
import type { Entity } from './entities.ts';
import { TEST_CARD } from './pages.ts';
import { createCheckoutComEmulator } from './server.ts';
import { APPROVING_PIN } from './state.ts';

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

/**
 * A sandbox account is an entity of its own, under the account's name, keeping the stored keys,
 * whose webhooks go to the account's hook URL.
 */
export function sandboxSetup(control: CheckoutComControl): SandboxSetup {
  return {
    priority: 100,
    settings: {},
    merchant({ stored, hookUrl, name }) {
      const entity = control.createEntity({
        ...(name.trim() !== '' && { name }),
        ...(stored?.secret_key ? { secretKey: stored.secret_key } : {}),
        ...(stored?.webhook_signature_key ? { webhookSignatureKey: stored.webhook_signature_key } : {}),
      });
      control.setWebhooks(entity.id, [{ url: hookUrl }]);
      return { secret_key: entity.secretKey, webhook_signature_key: entity.webhookSignatureKey };
    },
  };
}

export function startCheckoutCom(
  opts: StartEmulatorOptions,
): Promise<RunningEmulator<CheckoutComControl, 'checkout_com'>> {
  return startEmulatorWith(opts, {
    name: 'checkout_com',
    create: (common) =>
      createCheckoutComEmulator({
        ...common,
        ...(opts.secretKey !== undefined && { secretKey: opts.secretKey }),
        ...(opts.webhookSignatureKey !== undefined && { webhookSignatureKey: opts.webhookSignatureKey }),
        ...(opts.webhooks !== undefined && { webhooks: opts.webhooks }),
      }),
    credentials: (emulator) => emulator.credentials,
    control: (emulator) => emulator.control,
    sandbox: sandboxSetup,
    describe: ({ credentials, control, entities }, base) => [
      `Checkout.com QPay emulator: ${base}`,
      `  API:            POST ${base}/payments, GET ${base}/payments/{pay_|sid_}, POST .../payments/{pay_}/refunds`,
      `  Refunds:        pending until approved or declined over the control API (or refund_approval_delay_ms)`,
      `  Secret key:     ${credentials.secretKey}  (Authorization: Bearer <key>)`,
      `  Public key:     ${credentials.publicKey}`,
      ...entityLines(control.listEntities(), entities.defaultEntity().id),
      `  Test card:      ${TEST_CARD} (any Luhn-valid 16 to 19 digit card), any future expiry, any 6-digit OTP`,
      `  PIN ${APPROVING_PIN} approves; any other PIN declines`,
      `  Control API:    ${base}/__control/ (clock, faults, payments, refunds, settings, reset, entities, notifications)`,
    ],
  });
}

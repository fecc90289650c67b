import type { Command } from 'commander';
import type { Gateway } from '../../main.ts';

/** The banner: where things are, the test key, and a curl to paste. */
export function banner(gateway: Gateway, mode: string): string {
  const key = gateway.sandboxKey;
  const shownKey = key?.secret ?? 'sk_test_...';
  const lines = [
    '',
    `Bawaba is running (${mode} mode)`,
    `  API:           ${gateway.url}   (reference: ${gateway.url}/docs; OpenAPI: ${gateway.url}/openapi.json)`,
  ];
  if (key?.secret && key.created) lines.push(`  Test API key:  ${key.secret}   (new; saved in ${key.file})`);
  else if (key?.secret) lines.push(`  Test API key:  ${key.secret}   (from ${key.file})`);
  else if (key) lines.push(`  Test API key:  none on file; make one with: npx bawaba keys create --mode test`);
  lines.push(`  Dashboard:     ${gateway.url}/dashboard`);
  if (key?.admin?.password)
    lines.push(`  Sign in as:    ${key.admin.email}   one-time password: ${key.admin.password}   (shown once)`);
  else if (key?.admin)
    lines.push(
      `  Sign in as:    ${key.admin.email}   (password shown at first start; new one: npx bawaba users reset-password --email ${key.admin.email})`,
    );
  for (const e of gateway.emulators)
    lines.push(`  Emulator:      ${e.name} at ${e.baseUrl}   (control API: ${e.baseUrl}/__control/)`);
  if (key) {
    lines.push(
      '',
      'Create a QPay payment:',
      `  curl -s ${gateway.url}/v1/payments \\`,
      `    -H "Authorization: Bearer ${shownKey}" \\`,
      `    -H "Idempotency-Key: demo-$(date +%s%N)" \\`,
      '    -H "Content-Type: application/json" \\',
      `    -d '{"amount": 1500, "currency": "QAR", "payment_method": "qpay", "return_url": "${gateway.url}/sandbox/return", "description": "Order 1001", "customer": {"national_id": "28463400123"}}'`,
      '',
      'Open next_action.url in a browser and pay with card 4215375500883243, any future expiry, PIN 677, any 6-digit OTP.',
      '',
    );
  }
  return lines.join('\n');
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('start the gateway (and, in sandbox mode, the provider emulators)')
    .action(async () => {
      const { loadConfig } = await import('../../config.ts');
      const { startGateway } = await import('../../main.ts');
      const config = loadConfig();
      const gateway = await startGateway(config);
      process.stdout.write(`${banner(gateway, config.mode)}\n`);
      const stop = async (signal: string) => {
        gateway.core.logger.info({ signal }, 'shutting down');
        await gateway.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}

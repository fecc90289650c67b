import type { Command } from 'commander';
import { withApiOptions } from '../api-options.ts';

/** Options of the list commands. */
export interface ListOptions {
  limit?: string;
  all?: boolean;
}

// Each action loads the SDK and its implementation only when it runs.
const run = () => import('./api-run.ts');

/** `payments`, `refunds` and `events`: the API, through the SDK. */
export function registerApiCommands(program: Command): void {
  const payments = program.command('payments').description('payments, through the API: list, get, create, cancel');
  withApiOptions(payments.command('list').description('list payments, newest first'))
    .option('--limit <n>', 'how many (1-100)', '20')
    .option('--all', 'every payment, page after page')
    .option('--status <status>', 'only payments in this status')
    .option('--reference <text>', "only payments with this merchant's reference")
    .action(async (opts) => (await run()).listPayments(opts));
  withApiOptions(payments.command('get').description('show a payment').argument('<id>', 'pay_...')).action(
    async (id: string, opts) => (await run()).getPayment(id, opts),
  );
  withApiOptions(payments.command('create').description('create a payment (test mode: pay it on the emulator)'))
    .requiredOption('--amount <n>', 'integer minor units, e.g. 1500 for QAR 15.00')
    .option('--currency <code>', 'ISO 4217', 'QAR')
    .option('--method <method>', 'qpay, card or qattah', 'qpay')
    .option('--return-url <url>', "where the customer goes afterwards (default: the gateway's /sandbox/return)")
    .option('--connector <id>', 'force a connector')
    .option('--reference <text>', "the merchant's reference")
    .option('--description <text>', 'what is paid for')
    .option('--idempotency-key <key>', 'default: a new one')
    .action(async (opts) => (await run()).createPayment(opts));
  withApiOptions(payments.command('cancel').description('cancel a payment not paid yet').argument('<id>', 'pay_...'))
    .option('--idempotency-key <key>', 'default: a new one')
    .action(async (id: string, opts) => (await run()).cancelPayment(id, opts));

  const refunds = program.command('refunds').description('refunds, through the API: create, get');
  withApiOptions(refunds.command('create').description('refund a captured payment').argument('<payment>', 'pay_...'))
    .option('--amount <n>', 'integer minor units (default: all that is left)')
    .option('--reason <text>', 'why')
    .option('--idempotency-key <key>', 'default: a new one')
    .action(async (paymentId: string, opts) => (await run()).createRefund(paymentId, opts));
  withApiOptions(refunds.command('get').description('show a refund').argument('<id>', 're_...')).action(
    async (id: string, opts) => (await run()).getRefund(id, opts),
  );

  const events = program.command('events').description('events, through the API: list, get, resend');
  withApiOptions(events.command('list').description('list events, newest first'))
    .option('--limit <n>', 'how many (1-100)', '20')
    .option('--all', 'every event, page after page')
    .option('--type <type>', 'only events of this type, e.g. payment.captured')
    .option('--object <id>', 'only events about this object, e.g. a pay_... id')
    .action(async (opts) => (await run()).listEvents(opts));
  withApiOptions(events.command('get').description('show an event').argument('<id>', 'evt_...')).action(
    async (id: string, opts) => (await run()).getEvent(id, opts),
  );
  withApiOptions(
    events
      .command('resend')
      .description('deliver an event again to the webhook endpoints it went to (or one of them)')
      .argument('<id>', 'evt_...'),
  )
    .option('--endpoint <id>', 'only to this endpoint (we_...)')
    .action(async (id: string, opts) => (await run()).resendEvent(id, opts));
}

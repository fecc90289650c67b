import type { Command } from 'commander';
import { withApiOptions } from '../api-options.ts';

/** The events `trigger` can make happen, each by the real sequence of calls. */
export const TRIGGERS = [
  'payment.requires_action',
  'payment.captured',
  'payment.failed',
  'payment.canceled',
  'payment.part_paid',
  'refund.created',
  'refund.succeeded',
] as const;

export function registerTriggerCommand(program: Command): void {
  withApiOptions(
    program
      .command('trigger')
      .description(
        'make an event really happen in test mode: create a QPay payment and pay, decline, cancel or refund it on the Checkout.com emulator; for payment.part_paid, split a Qattah bill in SAR in two and pay one share',
      )
      .argument('<event>', TRIGGERS.join(', ')),
  )
    .option('--amount <n>', 'integer minor units (QAR; SAR for payment.part_paid)', '1500')
    .action(async (event: string, opts) => (await import('./trigger-run.ts')).trigger(event, opts));
}

import type { EmulatorEntry } from '../kit/entry.ts';
import type { CheckoutComControl } from './control.ts';

/** The Checkout.com (QPay) emulator in the registry's list. */
export const checkoutComEmulator: EmulatorEntry<'checkout_com', CheckoutComControl> = {
  name: 'checkout_com',
  title: 'Checkout.com',
  defaultPort: 4100,
  start: async (opts) => (await import('./start.ts')).startCheckoutCom(opts),
};

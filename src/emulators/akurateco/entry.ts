import type { EmulatorEntry } from '../kit/entry.ts';
import type { AkuratecoControl } from './control.ts';

/** The Akurateco Checkout (TESS Payments) emulator in the registry's list. */
export const akuratecoEmulator: EmulatorEntry<'akurateco', AkuratecoControl> = {
  name: 'akurateco',
  title: 'Akurateco (TESS Payments) checkout',
  defaultPort: 4102,
  start: async (opts) => (await import('./start.ts')).startAkurateco(opts),
};

import type { EmulatorEntry } from '../kit/entry.ts';
import type { TapControl } from './control.ts';

/** The Tap Payments (NAPS/QPay) emulator in the registry's list. */
export const tapEmulator: EmulatorEntry<'tap', TapControl> = {
  name: 'tap',
  title: 'Tap Payments',
  defaultPort: 4101,
  start: async (opts) => (await import('./start.ts')).startTap(opts),
};

import type { EmulatorEntry } from '../kit/entry.ts';
import type { QattahControl } from './control.ts';

/** The Qattah Pay (split bills, SAR) emulator in the registry's list. */
export const qattahEmulator: EmulatorEntry<'qattah', QattahControl> = {
  name: 'qattah',
  title: 'Qattah Pay split-bill',
  defaultPort: 4103,
  start: async (opts) => (await import('./start.ts')).startQattah(opts),
};

import { EMULATOR_PORT_SETTINGS } from '../../src/config.ts';

/** The environment that puts every sandbox emulator on a free port (`BAWABA_EMULATOR_<ID>_PORT=0`). */
export function freeEmulatorPorts(): Record<string, string> {
  return Object.fromEntries(Object.values(EMULATOR_PORT_SETTINGS).map((s) => [s.name, '0']));
}

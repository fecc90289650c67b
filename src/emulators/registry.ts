/**
 * The one list of emulators. The configuration (one port variable each), the sandbox (one
 * emulator and one test-mode connector account each), `bawaba emulate` and the tests' gateway
 * all read it; a new provider's emulator is its folder, with an `entry.ts`, and its entry in this list.
 */
import { akuratecoEmulator } from './akurateco/entry.ts';
import { checkoutComEmulator } from './checkout-com/entry.ts';
import type { EmulatorEntry, RunningEmulator as RunningEmulatorOf, StartEmulatorOptions } from './kit/entry.ts';
import { qattahEmulator } from './qattah/entry.ts';
import { tapEmulator } from './tap/entry.ts';

export const EMULATORS = [checkoutComEmulator, tapEmulator, akuratecoEmulator, qattahEmulator] as const;

type Entry = (typeof EMULATORS)[number];

/** The id of a connector that has an emulator (each one has). */
export type EmulatorName = Entry['name'];

type ControlOf<E> = E extends EmulatorEntry<string, infer Control> ? Control : never;

/** The control handle of the emulator `name`. */
export type EmulatorControl<N extends EmulatorName> = ControlOf<Extract<Entry, { name: N }>>;

export type { EmulatorCredentials, SandboxAccount, SandboxSetup, StartEmulatorOptions } from './kit/entry.ts';

export type RunningEmulator<Control = unknown> = RunningEmulatorOf<Control, EmulatorName>;

/** The names of every emulator, in the list's order. */
export const EMULATOR_NAMES: readonly EmulatorName[] = EMULATORS.map((e) => e.name);

export function isEmulatorName(name: string): name is EmulatorName {
  return (EMULATOR_NAMES as readonly string[]).includes(name);
}

export function startEmulator<N extends EmulatorName>(
  name: N,
  opts: StartEmulatorOptions = {},
): Promise<RunningEmulator<EmulatorControl<N>>> {
  const entry = EMULATORS.find((e) => e.name === name);
  if (!entry) throw new Error(`unknown emulator: ${String(name)}`);
  // The entry found is the one named `name`, so its control is `EmulatorControl<N>`.
  return entry.start(opts) as Promise<RunningEmulator<EmulatorControl<N>>>;
}

/** Every emulator, by name, as `startEmulator` makes them. */
export type RunningEmulators = { readonly [N in EmulatorName]: RunningEmulator<EmulatorControl<N>> };

/**
 * Starts every emulator (one after the other, in the list's order) with the options `optionsOf`
 * gives each; if one fails, those already started are closed.
 */
export async function startEmulators(
  optionsOf: (name: EmulatorName) => StartEmulatorOptions = () => ({}),
): Promise<RunningEmulators> {
  const started: RunningEmulator[] = [];
  try {
    for (const entry of EMULATORS) started.push(await entry.start(optionsOf(entry.name)));
  } catch (err) {
    for (const emulator of started.reverse()) await emulator.close();
    throw err;
  }
  // Each was started by the entry of its name.
  return Object.fromEntries(started.map((e) => [e.name, e])) as unknown as RunningEmulators;
}

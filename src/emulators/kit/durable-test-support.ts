// Test support of the emulators' durable state: an emulator started on a store file in a
// temporary folder (removed after the test), stopped as a restart would stop it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { type EmulatorBook, type EmulatorStore, openFileStore } from './store.ts';

/** A store file's path in a fresh temporary folder, removed when the test ends. */
export function storeFile(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-durable-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'emulators.sqlite');
}

/** An emulator running on the store at `path` (written 10 ms after each change). */
export interface OnStore<E> {
  readonly emu: E;
  readonly store: EmulatorStore;
}

/** Starts an emulator made by `make` with its book of the store file at `path`. */
export function startOnStore<E>(path: string, name: string, make: (book: EmulatorBook) => E): OnStore<E> {
  const store = openFileStore(path, { flushIntervalMs: 10 });
  return { emu: make(store.book(name)), store };
}

/** Stops it as a restart would: its server closes, then its store writes what is left and closes. */
export async function stopOnStore(running: OnStore<{ app: { close(): Promise<unknown> } }>): Promise<void> {
  await running.emu.app.close();
  running.store.close();
}

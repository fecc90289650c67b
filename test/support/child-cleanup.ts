/**
 * Child processes and temporary directories of a long-running test tool (soak, bench): every
 * child is killed and every directory removed when the process ends, on SIGINT or SIGTERM too.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

const children = new Set<ChildProcess>();
const directories = new Set<string>();
let hooked = false;

function cleanUpNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  directories.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      cleanUpNow();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
}

/** Kills `child` when this process ends, unless it has exited before. */
export function killOnExit(child: ChildProcess): void {
  hookExit();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** Removes `dir` when this process ends, if nothing removed it before. */
export function removeOnExit(dir: string): void {
  hookExit();
  directories.add(dir);
}

/** Removes a directory now (and forgets it). */
export function removeNow(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  directories.delete(dir);
}

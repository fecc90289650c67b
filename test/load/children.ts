/**
 * The bench's other processes (provider emulator, gateway nodes, a bare Fastify server, CLI
 * set-up commands): spawned from this repository's own `bin/bawaba.mjs`, their output kept in a
 * log file, their CPU time and memory read from /proc, and every one killed (and every temporary
 * directory removed) when the bench ends, however it ends.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killOnExit } from '../support/child-cleanup.ts';

export { removeOnExit } from '../support/child-cleanup.ts';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'bawaba.mjs');

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`: 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Environment of a child: this one's without any gateway setting, plus `settings`. */
function childEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('BAWABA_') || ['PORT', 'HOST', 'LOG_LEVEL', 'NODE_OPTIONS'].includes(name)) continue;
    env[name] = value;
  }
  return { ...env, ...settings };
}

/** CPU time and resident memory of one process, from /proc. */
export interface ProcessStats {
  /** User plus system CPU time so far, in milliseconds (10 ms resolution); NaN once it has ended. */
  cpuMs(): number;
  /** Resident memory (VmRSS), in kibibytes; undefined once the process is gone. */
  rssKb(): number | undefined;
}

export function processStats(pid: number): ProcessStats {
  return {
    cpuMs() {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return Number.NaN;
      }
      // The command name (field 2) is in parentheses and may hold spaces: count after it.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 (utime) and 15 (stime) of the whole line are 12 and 13 after the name.
      const ticks = Number(fields[11]) + Number(fields[12]);
      return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
    },
    rssKb() {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
        return kb === undefined ? undefined : Number(kb);
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * CPU time so far of every process of this machine named `command` (e.g. a local PostgreSQL
 * server's postmaster and backends), in milliseconds: their own, plus what their children that
 * ended had used (a backend that exits moves its time into its postmaster's `cutime`/`cstime`).
 */
export function cpuOfCommand(command: string): number {
  let ms = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== command) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime, stime, cutime, cstime: fields 14 to 17 of the line.
      const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      ms += (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      // It ended meanwhile.
    }
  }
  return ms;
}

/** A running child process of the bench. */
export interface Child extends ProcessStats {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Its log so far. */
  log(): string;
  /** The last lines of its log. */
  logTail(lines?: number): string;
  /** Whether it exited (and how), or undefined while it runs. */
  exitStatus(): string | undefined;
  /** Resolves once its log matches `pattern`; throws if it exits first or `timeoutMs` passes. */
  waitForLog(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** SIGTERM (graceful: a CPU profile gets written), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns `node [nodeArgs] args…` in the repository, its stdout and stderr appended to `logFile`. */
export function spawnChild(
  name: string,
  args: readonly string[],
  settings: Record<string, string>,
  logFile: string,
  nodeArgs: readonly string[] = [],
): Child {
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: ROOT,
      env: childEnv(settings),
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  if (child.pid === undefined) throw new Error(`${name}: could not spawn ${args.join(' ')}`);
  const pid = child.pid;
  killOnExit(child);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const exitStatus = () =>
    child.exitCode !== null
      ? `exit ${child.exitCode}`
      : child.signalCode !== null
        ? `signal ${child.signalCode}`
        : undefined;
  const stats = processStats(pid);
  return {
    name,
    pid,
    logFile,
    log: readLog,
    logTail: (lines = 30) => readLog().split('\n').slice(-lines).join('\n'),
    exitStatus,
    cpuMs: stats.cpuMs,
    rssKb: stats.rssKb,
    async waitForLog(pattern, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(readLog());
        if (match) return match;
        const status = exitStatus();
        if (status) throw new Error(`${name} ended (${status}) before printing ${pattern}:\n${readLog()}`);
        if (Date.now() > deadline)
          throw new Error(`${name} did not print ${pattern} in ${timeoutMs} ms:\n${readLog()}`);
        await sleep(25);
      }
    },
    async stop(graceMs = 10_000) {
      if (exitStatus()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a command to its end; resolves with its output, throws (with the output) unless it exits 0. */
export async function runCommand(
  name: string,
  args: readonly string[],
  settings: Record<string, string>,
  logFile: string,
  timeoutMs = 60_000,
): Promise<string> {
  const child = spawnChild(name, args, settings, logFile);
  const deadline = Date.now() + timeoutMs;
  while (!child.exitStatus()) {
    if (Date.now() > deadline) {
      await child.stop(0);
      throw new Error(`${name} did not finish in ${timeoutMs} ms:\n${child.logTail()}`);
    }
    await sleep(25);
  }
  if (child.exitStatus() !== 'exit 0') throw new Error(`${name} failed (${child.exitStatus()}):\n${child.logTail()}`);
  return child.log();
}

/** Polls `url` until it answers 200; throws (with the child's log) when it exits or takes too long. */
export async function waitHealthy(child: Child, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = child.exitStatus();
    if (status) throw new Error(`${child.name} exited at start (${status}):\n${child.logTail()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${child.name} not healthy within ${timeoutMs} ms:\n${child.logTail()}`);
    await sleep(50);
  }
}

/**
 * The gateway as a child process (`bawaba serve`) that the crash soak kills with SIGKILL and
 * starts again, plus the clean-up every soak owes its machine: children killed and temporary
 * directories removed whatever happens, on process exit and on SIGINT/SIGTERM too.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { killOnExit } from '../support/child-cleanup.ts';

export { removeNow, removeOnExit } from '../support/child-cleanup.ts';

const root = join(import.meta.dirname, '..', '..');

/** A free TCP port on 127.0.0.1 (the gateway's public URL must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Environment of the gateway child: the parent's, without any Bawaba setting, plus `settings`. */
function childEnv(settings: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('BAWABA_') || ['PORT', 'HOST', 'LOG_LEVEL'].includes(name)) continue;
    env[name] = value;
  }
  return { ...env, ...settings };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** One `bawaba serve` at a fixed port, started, killed and restarted at will. */
export interface GatewayProcess {
  readonly url: string;
  readonly logFile: string;
  /** Spawns it and waits for `/healthz`; throws (with the log's tail) if it does not come up. */
  start(): Promise<void>;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** How many times it was started. */
  readonly starts: number;
  /** The last lines of its log. */
  logTail(lines?: number): string;
  /** Lines of its log at level error or above. */
  errorLines(): string[];
}

/**
 * A gateway child: `node bin/bawaba.mjs serve` with `settings` as its environment (PORT,
 * BAWABA_* ...), stdout and stderr appended to `logFile`.
 */
export function gatewayProcess(port: number, settings: Record<string, string>, logFile: string): GatewayProcess {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let starts = 0;
  const env = childEnv({ ...settings, PORT: String(port), HOST: '127.0.0.1' });

  const readLog = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  const logTail = (lines = 40) => readLog().split('\n').slice(-lines).join('\n');

  async function healthy(): Promise<boolean> {
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  async function spawnOnce(timeoutMs: number): Promise<void> {
    const log = openSync(logFile, 'a');
    let started: ChildProcess;
    try {
      started = spawn(process.execPath, [join(root, 'bin', 'bawaba.mjs'), 'serve'], {
        cwd: root,
        env,
        stdio: ['ignore', log, log],
      });
    } finally {
      closeSync(log);
    }
    killOnExit(started);
    child = started;
    starts++;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (started.exitCode !== null || started.signalCode !== null) {
        throw new Error(`gateway exited at start (${started.exitCode ?? started.signalCode}):\n${logTail()}`);
      }
      if (await healthy()) return;
      await sleep(50);
    }
    started.kill('SIGKILL');
    await exited(started);
    throw new Error(`gateway not healthy within ${timeoutMs} ms:\n${logTail()}`);
  }

  return {
    url,
    logFile,
    get starts() {
      return starts;
    },
    async start() {
      // A start can fail for a passing reason (the port not yet free again, a busy database):
      // a few tries, then the error with the log.
      for (let attempt = 1; ; attempt++) {
        try {
          return await spawnOnce(60_000);
        } catch (err) {
          if (attempt >= 3) throw err;
          await sleep(1000);
        }
      }
    },
    async kill() {
      const current = child;
      if (!current) return;
      current.kill('SIGKILL');
      await exited(current);
    },
    async stop(graceMs = 10_000) {
      const current = child;
      if (!current || current.exitCode !== null || current.signalCode !== null) return;
      current.kill('SIGTERM');
      const timer = setTimeout(() => current.kill('SIGKILL'), graceMs);
      await exited(current);
      clearTimeout(timer);
    },
    logTail,
    errorLines() {
      return readLog()
        .split('\n')
        .filter((line) => {
          const level = /"level":(\d+)/.exec(line)?.[1];
          return level !== undefined && Number(level) >= 50;
        });
    },
  };
}

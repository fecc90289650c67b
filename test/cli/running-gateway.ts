// A real gateway listening on loopback with its own data folder, as `bawaba serve` starts it,
// for tests that run the CLI or the SDK's examples as separate processes against it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { type Gateway, startGateway } from '../../src/main.ts';
import { freeEmulatorPorts } from '../support/emulator-ports.ts';
import { waitFor as waitUntil } from '../support/wait.ts';

export const root = resolve(import.meta.dirname, '../..');
export const BIN = join(root, 'bin/bawaba.mjs');

/** A gateway, the environment that points a process at it, and its sandbox test key. */
export interface RunningGateway {
  readonly gateway: Gateway;
  readonly url: string;
  readonly key: string;
  /** What a CLI process needs to reach the same database and API. */
  readonly env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Starts a sandbox gateway (emulators included) on free ports, with a fresh SQLite database. */
export async function startRunningGateway(): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'bawaba-cli-'));
  const settings = {
    PORT: '0',
    HOST: '127.0.0.1',
    ...freeEmulatorPorts(),
    BAWABA_DATA_DIR: dir,
    LOG_LEVEL: 'silent',
  };
  const gateway = await startGateway(loadConfig(settings));
  const key = gateway.sandboxKey?.secret ?? '';
  const env: NodeJS.ProcessEnv = { ...process.env, ...settings, BAWABA_API_KEY: key, BAWABA_URL: gateway.url };
  delete env.NODE_OPTIONS;
  return {
    gateway,
    url: gateway.url,
    key,
    env,
    close: async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a finished process printed. */
export interface Finished {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `node <args>` to its end without blocking this process, which may be hosting the gateway
 * the child talks to.
 */
export function runNode(args: readonly string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000) {
  return runProgram(process.execPath, args, env, timeoutMs);
}

/** `runNode`'s counterpart for any program (`sh`, `npm`): runs it to its end without blocking this process. */
export function runProgram(file: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000) {
  return new Promise<Finished>((resolvePromise, reject) => {
    const child = spawn(file, args, { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}

/** Runs `node bin/bawaba.mjs ...args` to its end. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<Finished> {
  return runNode([BIN, ...args], env);
}

/** Polls `check` until it holds (10 s unless told). */
export const waitFor = (check: () => Promise<boolean> | boolean, ms = 10_000, what = 'condition') =>
  waitUntil(check, ms, what);

/**
 * Running one README command for real against a test gateway: the CLI binary, `curl` and `sh`
 * with the README's placeholders replaced, and long-running commands (`listen`, `emulate`)
 * started and stopped with Ctrl-C. Records the CLI invocations so that a test can check they
 * are the README line's command and use each of its options.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, type Finished, type RunningGateway, root, runCli, runProgram, waitFor } from '../cli/running-gateway.ts';
import { killOnExit } from '../support/child-cleanup.ts';
import type { ShellCommand } from './shell-commands.ts';

/** An HTTP answer `curl` printed: status and headers from its `-D` file, the body parsed. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Record<string, unknown>;
}

/** A long-running CLI process (`listen`, `emulate`). */
export interface Started {
  readonly child: ChildProcess;
  stdout(): string;
  /** Waits until stdout matches `pattern` (20 s) and answers the match. */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  /** Ctrl-C, then its exit status. */
  stop(): Promise<number | null>;
}

/** Runs any program (`sh`, `npm`) to its end without blocking this process. */
export const run = runProgram;

/** The `npx bawaba` words before the first argument or option: `payments list`, `emulate`. */
function commandPath(args: string): string[] {
  const path: string[] = [];
  for (const word of args.split(' ')) {
    if (!/^[a-z][a-z-]*$/.test(word)) break;
    path.push(word);
  }
  return path;
}

/**
 * Checks the CLI invocations made for a README line `npx bawaba <command> [options]`: there is
 * one at least, each runs that command, every option the line shows is used by one of them,
 * and none uses an option the line does not show (`--json` aside, which every API command takes).
 */
export function checkInvocations(command: string, invocations: readonly (readonly string[])[]): void {
  const m = /^npx bawaba (.*)$/.exec(command);
  if (!m) return;
  const line = m[1] as string;
  assert.ok(invocations.length > 0, `${command}: the test never runs it`);
  const path = commandPath(line);
  for (const args of invocations) {
    assert.deepEqual(args.slice(0, path.length), path, `${command}: the test runs bawaba ${args.join(' ')}`);
  }
  const shown = new Set(line.match(/--[a-z][a-z-]*/g) ?? []);
  const used = new Set(invocations.flat().filter((a) => /^--[a-z]/.test(a)));
  assert.deepEqual(
    [...shown].filter((f) => !used.has(f)),
    [],
    `${command}: options the README shows that the test never passes`,
  );
  assert.deepEqual(
    [...used].filter((f) => !shown.has(f) && f !== '--json'),
    [],
    `${command}: options the test passes that the README line does not show`,
  );
}

/** What the gateway's address replaces in a README command. */
const README_GATEWAY = 'localhost:4000';

/** The tools one README command's test gets, bound to that command. */
export class CommandTools {
  readonly invocations: string[][] = [];
  private readonly started: Started[] = [];
  private curls = 0;

  readonly command: ShellCommand;
  private readonly gw: RunningGateway;
  private readonly scratch: string;

  constructor(command: ShellCommand, gw: RunningGateway, scratch: string) {
    this.command = command;
    this.gw = gw;
    this.scratch = scratch;
  }

  /** Runs `bawaba ...args`; asserts exit status 0 and answers stdout. */
  async cli(...args: string[]): Promise<string> {
    this.invocations.push(args);
    const done = await runCli(args, this.gw.env);
    assert.equal(done.status, 0, `bawaba ${args.join(' ')}: ${done.stderr}${done.stdout}`);
    return done.stdout;
  }

  /** Runs `bawaba ...args --json` and parses what it printed. */
  async cliJson<T>(...args: string[]): Promise<T> {
    return JSON.parse(await this.cli(...args, '--json')) as T;
  }

  /** Starts a long-running `bawaba ...args` (stopped with Ctrl-C by `stop()`, or by `close()`). */
  start(...args: string[]): Started {
    this.invocations.push(args);
    const child = spawn(process.execPath, [BIN, ...args], {
      env: this.gw.env,
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    killOnExit(child);
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      err += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const started: Started = {
      child,
      stdout: () => out,
      waitFor: async (pattern) => {
        const found: { match?: RegExpExecArray | null } = {};
        await waitFor(
          () => {
            found.match = pattern.exec(out);
            return found.match !== null || child.exitCode !== null;
          },
          20_000,
          `bawaba ${args.join(' ')} to print ${pattern}`,
        );
        assert.ok(
          found.match,
          `bawaba ${args.join(' ')} exited (${child.exitCode}) before printing ${pattern}: ${err}`,
        );
        return found.match;
      },
      stop: async () => {
        child.kill('SIGINT');
        return exited;
      },
    };
    this.started.push(started);
    return started;
  }

  /**
   * The README command's text as written (`raw`, continuation lines kept, or the one-line `text`),
   * with the gateway's address for `localhost:4000` and each `replace` key (which must occur in
   * it) by its value; no placeholder may be left.
   */
  text(replace: Readonly<Record<string, string>> = {}, form: 'raw' | 'text' = 'raw'): string {
    let text = this.command[form].split(README_GATEWAY).join(new URL(this.gw.url).host);
    for (const [from, to] of Object.entries(replace)) {
      assert.ok(text.includes(from), `${this.command.text}: no ${from} to replace`);
      text = text.split(from).join(to);
    }
    assert.doesNotMatch(text, /\.\.\.|…/, `${this.command.text}: a placeholder is left in ${text}`);
    return text;
  }

  /** The arguments of a README line `npx bawaba ...` without `[options]`, placeholders replaced. */
  argv(replace: Readonly<Record<string, string>> = {}): string[] {
    const text = this.text(replace, 'text');
    assert.match(text, /^npx bawaba /);
    assert.doesNotMatch(text, /[[\]'"$]/, `${text}: not a plain command line`);
    return text.slice('npx bawaba '.length).split(' ');
  }

  /**
   * Runs the README command in `sh` with `env` added to the gateway's environment, `$KEY` set to
   * its test key unless `env` says otherwise; asserts exit status 0.
   */
  async shell(
    replace: Readonly<Record<string, string>> = {},
    append = '',
    env: NodeJS.ProcessEnv = {},
  ): Promise<Finished> {
    const text = this.text(replace);
    if (text.startsWith('npx bawaba ')) this.invocations.push(this.argv(replace));
    const done = await run('sh', ['-c', `${text}${append}`], { ...this.gw.env, KEY: this.gw.key, ...env });
    assert.equal(done.status, 0, `${this.command.text}: ${done.stderr}${done.stdout}`);
    return done;
  }

  /** Runs the README's `curl` command (see `shell`) and answers the status, headers and JSON body. */
  async curl(replace: Readonly<Record<string, string>> = {}): Promise<Answer> {
    assert.match(this.command.text, /^curl /);
    const headersFile = join(this.scratch, `headers-${this.command.line}-${this.curls++}.txt`);
    const done = await this.shell(replace, ` -D '${headersFile}'`);
    const lines = readFileSync(headersFile, 'utf8').trim().split(/\r?\n/);
    rmSync(headersFile);
    const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(lines[0] ?? '')?.[1]);
    const headers = Object.fromEntries(
      lines.slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    let body: unknown;
    assert.doesNotThrow(() => {
      body = JSON.parse(done.stdout);
    }, `${this.command.text}: the answer is not JSON: ${done.stdout}`);
    assert.ok(typeof body === 'object' && body !== null, `${this.command.text}: the answer is a JSON object`);
    return { status, headers, body: body as Record<string, unknown> };
  }

  /** Stops whatever `start` left running. */
  async close(): Promise<void> {
    await Promise.all(this.started.filter((s) => s.child.exitCode === null).map((s) => s.stop()));
  }
}

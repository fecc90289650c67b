/**
 * The checks of a README command that is not run but mapped to the test that exercises it: that
 * test exists and mentions it; an `npm` script it names exists; every option it passes after
 * `--` is one the script reads; every path it names exists; every `NAME=value` before it names a
 * variable some source file reads.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { root } from '../cli/running-gateway.ts';

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** A README command mapped to what exercises it. */
export interface Mapped {
  /** The test (or CI script) that exercises the command. */
  readonly test: string;
  /** What that file must contain. */
  readonly mentions: readonly string[];
}

/** The text of every file under `dir` that a command could read a variable in. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.(ts|mjs|js)$|^run$/.test(e.name) ? [readFileSync(join(root, path), 'utf8')] : [];
  });
}

/** The text of every source file (src, test, scripts, bin, .ci): where a variable must be read. */
const SOURCES: readonly string[] = ['src', 'test', 'scripts', 'bin', '.ci'].flatMap(sources);

/** Whether a file of `dir` reads the option `--name` (as `'--name'`, or a parseArgs key `name: {`). */
function readsOption(dir: string, option: string): boolean {
  const name = option.slice(2);
  const pattern = new RegExp(`['"\`]--${name}\\b|['"]?\\b${name}['"]?\\s*:\\s*\\{`);
  return readdirSync(join(root, dir))
    .filter((f) => /\.(ts|mjs|js)$/.test(f))
    .some((f) => pattern.test(readFileSync(join(root, dir, f), 'utf8')));
}

/** The arguments given to a script whose entry file is `entry`: options it reads, paths that exist. */
function checkArguments(command: string, entry: string | undefined, args: readonly string[]): void {
  if (args.length === 0) return;
  assert.ok(entry, `${command}: arguments for a script that runs no file`);
  for (const arg of args) {
    if (arg.startsWith('--'))
      assert.ok(readsOption(dirname(entry), arg), `${command}: ${dirname(entry)}/ reads ${arg}`);
    else if (arg.includes('/')) assert.ok(existsSync(join(root, arg)), `${command}: ${arg} exists`);
  }
}

/** Fails unless `mapped` covers `command` (see the top of this file). */
export function checkMapped(command: string, mapped: Mapped): void {
  const file = join(root, mapped.test);
  assert.ok(existsSync(file) && statSync(file).isFile(), `${mapped.test} exists`);
  const text = readFileSync(file, 'utf8');
  for (const m of mapped.mentions) assert.ok(text.includes(m), `${mapped.test} mentions ${m}`);
  const words = command.split(' ');
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? '')) {
    const name = (words.shift() ?? '').split('=')[0] ?? '';
    assert.ok(
      SOURCES.some((s) => s.includes(name)),
      `${command}: some source reads ${name}`,
    );
  }
  const [tool, verb = '', ...rest] = words;
  if (tool === 'npx') {
    assert.equal(verb, 'bawaba');
    assert.match(readFileSync(join(root, 'src/cli/main.ts'), 'utf8'), new RegExp(`register${rest[0]}`, 'i'));
  } else if (tool === 'node') {
    assert.deepEqual([verb, rest[0]], ['--import', 'tsx']);
    const entry = rest[1] ?? '';
    assert.ok(existsSync(join(root, entry)), `${entry} exists`);
    checkArguments(command, entry, rest.slice(2));
  } else if (tool === 'npm' && verb === 'install') {
    for (const arg of rest) assert.ok(existsSync(join(root, arg.replace('/path/to/bawaba/', ''))), `${arg} exists`);
  } else {
    assert.equal(tool, 'npm');
    const script = verb === 'run' ? (rest.shift() ?? '') : verb;
    const body = pkg.scripts[script];
    assert.ok(body, `package.json has a "${script}" script`);
    const args = rest[0] === '--' ? rest.slice(1) : rest;
    assert.ok(rest[0] === '--' || rest.length === 0, `${command}: arguments after --`);
    checkArguments(
      command,
      body.split(' ').find((w) => /\.(ts|mjs|js)$/.test(w)),
      args,
    );
  }
}

// Keeps docs/guides/ honest, cheaply: links resolve, the CLI commands they name exist, and the
// event types they name are ones the gateway emits. No gateway is started.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { TRIGGERS } from '../../src/cli/commands/trigger.ts';
import { EVENT_TYPES } from '../../src/server/contract/events.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const guidesDir = join(root, 'docs/guides');
const readme = join(root, 'README.md');

const guideFiles = readdirSync(guidesDir)
  .filter((f) => f.endsWith('.md'))
  .map((f) => join(guidesDir, f));
const guides = guideFiles.filter((f) => !f.endsWith('/README.md'));
const read = (file: string): string => readFileSync(file, 'utf8');

/** The text outside fenced code blocks. */
const prose = (markdown: string): string => markdown.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

/** Every inline link target `[text](target)` outside code blocks. */
function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] as string);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

function anchors(file: string): Set<string> {
  const found = new Set<string>();
  for (const m of prose(read(file)).matchAll(/^#{1,6} (.+)$/gm)) found.add(slug(m[1] as string));
  return found;
}

/** Checks one relative link of `from`; answers a problem, or null. */
function checkLink(from: string, target: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return null; // https:, mailto:
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? from : resolve(dirname(from), path);
  const where = `${relative(root, from)} -> ${target}`;
  if (!existsSync(file)) return `${where}: ${relative(root, file)} does not exist`;
  if (anchor && statSync(file).isFile() && file.endsWith('.md') && !anchors(file).has(anchor)) {
    return `${where}: no heading #${anchor}`;
  }
  return null;
}

describe('docs/guides links', () => {
  test('every relative link in the guides resolves to an existing file (and heading)', () => {
    const problems = guideFiles.flatMap((f) => links(read(f)).map((t) => checkLink(f, t)));
    assert.deepEqual(
      problems.filter((p) => p !== null),
      [],
    );
  });

  test("README.md's guide links resolve, and it links every guide", () => {
    const targets = links(read(readme)).filter((t) => t.startsWith('docs/guides/'));
    assert.ok(targets.length > 0, 'README.md links the guides');
    assert.deepEqual(
      targets.map((t) => checkLink(readme, t)).filter((p) => p !== null),
      [],
    );
    const linked = new Set(targets.map((t) => resolve(root, t.split('#')[0] as string)));
    for (const guide of guideFiles) assert.ok(linked.has(guide), `README.md links ${relative(root, guide)}`);
  });

  test('docs/guides/README.md indexes every guide', () => {
    const index = join(guidesDir, 'README.md');
    const linked = new Set(links(read(index)).map((t) => resolve(guidesDir, t.split('#')[0] as string)));
    for (const guide of guides) assert.ok(linked.has(guide), `the index links ${relative(root, guide)}`);
  });
});

describe('CLI commands named in the guides', () => {
  /** `npx bawaba keys create --mode live` -> "keys create": the words before the first argument. */
  const commands = [
    ...new Set(
      guideFiles.flatMap((f) =>
        [...read(f).matchAll(/npx bawaba((?: [a-z][a-z-]*(?=[\s`'"]|$))+)/g)].map((m) => (m[1] as string).trim()),
      ),
    ),
  ].sort();

  test('the guides name some commands', () => {
    for (const expected of ['listen', 'trigger', 'migrate', 'worker', 'serve', 'keys create']) {
      assert.ok(commands.includes(expected), `a guide names \`npx bawaba ${expected}\``);
    }
  });

  for (const command of commands) {
    test(`npx bawaba ${command}`, async () => {
      const { stdout } = await run(process.execPath, ['bin/bawaba.mjs', ...command.split(' '), '--help'], {
        cwd: root,
        timeout: 30_000,
      });
      // `--help` exits 0 even for an unknown command (it prints the parent's help), so read the
      // usage line: it must name a command, and the words after it must be that command's
      // arguments, not an unknown subcommand.
      const usage = /^Usage: bawaba((?: [a-z][a-z-]*)*) \[options\](.*)$/m.exec(stdout);
      assert.ok(usage, `bawaba ${command} --help prints a usage line`);
      const path = (usage[1] as string).trim();
      assert.ok(
        path !== '' && `${command} `.startsWith(`${path} `),
        `bawaba ${command} is a command (usage: ${usage[0]})`,
      );
      if (path !== command) {
        assert.doesNotMatch(
          usage[2] as string,
          /\[command\]/,
          `${command.slice(path.length + 1)} is a subcommand of ${path}`,
        );
      }
    });
  }

  test('every `npx bawaba trigger <event>` is an event trigger makes happen', () => {
    const named = guideFiles.flatMap((f) =>
      [...read(f).matchAll(/npx bawaba trigger ([a-z_.]+)/g)].map((m) => m[1] as string),
    );
    assert.ok(named.length > 0);
    for (const event of named) assert.ok((TRIGGERS as readonly string[]).includes(event), `trigger ${event}`);
  });
});

describe('event types in webhooks.md', () => {
  const text = read(join(guidesDir, 'webhooks.md'));
  const named = new Set(
    [...text.matchAll(/`((?:payment|payment_link|refund|checkout\.session|webhook_endpoint)\.[a-z_]+)`/g)].map(
      (m) => m[1] as string,
    ),
  );
  // The dashboard's "send test event" type is not subscribable, so not in EVENT_TYPES.
  const DASHBOARD_TEST_EVENT = 'webhook_endpoint.test';

  test('every event type it names is one the gateway emits', () => {
    const known = new Set<string>(EVENT_TYPES);
    for (const type of named) {
      if (type === DASHBOARD_TEST_EVENT) continue;
      assert.ok(known.has(type), `${type} is in EVENT_TYPES (src/server/contract/events.ts)`);
    }
  });

  test('it names every event type the gateway emits', () => {
    for (const type of EVENT_TYPES) assert.ok(named.has(type), `webhooks.md names ${type}`);
  });

  test('the dashboard test event it names is the one the dashboard sends', () => {
    if (!named.has(DASHBOARD_TEST_EVENT)) return;
    const actions = read(join(root, 'src/pages/dashboard/routes/webhook-actions.ts'));
    assert.ok(actions.includes(`'${DASHBOARD_TEST_EVENT}'`));
  });
});

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = resolve(import.meta.dirname, '..');
const src = join(root, 'src');

/** Which top-level folders of src/ each folder may import (ARCHITECTURE.md, import rules). */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  core: ['core'],
  connectors: ['core', 'connectors', 'observability', 'net'],
  emulators: ['emulators'],
  storage: ['core', 'storage'],
  jobs: ['core', 'storage', 'jobs', 'webhooks', 'observability', 'net'],
  webhooks: ['core', 'webhooks'],
  server: ['core', 'webhooks', 'server', 'observability', 'net'],
  // Pages reach storage, connectors and jobs only through the ports main.ts wires in.
  pages: ['core', 'pages', 'observability'],
  observability: ['observability'],
  net: ['net'],
  cli: ['cli', 'emulators', 'observability', '(root)'],
  '(root)': ['*'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** Test code that is not a `*.test.ts` file: a shared suite or a test's support, run only by tests. */
function isTestCode(file: string): boolean {
  return /from 'node:test'/.test(readFileSync(file, 'utf8'));
}

function areaOf(file: string): string {
  const rel = relative(src, file).split('/');
  return rel.length === 1 ? '(root)' : (rel[0] ?? '(root)');
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
  const dynamic = [...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? '');
  return [...specs, ...dynamic];
}

test('every import crosses only the boundaries ARCHITECTURE.md allows', () => {
  const violations: string[] = [];
  const files = sourceFiles(src);
  assert.ok(files.length > 20, 'found the sources');
  for (const file of files) {
    const from = areaOf(file);
    const allowed = ALLOWED[from];
    assert.ok(allowed, `no import rule for src/${from}`);
    for (const spec of importsOf(file)) {
      if (!spec.startsWith('.')) {
        if (from === 'core') violations.push(`${relative(root, file)} imports package "${spec}" (core is pure)`);
        continue;
      }
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src)) {
        // Test code kept in src (a shared suite, a test's support file) may use the tests' own helpers.
        if (isTestCode(file) && target.startsWith(join(root, 'test', 'support'))) continue;
        violations.push(`${relative(root, file)} imports ${spec}, outside src/`);
        continue;
      }
      const to = areaOf(target);
      if (!allowed.includes('*') && !allowed.includes(to))
        violations.push(`${relative(root, file)} (${from}) imports ${to}: ${spec}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the checker itself catches a forbidden import', () => {
  const allowed = ALLOWED.emulators ?? [];
  assert.ok(!allowed.includes('core') && !allowed.includes('connectors'));
  assert.deepEqual(importsOf(join(src, 'core', 'ids.ts')), ['./clock.ts']);
});

const rel = (file: string) => relative(root, file);

/** Provider names, however spelled; `qattah` is also a payment method, allowed in the one list of them. */
const PROVIDER_NAMES = /checkout[\s._-]?com|\bcko\b|\btap\b|qattah|akurateco|\btess\b/i;

test('the core speaks no provider name, except in the list of payment methods', () => {
  const found: string[] = [];
  for (const file of sourceFiles(join(src, 'core'))) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!PROVIDER_NAMES.test(line)) return;
        if (rel(file) === 'src/core/payment/payment.ts' && /PAYMENT_METHODS = \[/.test(line)) return;
        found.push(`${rel(file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(found, []);
});

test('one fault classifier: no connector reads HTTP statuses into unknown outcomes on its own', () => {
  const found: string[] = [];
  for (const file of sourceFiles(join(src, 'connectors'))) {
    if (rel(file) === 'src/connectors/http.ts') continue;
    const text = readFileSync(file, 'utf8');
    if (/function unknownOf\b|status\s*>=?\s*5\d\d|status\s*===?\s*(409|429)\b/.test(text)) found.push(rel(file));
  }
  assert.deepEqual(found, []);
});

test('routes take their types from their schemas: no request body, query or params cast', () => {
  const found = sourceFiles(join(src, 'server')).filter((file) =>
    /request\.(body|query|params)\s+as\b/.test(readFileSync(file, 'utf8')),
  );
  assert.deepEqual(found.map(rel), []);
});

test('a source file over 300 lines says at its top why it is not split', () => {
  const long: string[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n').length;
    if (lines <= 300) continue;
    const head = text.slice(0, text.indexOf('*/') + 2);
    if (!/^\/\*\*[\s\S]*Longer than 300 lines:/.test(head)) long.push(`${rel(file)} (${lines} lines)`);
  }
  assert.deepEqual(long, []);
});

/** The folders each provider has: `src/connectors/<folder>` and `src/emulators/<folder>` (ids spelled with `-`). */
const providerFolders = (area: string) =>
  readdirSync(join(src, area), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== 'kit')
    .map((e) => join(src, area, e.name));
const REGISTRIES = [join(src, 'connectors', 'registry.ts'), join(src, 'emulators', 'registry.ts')];

/** Source files, tests included, that belong to no provider folder and are not a registry. */
function providerAgnosticFiles(): string[] {
  const inProviderFolder = [...providerFolders('connectors'), ...providerFolders('emulators')];
  const all = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return inProviderFolder.includes(p) ? [] : all(p);
      return e.name.endsWith('.ts') ? [p] : [];
    });
  return all(src).filter((file) => !REGISTRIES.includes(file));
}

test('one provider list: only the registries name every provider or reach into their folders', async () => {
  const { EMULATOR_NAMES } = await import('../src/emulators/registry.ts');
  assert.deepEqual(
    providerFolders('emulators')
      .map((dir) => relative(join(src, 'emulators'), dir).replaceAll('-', '_'))
      .sort(),
    [...EMULATOR_NAMES].sort(),
    'one emulator folder per emulator in the list',
  );
  const found: string[] = [];
  const files = providerAgnosticFiles();
  assert.ok(files.includes(join(src, 'sandbox.ts')) && files.includes(join(src, 'main.ts')));
  const folders = [...providerFolders('connectors'), ...providerFolders('emulators')];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    if (EMULATOR_NAMES.every((id) => new RegExp(`\\b${id}\\b`).test(text)))
      found.push(`${rel(file)} names every provider`);
    if (file.endsWith('.test.ts') || isTestCode(file)) continue;
    for (const spec of importsOf(file)) {
      const target = resolve(dirname(file), spec);
      if (folders.some((dir) => target.startsWith(`${dir}/`))) found.push(`${rel(file)} imports ${spec}`);
    }
  }
  assert.deepEqual(found, []);
});

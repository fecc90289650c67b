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

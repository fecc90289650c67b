#!/usr/bin/env node
// Collects every *.test.ts (Node 20's runner expands no globs), checks what CI must have,
// and runs them with node's test runner through tsx. Arguments narrow the run to paths
// starting with them: `npm test -- src/core test/e2e`.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const SKIP_DIRS = new Set(['node_modules', '.git', 'data', 'test-results', 'load']);

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) out.push(...collect(join(dir, entry.name)));
    } else if (entry.name.endsWith('.test.ts')) {
      out.push(relative(root, join(dir, entry.name)));
    }
  }
  return out;
}

const filters = process.argv.slice(2);
const files = ['src', 'test', 'packages']
  .flatMap((d) => {
    try {
      return collect(join(root, d));
    } catch {
      return [];
    }
  })
  .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p)))
  .sort();

if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ') || '(all)'}`);
  process.exit(1);
}
if (process.env.CI === 'true' && !process.env.BAWABA_TEST_DATABASE_URL) {
  console.error('CI=true but BAWABA_TEST_DATABASE_URL is not set: the PostgreSQL pass cannot be skipped in CI.');
  process.exit(1);
}
if (!process.env.BAWABA_TEST_DATABASE_URL) {
  console.error('note: BAWABA_TEST_DATABASE_URL is not set, so storage tests run on SQLite only.');
}

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

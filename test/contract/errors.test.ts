import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CODES } from '../../src/core/errors.ts';

test('docs/errors.md lists exactly the registered codes, with their status and type', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \| `([a-z_]+)` \|/gm)].map((m) => ({
    code: m[1] ?? '',
    status: Number(m[2]),
    type: m[3] ?? '',
  }));
  assert.deepEqual(rows.map((r) => r.code).sort(), Object.keys(ERROR_CODES).sort());
  for (const r of rows) {
    const spec = ERROR_CODES[r.code as keyof typeof ERROR_CODES];
    assert.equal(r.status, spec.status, r.code);
    assert.equal(r.type, spec.type, r.code);
  }
});

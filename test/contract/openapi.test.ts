import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { openApiDocument } from '../support/openapi.ts';

test('docs/openapi.json is what the app serves (regenerate: node --import tsx scripts/dump-openapi.ts)', async () => {
  const committed = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
  assert.deepEqual(await openApiDocument(), committed);
});

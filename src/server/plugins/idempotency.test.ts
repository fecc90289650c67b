import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonical } from './idempotency.ts';

/** The definition: recursive, sorted keys. */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

test('canonical JSON is the sorted-key serialisation (so stored request hashes keep matching)', () => {
  fc.assert(fc.property(fc.jsonValue(), (value) => assert.equal(canonical(value), reference(value))));
  assert.equal(canonical({ b: 1, a: [true, null, { d: 'x', c: 2 }] }), '{"a":[true,null,{"c":2,"d":"x"}],"b":1}');
});

test('key order does not change it', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse());
      assert.equal(canonical(reversed), canonical(obj));
    }),
  );
});

test('nesting far deeper than any call stack is serialised, not a stack overflow', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { a: deep };
  const text = canonical(deep);
  assert.equal(text.length, 100_000 * '{"a":'.length + 100_000 * 2 + 1 + 100_000);
});

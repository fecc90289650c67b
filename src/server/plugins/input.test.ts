import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { BawabaError } from '../../core/errors.ts';
import { MAX_BODY_DEPTH, nestingDepth, parseJsonBody } from './input.ts';

function refusal(text: string): BawabaError {
  try {
    parseJsonBody(text);
  } catch (err) {
    assert.ok(err instanceof BawabaError, `not a BawabaError: ${String(err)}`);
    return err;
  }
  assert.fail(`accepted ${text.slice(0, 80)}`);
}

const nest = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

describe('parseJsonBody', () => {
  test('takes ordinary bodies as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        const text = JSON.stringify(value);
        fc.pre(!text.includes('__proto__') && !text.includes('constructor') && !text.includes('\\u0000'));
        assert.deepEqual(parseJsonBody(text), JSON.parse(text));
      }),
    );
  });

  test(`nesting up to ${MAX_BODY_DEPTH} levels is taken; one more is body_invalid`, () => {
    assert.deepEqual(parseJsonBody(nest(MAX_BODY_DEPTH)), JSON.parse(nest(MAX_BODY_DEPTH)));
    const e = refusal(nest(MAX_BODY_DEPTH + 1));
    assert.equal(e.code, 'body_invalid');
    assert.match(e.message, /nested deeper than 32 levels/);
  });

  test('nesting a call stack could never hold is refused, not thrown as a RangeError', () => {
    assert.equal(refusal(nest(500_000)).code, 'body_invalid');
    assert.equal(refusal('{"a":'.repeat(100_000)).code, 'body_invalid');
  });

  test('brackets inside strings do not count as nesting', () => {
    assert.equal(nestingDepth('{"a":"[[[[{{{{\\"]]]]"}'), 1);
    assert.deepEqual(parseJsonBody(`{"a":"${'['.repeat(100)}"}`), { a: '['.repeat(100) });
  });

  test('__proto__ and constructor keys are refused by name, wherever they are and however spelt', () => {
    for (const [text, param] of [
      ['{"__proto__":{"admin":true}}', '__proto__'],
      ['{"metadata":{"constructor":{"prototype":{"x":1}}}}', 'metadata.constructor'],
      ['{"a":[{"\\u005f_proto__":1}]}', 'a.0.__proto__'],
      ['{"constructor":"x"}', 'constructor'],
    ] as const) {
      const e = refusal(text);
      assert.equal(e.code, 'body_invalid', text);
      assert.equal(e.param, param, text);
      assert.match(e.message, /keys are not allowed in a request body/);
      assert.doesNotMatch(e.message, /not valid JSON/);
    }
    assert.deepEqual(parseJsonBody('{"description":"__proto__ and constructor"}'), {
      description: '__proto__ and constructor',
    });
  });

  test('a NUL character in a string or key is refused, naming where', () => {
    const e = refusal('{"customer":{"name":"a\\u0000b"}}');
    assert.equal(e.code, 'parameter_invalid');
    assert.equal(e.param, 'customer.name');
    assert.equal(refusal('{"metadata":{"k\\u0000":"v"}}').param, 'metadata');
  });

  test('empty and malformed bodies say so without the parser’s wording', () => {
    assert.match(refusal('').message, /empty/);
    assert.match(refusal('  \n').message, /empty/);
    const e = refusal('{"a":');
    assert.equal(e.code, 'body_invalid');
    assert.equal(e.message, 'The request body is not valid JSON.');
  });
});

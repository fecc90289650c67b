import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { createEmulatorClock } from './clock.ts';
import { createFaultQueue, parseFaultSpec } from './faults.ts';
import { directionFor, escapeHtml, html, raw, renderPage } from './html.ts';
import { BASE32_LOWER, DIGITS, prefixedId, randomString } from './ids.ts';

test('html escapes interpolations, keeps raw() and SafeHtml, joins arrays, drops false/null', () => {
  const items = ['<a>', 'b&c'].map((item) => html`<li>${item}</li>`);
  const out = html`<p title="${'"q"'}">${'<script>'}${raw('<b>ok</b>')}</p><ul>${items}</ul>${false}${null}${0}`;
  assert.equal(
    out.value,
    '<p title="&quot;q&quot;">&lt;script&gt;<b>ok</b></p><ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul>0',
  );
  fc.assert(
    fc.property(fc.string(), (text) => {
      assert.doesNotMatch(escapeHtml(text), /[<>"']/);
      assert.equal(
        escapeHtml(text).replace(
          /&(lt|gt|quot|#39|amp);/g,
          (_m, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '',
        ),
        text,
      );
    }),
  );
});

test('renderPage sets lang and dir (rtl for Arabic) and escapes the title', () => {
  assert.equal(directionFor('ar'), 'rtl');
  assert.equal(directionFor('ar-QA'), 'rtl');
  assert.equal(directionFor('en'), 'ltr');
  const page = renderPage({ title: 'a<b', lang: 'ar', body: html`<p>x</p>` });
  assert.match(page, /^<!doctype html>\n<html lang="ar" dir="rtl">/);
  assert.match(page, /<title>a&lt;b<\/title>/);
  assert.match(page, /name="viewport"/);
  assert.match(renderPage({ title: 't', body: html`` }), /<html lang="en" dir="ltr">/);
});

test('ids have the prefix, length and alphabet asked for', () => {
  assert.match(prefixedId('pay_', 26), /^pay_[a-z2-7]{26}$/);
  assert.match(randomString(12, DIGITS), /^\d{12}$/);
  const seen = new Set(randomString(4000, BASE32_LOWER));
  assert.equal(seen.size, 32);
  assert.notEqual(prefixedId('x_', 26), prefixedId('x_', 26));
});

test('the clock adds an offset to real time, only forwards, and resets', () => {
  let real = 1_000;
  const clock = createEmulatorClock(() => real);
  assert.equal(clock.advance(500), 1_500);
  real = 2_000;
  assert.equal(clock.now(), 2_500);
  assert.equal(clock.nowIso(), new Date(2_500).toISOString());
  assert.throws(() => clock.advance(-1), RangeError);
  clock.reset();
  assert.equal(clock.now(), 2_000);
});

test('the fault queue applies faults in order, by operation, count times', () => {
  const queue = createFaultQueue();
  queue.add({ kind: 'slow', match: 'retrieve', count: 2, delayMs: 10 });
  queue.add({ kind: 'reset' });
  assert.equal(queue.take('create')?.kind, 'reset');
  assert.equal(queue.take('create'), undefined);
  assert.deepEqual([queue.take('retrieve')?.remaining, queue.take('retrieve')?.delayMs], [1, 10]);
  assert.equal(queue.take('retrieve'), undefined);
  queue.add({ kind: 'timeout' });
  queue.clear();
  assert.deepEqual(queue.list(), []);
});

test('parseFaultSpec validates the control body', () => {
  assert.deepEqual(parseFaultSpec({ kind: 'slow', delay_ms: 5, count: 2, match: 'create' }, ['create']), {
    ok: true,
    spec: { kind: 'slow', delayMs: 5, count: 2, match: 'create' },
  });
  for (const bad of [
    null,
    {},
    { kind: 'nope' },
    { kind: 'slow', count: 0 },
    { kind: 'slow', delay_ms: -1 },
    { kind: 'slow', match: 'x' },
  ]) {
    assert.equal(parseFaultSpec(bad, ['create']).ok, false, JSON.stringify(bad));
  }
});

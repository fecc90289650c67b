/**
 * The gateway's own HTML pages in a real browser, under their Content Security Policy: the
 * inline stylesheet allowed by its hash applies, and the browser reports no violation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type BrowserSandbox, browserSkip, SCREENSHOTS, startBrowserSandbox } from '../support/browser.ts';

describe('gateway pages under their CSP', { skip: browserSkip() }, () => {
  let sb: BrowserSandbox;
  before(async () => {
    sb = await startBrowserSandbox();
  });
  after(() => sb?.close());

  for (const [name, path, status] of [
    ['sandbox-return', '/sandbox/return?payment_id=pay_x&status=captured', 200],
    ['return-not-found', '/return/checkout_com/pay_00000000000000000000000000', 404],
  ] as const) {
    test(`${name}: styled, nothing refused`, async () => {
      const page = await sb.browser.newPage();
      const refused: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
      });
      try {
        const res = await page.goto(`${sb.gateway.url}${path}`);
        assert.equal(res?.status(), status);
        const font = await page.evaluate('getComputedStyle(document.body).fontFamily');
        assert.match(String(font), /system-ui/, 'the inline stylesheet applied');
        await page.screenshot({ path: join(SCREENSHOTS, `gateway-page-${name}.png`), fullPage: true });
        assert.deepEqual(refused, []);
      } finally {
        await page.close();
      }
    });
  }
});

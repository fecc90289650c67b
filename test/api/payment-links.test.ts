import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../src/core/clock.ts';
import { forEachDatabase } from '../support/databases.ts';
import { createTestGateway, type TestGateway } from '../support/gateway.ts';

const LINK = {
  amount: 2500,
  currency: 'QAR',
  description: 'Karak and chips oman, table 4',
  reference: 'TABLE-4',
  metadata: { table: '4' },
} as const;

type Link = {
  id: string;
  object: string;
  active: boolean;
  url: string;
  qr_svg_url: string;
  amount: number | null;
  min_amount: number | null;
  max_amount: number | null;
  payment_methods: string[] | null;
  max_payments: number | null;
  completed_sessions: number;
  success_url: string | null;
};
type Session = {
  id: string;
  status: string;
  amount: number;
  url: string;
  locale: string | null;
  success_url: string;
  cancel_url: string;
  payment_methods: string[];
  reference: string | null;
  metadata: Record<string, string>;
};

/** A 1×1 PNG and the start of a JPEG with its frame header (2×3). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x03, 0x00, 0x02, 0x01, 0x01,
  0x11, 0x00, 0xff, 0xd9,
]);

forEachDatabase((database) => {
  describe(`payment links (${database.name})`, () => {
    const clock = createManualClock(Date.now());
    let gw: TestGateway;
    let n = 0;
    const auth = (key?: string) => ({ authorization: `Bearer ${key ?? gw.merchant.key}` });

    before(async () => {
      for (let attempt = 1; ; attempt++) {
        const db = await database.open();
        try {
          gw = await createTestGateway({ database: db, start: { clock } });
          break;
        } catch (error) {
          await db.close();
          if (attempt >= 5 || !/schema .* does not exist/.test(String(error))) throw error;
        }
      }
    });
    after(() => gw.close());

    async function create(body: Record<string, unknown> = LINK, key?: string) {
      return gw.app.inject({
        method: 'POST',
        url: '/v1/payment_links',
        headers: { ...auth(key), 'idempotency-key': `pl-${++n}` },
        payload: body,
      });
    }
    async function created(body: Record<string, unknown> = LINK): Promise<Link> {
      const res = await create(body);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    }
    async function get(id: string, key?: string) {
      return gw.app.inject({ method: 'GET', url: `/v1/payment_links/${id}`, headers: auth(key) });
    }
    async function post(path: string, key?: string) {
      return gw.app.inject({ method: 'POST', url: path, headers: { ...auth(key), 'idempotency-key': `pl-${++n}` } });
    }
    const pathOf = (url: string) => new URL(url, 'http://x').pathname;
    /** Follows the link as a browser: answers the session it opened, or the page it showed. */
    async function visit(link: Link, headers: Record<string, string> = {}) {
      const res = plain(await gw.app.inject({ method: 'GET', url: pathOf(link.url), headers }));
      if (res.statusCode !== 303) return { res, session: undefined };
      return { res, session: await sessionAt(String(res.headers.location)) };
    }
    async function sessionAt(location: string): Promise<Session> {
      assert.match(location, /^\/c\/[A-Za-z0-9_-]{32}$/);
      const stored = await gw.core.repos.checkoutSessions.getByToken(location.slice(3));
      assert.ok(stored);
      const res = await gw.app.inject({ method: 'GET', url: `/v1/checkout_sessions/${stored.id}`, headers: auth() });
      return res.json();
    }
    /** The answer with its text's bidi isolates (around amounts in sentences) taken out. */
    function plain<T extends { body: string }>(res: T): T {
      return Object.assign(res, { body: res.body.replace(/[\u2068\u2069]/g, '') });
    }
    async function enter(link: Link, amount: string, headers: Record<string, string> = {}) {
      const page = await gw.app.inject({ method: 'GET', url: pathOf(link.url), headers });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      return plain(
        await gw.app.inject({
          method: 'POST',
          url: pathOf(link.url),
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin', ...headers },
          payload: new URLSearchParams({ _csrf: csrf, amount, lang: 'en' }).toString(),
        }),
      );
    }
    /** Completes a session as its captured payment would (the settle path is the sessions' own test). */
    async function complete(sessionId: string) {
      await gw.core.repos.checkoutSessions.hold(sessionId, (s) => ({
        next: { ...s, status: 'complete', completedAt: clock.now(), updatedAt: clock.now() },
        result: undefined,
      }));
    }

    test('created with an unguessable address and a QR code, fetched, listed', async () => {
      const link = await created();
      assert.match(link.id, /^plink_[0-9a-z]{26}$/);
      assert.equal(link.object, 'payment_link');
      assert.equal(link.active, true);
      assert.match(pathOf(link.url), /^\/l\/[A-Za-z0-9_-]{32}$/);
      assert.ok(!link.url.includes(link.id.slice(6)));
      assert.equal(link.qr_svg_url, `${link.url}/qr.svg`);
      assert.equal(link.payment_methods, null);
      assert.equal(link.completed_sessions, 0);
      assert.equal(link.success_url, null);
      assert.deepEqual((await get(link.id)).json(), link);

      const qr = await gw.app.inject({ method: 'GET', url: pathOf(link.qr_svg_url) });
      assert.equal(qr.statusCode, 200);
      assert.match(String(qr.headers['content-type']), /^image\/svg\+xml/);
      assert.match(qr.body, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
      assert.ok(!/<script|on\w+=/i.test(qr.body));
      assert.equal(qr.headers['x-content-type-options'], 'nosniff');
      assert.match(String(qr.headers['content-security-policy']), /default-src 'none'/);
      const noQr = await gw.app.inject({ method: 'GET', url: '/l/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/qr.svg' });
      assert.equal(noQr.statusCode, 404);

      const second = await created({ ...LINK, amount: undefined, min_amount: 1000, max_amount: 50_000 });
      const list = await gw.app.inject({ method: 'GET', url: '/v1/payment_links?limit=1', headers: auth() });
      assert.equal(list.statusCode, 200);
      assert.equal(list.json().object, 'list');
      assert.equal(list.json().data[0].id, second.id, 'newest first');
      assert.equal(list.json().has_more, true);
      const next = await gw.app.inject({
        method: 'GET',
        url: `/v1/payment_links?limit=1&starting_after=${second.id}`,
        headers: auth(),
      });
      assert.equal(next.json().data[0].id, link.id);
      const back = await gw.app.inject({
        method: 'GET',
        url: `/v1/payment_links?limit=1&ending_before=${link.id}`,
        headers: auth(),
      });
      assert.equal(back.json().data[0].id, second.id);
    });

    test('Idempotency-Key: required and replayed', async () => {
      const missing = await gw.app.inject({ method: 'POST', url: '/v1/payment_links', headers: auth(), payload: LINK });
      assert.equal(missing.statusCode, 400);
      assert.equal(missing.json().error.code, 'idempotency_key_missing');
      const headers = { ...auth(), 'idempotency-key': 'pl-same' };
      const first = await gw.app.inject({ method: 'POST', url: '/v1/payment_links', headers, payload: LINK });
      const again = await gw.app.inject({ method: 'POST', url: '/v1/payment_links', headers, payload: LINK });
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.equal(again.json().id, first.json().id);
    });

    test('bad input is a 4xx in the one error shape, naming the field', async () => {
      const { description: _, ...noDescription } = LINK;
      const ranged = { currency: 'QAR', description: 'Tip' };
      for (const [body, code, param] of [
        [noDescription, 'parameter_missing', 'description'],
        [{ ...LINK, amount: '25' }, 'amount_invalid', 'amount'],
        [{ ...LINK, amount: 0 }, 'amount_invalid', 'amount'],
        [{ ...LINK, min_amount: 100 }, 'parameter_invalid', 'min_amount'],
        [ranged, 'parameter_missing', 'min_amount'],
        [{ ...ranged, min_amount: 100 }, 'parameter_missing', 'max_amount'],
        [{ ...ranged, min_amount: 5000, max_amount: 100 }, 'parameter_invalid', 'min_amount'],
        [{ ...LINK, max_payments: 0 }, 'parameter_invalid', 'max_payments'],
        [{ ...LINK, active: 'yes' }, 'parameter_invalid', 'active'],
        [{ ...LINK, success_url: 'javascript:alert(1)' }, 'parameter_invalid', 'success_url'],
        [{ ...LINK, payment_methods: ['qattah'] }, 'connector_not_available', 'payment_methods'],
        [{ ...LINK, currency: 'XYZ' }, 'currency_invalid', 'currency'],
        [{ ...LINK, locale: 'fr' }, 'parameter_invalid', 'locale'],
        [{ ...LINK, colour: 'red' }, 'parameter_unknown', 'colour'],
      ] as const) {
        const res = await create(body);
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${JSON.stringify(body)}: ${res.body}`);
        const error = res.json().error;
        assert.equal(error.code, code, res.body);
        assert.equal(error.param, param, res.body);
        assert.match(error.request_id, /^req_/);
      }
      const bad = await get('plink_nope');
      assert.equal(bad.statusCode, 400);
      const none = await get('plink_00000000000000000000000000');
      assert.equal(none.statusCode, 404);
      assert.equal(none.json().error.code, 'resource_not_found');
    });

    test("an account cannot see, list or deactivate another's link", async () => {
      const link = await created();
      const theirs = await get(link.id, gw.other.key);
      assert.equal(theirs.statusCode, 404);
      assert.equal(theirs.json().error.code, 'resource_not_found');
      const off = await post(`/v1/payment_links/${link.id}/deactivate`, gw.other.key);
      assert.equal(off.statusCode, 404);
      assert.equal((await get(link.id)).json().active, true);
      const list = await gw.app.inject({
        method: 'GET',
        url: '/v1/payment_links?limit=100',
        headers: auth(gw.other.key),
      });
      assert.ok(!list.json().data.some((l: Link) => l.id === link.id));
    });

    test('each visit opens a new session with the link’s details, through the checkout service', async () => {
      const link = await created({ ...LINK, locale: 'ar', payment_methods: ['qpay'] });
      const a = await visit(link);
      const b = await visit(link);
      assert.equal(a.res.statusCode, 303);
      assert.ok(a.session && b.session);
      assert.notEqual(a.session.id, b.session.id, 'two sessions');
      assert.equal(a.session.amount, 2500);
      assert.deepEqual(a.session.payment_methods, ['qpay']);
      assert.equal(a.session.reference, 'TABLE-4');
      assert.deepEqual(a.session.metadata, { table: '4', payment_link: link.id });
      assert.equal(a.session.locale, 'ar');
      assert.equal(a.session.success_url, `${link.url}/thanks`, 'our thank-you page by default');
      assert.equal(a.session.cancel_url, `${link.url}/canceled`);
      // The session's page works as any other.
      const page = await gw.app.inject({ method: 'GET', url: pathOf(a.session.url) });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /id="method-qpay"/);
      // Our thank-you page knows a completed session of the link.
      await complete(a.session.id);
      const thanks = plain(
        await gw.app.inject({
          method: 'GET',
          url: `${pathOf(link.url)}/thanks?checkout_session_id=${a.session.id}&lang=en`,
        }),
      );
      assert.equal(thanks.statusCode, 200);
      assert.match(thanks.body, /has received your payment of QAR\u00a025\.00/);
      const stranger = await gw.app.inject({
        method: 'GET',
        url: `${pathOf(link.url)}/thanks?checkout_session_id=cs_00000000000000000000000000&lang=en`,
      });
      assert.match(stranger.body, /will confirm it/);
      const canceled = await gw.app.inject({ method: 'GET', url: `${pathOf(link.url)}/canceled?lang=en` });
      assert.match(canceled.body, /Payment canceled/);
      assert.equal((await get(link.id)).json().completed_sessions, 1);
      // A HEAD (a chat app's preview) opens nothing.
      const before = (
        await gw.core.repos.checkoutSessions.list({ accountId: gw.merchant.accountId, mode: 'test', limit: 100 })
      ).data.length;
      const head = await gw.app.inject({ method: 'HEAD', url: pathOf(link.url) });
      assert.equal(head.statusCode, 200);
      const after = (
        await gw.core.repos.checkoutSessions.list({ accountId: gw.merchant.accountId, mode: 'test', limit: 100 })
      ).data.length;
      assert.equal(after, before);
    });

    test('max_payments counts completed sessions only; then the link says so (410)', async () => {
      const link = await created({ ...LINK, max_payments: 2 });
      const first = await visit(link);
      const abandoned = await visit(link);
      const third = await visit(link);
      assert.ok(first.session && abandoned.session && third.session, 'abandoned tries do not use it up');
      await complete(first.session.id);
      assert.ok((await visit(link)).session, 'one of two paid: still open');
      await complete(third.session.id);
      const full = await visit(link, { 'accept-language': 'ar' });
      assert.equal(full.res.statusCode, 410);
      assert.match(full.res.body, /رابط الدفع هذا لم يعد متاحًا/);
      assert.match(full.res.body, /dir="rtl"/);
      const read = (await get(link.id)).json();
      assert.equal(read.completed_sessions, 2);
      assert.equal(read.max_payments, 2);
    });

    test('events: payment_link.created once, payment_link.updated for each real change only', async () => {
      const link = await created();
      await post(`/v1/payment_links/${link.id}/deactivate`);
      await post(`/v1/payment_links/${link.id}/deactivate`);
      await post(`/v1/payment_links/${link.id}/activate`);
      const res = await gw.app.inject({ method: 'GET', url: `/v1/events?object_id=${link.id}`, headers: auth() });
      assert.equal(res.statusCode, 200, res.body);
      const events = (res.json().data as { type: string; data: { object: Link } }[]).reverse();
      assert.deepEqual(
        events.map((e) => [e.type, e.data.object.active]),
        [
          ['payment_link.created', true],
          ['payment_link.updated', false],
          ['payment_link.updated', true],
        ],
        'deactivating twice is one change',
      );
      for (const e of events) {
        assert.equal(e.data.object.id, link.id);
        assert.equal(e.data.object.url, link.url);
      }
    });

    test('deactivated: no session, a clear page (410), in the customer’s language; activated again', async () => {
      const link = await created();
      const off = await post(`/v1/payment_links/${link.id}/deactivate`);
      assert.equal(off.statusCode, 200, off.body);
      assert.equal(off.json().active, false);
      const again = await post(`/v1/payment_links/${link.id}/deactivate`);
      assert.equal(again.json().active, false, 'deactivating twice is the same');
      const en = await visit(link, { 'accept-language': 'en-GB,en;q=0.9' });
      assert.equal(en.res.statusCode, 410);
      assert.match(en.res.body, /This payment link is not active/);
      const ar = await visit(link, { 'accept-language': 'ar-QA' });
      assert.equal(ar.res.statusCode, 410);
      assert.match(ar.res.body, /رابط الدفع هذا غير مفعّل/);
      const on = await post(`/v1/payment_links/${link.id}/activate`);
      assert.equal(on.json().active, true);
      assert.equal((await visit(link)).res.statusCode, 303);
      const created_off = await created({ ...LINK, active: false });
      assert.equal(created_off.active, false);
      assert.equal((await visit(created_off)).res.statusCode, 410);
      const unknown = await gw.app.inject({ method: 'GET', url: '/l/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
      assert.equal(unknown.statusCode, 404);
      assert.match(unknown.body, /not valid/);
    });

    test('an amount the customer enters: asked first, checked against the bounds, then a session', async () => {
      const link = await created({
        currency: 'QAR',
        description: 'Tip for the team',
        min_amount: 1000,
        max_amount: 50_000,
      });
      assert.equal(link.amount, null);
      const page = await visit(link, { 'accept-language': 'en' });
      assert.equal(page.res.statusCode, 200, 'a form, no session yet');
      assert.match(page.res.body, /From QAR\u00a010\.00 to QAR\u00a0500\.00/);
      for (const [typed, message] of [
        ['', /Enter an amount/],
        ['abc', /Enter the amount in numbers/],
        ['10.505', /at most 2 digits/],
        ['9.99', /at least QAR\u00a010\.00/],
        ['500.01', /at most QAR\u00a0500\.00/],
        ['99999999999999999999', /Enter the amount in numbers/],
      ] as const) {
        const res = await enter(link, typed);
        assert.equal(res.statusCode, 400, `${typed}: ${res.body.slice(0, 200)}`);
        assert.match(res.body, message, typed);
        assert.match(res.body, /role="alert"/);
      }
      const ok = await enter(link, '150.5');
      assert.equal(ok.statusCode, 303, ok.body);
      const session = await sessionAt(String(ok.headers.location));
      assert.equal(session.amount, 15_050);
      assert.equal(session.locale, 'en');
      const arabic = await enter(link, '٢٥٠٫٥٠');
      assert.equal(arabic.statusCode, 303, 'Arabic-Indic digits and decimal separator');
      assert.equal((await sessionAt(String(arabic.headers.location))).amount, 25_050);
      const grouped = await enter(link, '١٬٠٠٠');
      assert.equal(grouped.statusCode, 400);
      assert.match(grouped.body, /at most QAR\u00a0500\.00/, 'grouped thousands read as such');
    });

    test('the amount form is refused from another site or without its token (403)', async () => {
      const link = await created({ currency: 'QAR', description: 'Tip', min_amount: 100, max_amount: 10_000 });
      const cross = await enter(link, '20', { 'sec-fetch-site': 'cross-site' });
      assert.equal(cross.statusCode, 403);
      const noToken = await gw.app.inject({
        method: 'POST',
        url: pathOf(link.url),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'amount=20',
      });
      assert.equal(noToken.statusCode, 403);
    });

    test('the account logo: PNG or JPEG only, served by the gateway, shown on the pages', async () => {
      const none = await gw.app.inject({ method: 'GET', url: '/v1/account/logo', headers: auth() });
      assert.equal(none.statusCode, 404);
      const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
      for (const [data, param] of [
        [svg.toString('base64'), 'data'],
        ['not base64!', 'data'],
        [Buffer.alloc(70 * 1024).toString('base64'), 'data'],
      ] as const) {
        const res = await gw.app.inject({
          method: 'POST',
          url: '/v1/account/logo',
          headers: { ...auth(), 'idempotency-key': `logo-${++n}` },
          payload: { data },
        });
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, res.body);
        assert.equal(res.json().error.param, param, res.body);
      }
      const jpeg = await gw.app.inject({
        method: 'POST',
        url: '/v1/account/logo',
        headers: { ...auth(), 'idempotency-key': `logo-${++n}` },
        payload: { data: JPEG.toString('base64') },
      });
      assert.equal(jpeg.statusCode, 200, jpeg.body);
      assert.deepEqual([jpeg.json().width, jpeg.json().height], [2, 3]);
      assert.equal(jpeg.json().content_type, 'image/jpeg');
      const res = await gw.app.inject({
        method: 'POST',
        url: '/v1/account/logo',
        headers: { ...auth(), 'idempotency-key': `logo-${++n}` },
        payload: { data: PNG.toString('base64') },
      });
      assert.equal(res.statusCode, 200, res.body);
      const logo = res.json();
      assert.equal(logo.content_type, 'image/png');
      assert.match(pathOf(logo.url), /^\/c\/logo\/[0-9a-f]{64}\.png$/);
      const image = await gw.app.inject({ method: 'GET', url: pathOf(logo.url) });
      assert.equal(image.statusCode, 200);
      assert.equal(image.headers['content-type'], 'image/png');
      assert.equal(image.headers['x-content-type-options'], 'nosniff');
      assert.match(String(image.headers['content-security-policy']), /default-src 'none'/);
      assert.deepEqual(image.rawPayload, PNG);
      const old = await gw.app.inject({ method: 'GET', url: pathOf(jpeg.json().url) });
      assert.equal(old.statusCode, 404, 'the replaced logo is gone');

      const link = await created({ currency: 'QAR', description: 'Tip', min_amount: 100, max_amount: 10_000 });
      const page = await visit(link);
      assert.ok(page.res.body.includes(`<img class="logo image" src="${pathOf(logo.url)}" alt="">`));
      const fixed = await visit(await created());
      const session = await gw.app.inject({ method: 'GET', url: String(fixed.res.headers.location) });
      assert.ok(session.body.includes(`src="${pathOf(logo.url)}"`), 'on the checkout page too');
      const theirs = await visit((await create(LINK, gw.other.key)).json());
      const theirPage = await gw.app.inject({ method: 'GET', url: String(theirs.res.headers.location) });
      assert.ok(!theirPage.body.includes('/c/logo/'), "not on another merchant's page");

      const removed = await gw.app.inject({ method: 'DELETE', url: '/v1/account/logo', headers: auth() });
      assert.equal(removed.statusCode, 200);
      assert.equal((await gw.app.inject({ method: 'GET', url: pathOf(logo.url) })).statusCode, 404);
    });
  });
});

import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createDashboardUser } from '../../src/dashboard-users.ts';
import { adminDeps } from '../../src/main.ts';
import { forEachDatabase } from '../support/databases.ts';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from '../support/gateway.ts';

const PASSWORD = 'correct horse battery staple';

interface Browser {
  cookies: Map<string, string>;
  csrf: string;
}

function cookieHeader(b: Browser): string {
  return [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
}

function keep(b: Browser, setCookie: string | string[] | undefined): void {
  for (const line of [setCookie ?? []].flat()) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1);
    if (/Max-Age=0/.test(line)) b.cookies.delete(pair.slice(0, eq));
    else b.cookies.set(pair.slice(0, eq), value);
  }
}

async function get(gw: TestGateway, b: Browser, url: string) {
  const res = await gw.app.inject({ method: 'GET', url, headers: { cookie: cookieHeader(b) } });
  keep(b, res.headers['set-cookie'] as string | string[] | undefined);
  const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
  if (m?.[1]) b.csrf = m[1];
  return res;
}

async function post(gw: TestGateway, b: Browser, url: string, form: Record<string, string>, headers = {}) {
  const res = await gw.app.inject({
    method: 'POST',
    url,
    headers: { cookie: cookieHeader(b), 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString(),
  });
  keep(b, res.headers['set-cookie'] as string | string[] | undefined);
  return res;
}

async function signIn(gw: TestGateway, email: string, password = PASSWORD, ip = '127.0.0.1') {
  const b: Browser = { cookies: new Map(), csrf: '' };
  const page = await get(gw, b, '/dashboard/sign-in');
  const token = /name="_signin" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
  const res = await gw.app.inject({
    method: 'POST',
    url: '/dashboard/sign-in',
    remoteAddress: ip,
    headers: { cookie: cookieHeader(b), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _signin: token, email, password, next: '/dashboard' }).toString(),
  });
  keep(b, res.headers['set-cookie'] as string | string[] | undefined);
  if (res.statusCode === 303) await get(gw, b, '/dashboard');
  return { b, res };
}

forEachDatabase((database) => {
  describe(`dashboard (${database.name})`, () => {
    let gw: TestGateway;
    const logs: string[] = [];
    before(async () => {
      const sink = new Writable({
        write(chunk, _enc, done) {
          logs.push(String(chunk));
          done();
        },
      });
      gw = await createTestGateway({
        database: await database.open(),
        config: { logLevel: 'debug' },
        start: { logDestination: sink },
      });
      const deps = { ...adminDeps(gw.core), dashboard: gw.core.repos.dashboard };
      await createDashboardUser(deps, {
        accountId: gw.merchant.accountId,
        email: 'admin@a.qa',
        role: 'admin',
        password: PASSWORD,
      });
      await createDashboardUser(deps, {
        accountId: gw.merchant.accountId,
        email: 'viewer@a.qa',
        role: 'viewer',
        password: PASSWORD,
      });
      await createDashboardUser(deps, {
        accountId: gw.other.accountId,
        email: 'admin@b.qa',
        role: 'admin',
        password: PASSWORD,
      });
    });
    after(() => gw.close());

    test('/ goes to the dashboard; without a session every page redirects to sign-in', async () => {
      const root = await gw.app.inject({ method: 'GET', url: '/' });
      assert.equal(root.statusCode, 302);
      assert.equal(root.headers.location, '/dashboard');
      for (const url of ['/dashboard', '/dashboard/payments', '/dashboard/payments/pay_x', '/dashboard/audit']) {
        const res = await gw.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 303, url);
        assert.match(String(res.headers.location), /^\/dashboard\/sign-in\?next=/);
      }
      const forged = await gw.app.inject({
        method: 'GET',
        url: '/dashboard',
        headers: { cookie: 'bawaba_session=forged' },
      });
      assert.equal(forged.statusCode, 303);
      const page = await gw.app.inject({ method: 'GET', url: '/dashboard/sign-in' });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
      assert.match(String(page.headers['content-security-policy']), /style-src 'self'/);
      assert.doesNotMatch(page.body, /https?:\/\/(?!www\.w3)/);
    });

    test('a wrong password is refused; a right one opens a session with a safe cookie', async () => {
      const wrong = await signIn(gw, 'admin@a.qa', 'not the password');
      assert.equal(wrong.res.statusCode, 401);
      assert.match(wrong.res.body, /do not match/);
      const { b, res } = await signIn(gw, 'ADMIN@a.qa');
      assert.equal(res.statusCode, 303);
      const cookie = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('bawaba_session='));
      assert.ok(cookie);
      assert.match(String(cookie), /HttpOnly/);
      assert.match(String(cookie), /SameSite=Lax/);
      assert.match(String(cookie), /Path=\/dashboard/);
      assert.doesNotMatch(String(cookie), /Secure/);
      const home = await get(gw, b, '/dashboard');
      assert.equal(home.statusCode, 200);
      assert.match(home.body, /admin@a\.qa/);
      assert.match(home.body, /class="testbar"/);
    });

    test('account A never sees account B: by id, filter or search', async () => {
      const theirs = await gw.createPayment({ ...PAYMENT_BODY, reference: 'B-SECRET-REF' }, gw.other.key);
      const ours = await gw.createPayment({ ...PAYMENT_BODY, reference: 'A-REF-1' });
      const { b } = await signIn(gw, 'admin@a.qa');
      const byId = await get(gw, b, `/dashboard/payments/${theirs.id}`);
      assert.equal(byId.statusCode, 404);
      assert.match(String(byId.headers['content-type']), /text\/html/);
      for (const q of [theirs.id as string, 'B-SECRET-REF', 'mariam']) {
        const list = await get(gw, b, `/dashboard/payments?q=${encodeURIComponent(q)}`);
        assert.equal(list.statusCode, 200);
        assert.ok(!list.body.includes(`/dashboard/payments/${theirs.id}"`), q);
      }
      const mine = await get(gw, b, '/dashboard/payments?q=A-REF-1');
      assert.ok(mine.body.includes(ours.id as string));
      const email = await get(gw, b, '/dashboard/payments?q=mariam%40example');
      assert.ok(email.body.includes(ours.id as string));
      const filtered = await get(
        gw,
        b,
        '/dashboard/payments?status=requires_action&connector=checkout_com&min=10&max=20&currency=QAR',
      );
      assert.ok(filtered.body.includes(ours.id as string));
      assert.ok(!filtered.body.includes(theirs.id as string));
      assert.match(filtered.body, /QAR 15\.00/);
      const none = await get(gw, b, '/dashboard/payments?min=16');
      assert.ok(!none.body.includes(ours.id as string));
      const other = await signIn(gw, 'admin@b.qa');
      const theirView = await get(gw, other.b, `/dashboard/payments/${ours.id}`);
      assert.equal(theirView.statusCode, 404);
      // The payment repository's own reference filter.
      const page = await gw.core.repos.payments.list({
        accountId: gw.merchant.accountId,
        mode: 'test',
        limit: 10,
        reference: 'A-REF-1',
      });
      assert.deepEqual(
        page.data.map((p) => p.id),
        [ours.id],
      );
    });

    test('a missing or forged CSRF token, or another origin, is 403 and changes nothing', async () => {
      const p = await gw.createPayment();
      const { b } = await signIn(gw, 'admin@a.qa');
      for (const [form, headers] of [
        [{}, {}],
        [{ _csrf: 'forged' }, {}],
        [{ _csrf: b.csrf }, { origin: 'https://evil.example' }],
        [{ _csrf: b.csrf }, { 'sec-fetch-site': 'cross-site' }],
      ] as const) {
        const res = await post(gw, b, `/dashboard/payments/${p.id}/cancel`, form, headers);
        assert.equal(res.statusCode, 403, JSON.stringify(form));
        assert.match(String(res.headers['content-type']), /text\/html/);
      }
      const after = await gw.core.repos.payments.get(gw.merchant.accountId, 'test', p.id as string);
      assert.equal(after?.status, 'requires_action');
      const audit = await gw.core.repos.dashboard.listAudit({ accountId: gw.merchant.accountId, limit: 100 });
      assert.ok(!audit.data.some((a) => a.action === 'payment.cancel' && a.objectId === p.id));
      const ok = await post(gw, b, `/dashboard/payments/${p.id}/cancel`, { _csrf: b.csrf });
      assert.equal(ok.statusCode, 303);
      const canceled = await gw.core.repos.payments.get(gw.merchant.accountId, 'test', p.id as string);
      assert.equal(canceled?.status, 'canceled');
      const logged = await gw.core.repos.dashboard.listAudit({ accountId: gw.merchant.accountId, limit: 100 });
      const entry = logged.data.find((a) => a.action === 'payment.cancel' && a.objectId === p.id);
      assert.equal(entry?.userEmail, 'admin@a.qa');
      assert.equal(entry?.ip, '127.0.0.1');
      const page = await get(gw, b, '/dashboard/audit');
      assert.match(page.body, /payment\.cancel/);
    });

    test('a viewer gets 403 on admin actions and nothing changes', async () => {
      const p = await gw.createPayment();
      const { b } = await signIn(gw, 'viewer@a.qa');
      const page = await get(gw, b, `/dashboard/payments/${p.id}`);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /\/cancel"/);
      for (const url of [
        `/dashboard/payments/${p.id}/cancel`,
        `/dashboard/payments/${p.id}/reconcile`,
        `/dashboard/payments/${p.id}/refund`,
      ]) {
        const confirm = await get(gw, b, url);
        assert.equal(confirm.statusCode, 403, url);
        const res = await post(gw, b, url, { _csrf: b.csrf, amount: '1.00' });
        assert.equal(res.statusCode, 403, url);
      }
      const after = await gw.core.repos.payments.get(gw.merchant.accountId, 'test', p.id as string);
      assert.equal(after?.status, 'requires_action');
      assert.equal(after?.version, (p as { version?: number }).version ?? after?.version);
    });

    test('the test/live switch is kept by the session; sign-out ends it', async () => {
      const { b } = await signIn(gw, 'admin@a.qa');
      const live = await post(gw, b, '/dashboard/mode', { _csrf: b.csrf, mode: 'live', back: '/dashboard/payments' });
      assert.equal(live.statusCode, 303);
      const page = await get(gw, b, '/dashboard/payments');
      assert.doesNotMatch(page.body, /class="testbar"/);
      assert.match(page.body, /class="on live"/);
      const out = await post(gw, b, '/dashboard/sign-out', { _csrf: b.csrf });
      assert.equal(out.statusCode, 303);
      b.cookies.set('bawaba_session', [...b.cookies.values()][0] ?? '');
      const again = await get(gw, b, '/dashboard');
      assert.equal(again.statusCode, 303);
    });

    test('sign-in attempts are limited per user and per address', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++)
        statuses.push((await signIn(gw, 'viewer@a.qa', `wrong-${i}`, '10.0.0.9')).res.statusCode);
      // Ten a quarter hour per e-mail (one was used by an earlier test).
      assert.ok(
        statuses.slice(0, 9).every((s) => s === 401),
        String(statuses),
      );
      assert.deepEqual(statuses.slice(10), [429, 429]);
      const right = await signIn(gw, 'viewer@a.qa', PASSWORD, '10.0.0.10');
      assert.equal(right.res.statusCode, 429, 'the user limit holds from another address');
      const addr: number[] = [];
      for (let i = 0; i < 22; i++) addr.push((await signIn(gw, `nobody${i}@a.qa`, 'x', '10.0.0.11')).res.statusCode);
      assert.equal(addr.at(-1), 429);
    });

    test('passwords and session tokens never reach the logs', async () => {
      const { b } = await signIn(gw, 'admin@a.qa');
      await get(gw, b, '/dashboard/payments');
      const text = logs.join('');
      assert.ok(text.length > 0);
      assert.ok(!text.includes(PASSWORD));
      const token = b.cookies.get('bawaba_session') ?? '';
      assert.ok(token.length > 20);
      assert.ok(!text.includes(token));
      assert.ok(!text.includes(b.csrf));
    });
  });
});

/**
 * Transcript scrubbing, as Active Merchant tests it: every connector's whole lifecycle runs
 * through the real gateway with logging at `trace` — the merchant configuring it, a payment, the
 * customer paying on the provider's page with card, PIN and OTP, the customer's return, the
 * provider's notifications, a refund and its settlement, the merchant's signed webhooks — plus
 * the mistakes a merchant makes (a key in a query string, a wrong key, a broken JSON body). Then
 * nothing secret may be found anywhere in what was logged.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createTestGateway, PAYMENT_BODY, type TestGateway } from './support/gateway.ts';
import { type Receiver, startReceiver, waitFor } from './support/receiver.ts';

const logged: string[] = [];
const sink = new Writable({
  write(chunk: Buffer | string, _encoding, done) {
    logged.push(String(chunk));
    done();
  },
});

/** Values that must never be logged, by what they are; `short` ones are matched as whole values. */
const secrets = new Map<string, string>();
const short = new Map<string, string>();

const NATIONAL_ID = '28463400123';
const CARD = '4215375500883243';
const OTHER_CARD = '4242424242424242';
const PIN = '677';
const OTP = '204816';
const CVV = '829';
secrets.set('national id', NATIONAL_ID);
secrets.set('card number', CARD);
secrets.set('card number (cards)', OTHER_CARD);
short.set('PIN', PIN);
short.set('OTP', OTP);
short.set('CVV', CVV);

let gw: TestGateway;
let rx: Receiver;
let n = 0;
const auth = () => ({ authorization: `Bearer ${gw.merchant.key}` });
const send = (method: 'POST' | 'PUT', url: string, payload: Record<string, unknown>) =>
  gw.app.inject({ method, url, headers: { ...auth(), 'idempotency-key': `secrets-${++n}` }, payload });
const get = async (url: string) => (await gw.app.inject({ method: 'GET', url, headers: auth() })).json();

before(async () => {
  gw = await createTestGateway({ tap: true, config: { logLevel: 'trace' }, start: { logDestination: sink } });
  rx = await startReceiver();
  secrets.set('Bawaba API key', gw.merchant.key);
  secrets.set('Bawaba API key (other account)', gw.other.key);
  const endpoint = await send('POST', '/v1/webhook_endpoints', { url: `${rx.url}/bawaba`, enabled_events: ['*'] });
  assert.equal(endpoint.statusCode, 201, endpoint.body);
  secrets.set('webhook endpoint secret', endpoint.json().secret);
  // The merchant sets each connector up through the API: its credentials travel in a request.
  for (const connector of ['checkout_com', 'tap', 'akurateco', 'qattah']) {
    const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', connector);
    assert.ok(ca, connector);
    const credentials = { ...ca.credentials };
    if (connector === 'checkout_com') {
      // Checkout.com can also send a static Authorization header with its webhooks (providers.md §1.9).
      credentials.webhook_authorization = `Bearer ${randomBytes(18).toString('base64url')}`;
      const entity = gw.emulator.control.listEntities().find((e) => e.secretKey === credentials.secret_key);
      assert.ok(entity);
      gw.emulator.control.setWebhooks(entity.id, [
        { url: `${gw.url}/hooks/checkout_com/${ca.id}`, authorization: credentials.webhook_authorization },
      ]);
    }
    const put = await send('PUT', `/v1/connectors/${connector}`, { credentials, settings: ca.settings });
    assert.equal(put.statusCode, 200, put.body);
    for (const [name, value] of Object.entries(credentials)) secrets.set(`${connector} ${name}`, value);
  }
});
after(async () => {
  await gw.close();
  await rx.close();
});

/** The customer's browser: a form posted to the provider's page, answered with a redirect. */
async function postForm(url: URL | string, form: Record<string, string>): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  assert.equal(res.status, 303, `${url}: ${res.status} ${await res.text()}`);
  assert.ok(location);
  return new URL(location, url).toString();
}

/** The customer's browser comes back to the gateway, which sends it on to the merchant. */
async function comeBack(location: string): Promise<void> {
  assert.ok(location.startsWith(`${gw.url}/return/`), location);
  const res = await fetch(location, { redirect: 'manual' });
  assert.equal(res.status, 303, await res.text());
}

type Payment = { id: string; status: string; provider_payment_id: string; next_action: { url: string } };

async function create(body: Record<string, unknown>): Promise<Payment> {
  const res = await send('POST', '/v1/payments', body);
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function settled(paymentId: string, status: string): Promise<void> {
  await waitFor(async () => (await get(`/v1/payments/${paymentId}`)).status === status, 5000, `${paymentId} ${status}`);
}

async function refund(paymentId: string, amount: number): Promise<{ id: string; provider_refund_id: string }> {
  const res = await send('POST', `/v1/payments/${paymentId}/refunds`, { amount });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function refunded(refundId: string): Promise<void> {
  await waitFor(async () => (await get(`/v1/refunds/${refundId}`)).status === 'succeeded', 5000, `${refundId}`);
}

const customer = { ...PAYMENT_BODY.customer, national_id: NATIONAL_ID };

describe('a whole lifecycle per connector, logged at trace', () => {
  // QPay: card number, PIN and OTP on the provider's page; each page names its payment its own way.
  const qpay = [
    {
      connector: 'checkout_com',
      form: (page: URL) => ({ at: new URL('/qpay-external/pay', page), pun: page.searchParams.get('pun') ?? '' }),
      approveRefund: (id: string) => gw.emulator.control.approveRefund(id).ok,
    },
    {
      connector: 'tap',
      form: (page: URL) => ({ at: new URL(page.pathname, page), chg: page.searchParams.get('chg') ?? '' }),
      approveRefund: (id: string) => gw.tap.control.settleRefund(id, 'approve').ok,
    },
  ];
  for (const { connector, form, approveRefund } of qpay) {
    test(`${connector} QPay: card, PIN and OTP on the page, signed notifications, a refund`, async () => {
      const p = await create({ ...PAYMENT_BODY, customer, connector });
      const page = new URL(p.next_action.url);
      assert.equal((await fetch(page)).status, 200);
      const { at, ...names } = form(page);
      const back = await postForm(at, {
        ...names,
        card_number: CARD,
        expiry: '12/39',
        pin: PIN,
        otp: OTP,
        action: 'pay',
      });
      await comeBack(back);
      await settled(p.id, 'captured');
      const r = await refund(p.id, 500);
      assert.ok(approveRefund(r.provider_refund_id));
      await refunded(r.id);
    });
  }

  test('Akurateco cards: card and CVV on the page, hash-signed callbacks, a refund', async () => {
    const p = await create({
      amount: 30100,
      currency: 'QAR',
      payment_method: 'card',
      connector: 'akurateco',
      return_url: 'https://shop.example/thanks',
      description: 'Order 1002',
      customer,
    });
    const page = new URL(p.next_action.url);
    assert.equal((await fetch(page)).status, 200);
    const back = await postForm(page, {
      card_number: OTHER_CARD,
      expiry: '12/39',
      cvv: CVV,
      card_holder: 'Mariam Al-Thani',
      action: 'pay',
    });
    await comeBack(back);
    await settled(p.id, 'captured');
    const r = await refund(p.id, 10_000);
    const waiting = (gw.akurateco.control.listRefunds() as { id: string; status: string }[]).find(
      (x) => x.status === 'waiting',
    );
    assert.ok(waiting, JSON.stringify(gw.akurateco.control.listRefunds()));
    assert.ok(gw.akurateco.control.settleRefund(waiting.id, 'approve').ok);
    await refunded(r.id);
  });

  test('Qattah Pay split bill: every share paid on its page, the callback, a refund', async () => {
    const p = await create({
      amount: 12_000,
      currency: 'SAR',
      payment_method: 'qattah',
      connector: 'qattah',
      return_url: 'https://shop.example/thanks',
      description: 'Dinner for two',
      customer: { email: 'sara@example.sa', phone: '+966500000001', national_id: NATIONAL_ID },
    });
    const page = new URL(p.next_action.url);
    assert.equal((await fetch(page)).status, 200);
    const split = gw.qattah.control.split(p.provider_payment_id, { people: 2 });
    assert.ok(split.ok, JSON.stringify(split));
    let back = '';
    for (const invoice of split.order.invoices) {
      back = await postForm(new URL(`/${p.provider_payment_id}/invoices/${invoice.id}/pay`, page), { brand: 'MADA' });
    }
    await comeBack(back);
    await settled(p.id, 'captured');
    const r = await refund(p.id, 12_000);
    await refunded(r.id);
  });

  test('the merchant’s signed webhooks are delivered', async () => {
    await waitFor(
      async () => {
        await gw.worker.runDue();
        return rx.received.some((x) => x.body.includes('refund.succeeded'));
      },
      5000,
      'webhooks delivered',
    );
  });
});

describe('a merchant’s mistakes, logged at trace', () => {
  test('a key in a query string, a wrong key, a broken JSON body with card data', async () => {
    const inQuery = await gw.app.inject({ method: 'GET', url: `/v1/payments?api_key=${gw.merchant.key}` });
    assert.ok(inQuery.statusCode >= 400);
    const wrong = `sk_test_${randomBytes(18).toString('base64url')}`;
    secrets.set('a wrong Bawaba API key', wrong);
    const refused = await gw.app.inject({
      method: 'GET',
      url: '/v1/payments',
      headers: { authorization: `Bearer ${wrong}` },
    });
    assert.equal(refused.statusCode, 401);
    const broken = await gw.app.inject({
      method: 'POST',
      url: '/v1/payments',
      headers: { ...auth(), 'idempotency-key': 'secrets-broken', 'content-type': 'application/json' },
      payload: `{"customer":{"national_id":"${NATIONAL_ID}"},"card_number":"${CARD}","pin":"${PIN}"`,
    });
    assert.equal(broken.statusCode, 400);
  });
});

describe('provider faults, logged at trace', () => {
  test('an error page that echoes the request (credentials and all) is logged scrubbed', async () => {
    // A provider's (or its proxy's) 502 page that shows the request it got, headers first.
    const echo = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`);
        headers.sort((a, b) => Number(b.startsWith('authorization')) - Number(a.startsWith('authorization')));
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`${body}\n${headers.join('\n')}`);
      });
    });
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
    const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
    const bodies: Record<string, Record<string, unknown>> = {
      checkout_com: { ...PAYMENT_BODY, customer },
      tap: { ...PAYMENT_BODY, customer },
      akurateco: { ...PAYMENT_BODY, payment_method: 'card', customer },
      qattah: { ...PAYMENT_BODY, currency: 'SAR', payment_method: 'qattah', customer },
    };
    try {
      for (const [connector, body] of Object.entries(bodies)) {
        const ca = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', connector);
        assert.ok(ca);
        await gw.core.repos.connectorAccounts.upsert({ ...ca, settings: { ...ca.settings, base_url: echoUrl } });
        try {
          const res = await send('POST', '/v1/payments', { ...body, connector });
          assert.equal(res.statusCode, 202, `${connector}: ${res.body}`);
          assert.equal(res.json().status, 'processing');
        } finally {
          await gw.core.repos.connectorAccounts.upsert(ca);
        }
      }
    } finally {
      await new Promise<void>((r) => echo.close(() => r()));
    }
  });
});

describe('whatever the code logs', () => {
  test('secrets under their own names, at any depth, and in free text, are censored', async () => {
    const log = gw.core.logger;
    for (const connector of ['checkout_com', 'tap', 'akurateco', 'qattah']) {
      const account = await gw.core.repos.connectorAccounts.find(gw.merchant.accountId, 'test', connector);
      assert.ok(account);
      const { credentials } = account;
      log.trace({ account }, 'a connector account');
      log.trace({ ...credentials }, 'its credentials, spread');
      log.trace({ call: { connector, request: { body: { ...credentials, hash: 'x' } } } }, 'a provider call');
      log.trace({ detail: `sent ${JSON.stringify(credentials)}` }, 'credentials in text');
    }
    log.trace(
      {
        hook: {
          headers: {
            authorization: `Bearer ${gw.merchant.key}`,
            'cko-signature': 'x',
            hashstring: 'x',
            'webhook-signature': 'v1,x',
          },
        },
      },
      'a request',
    );
    log.trace({ endpoint: { secret: secrets.get('webhook endpoint secret') } }, 'a webhook endpoint');
    log.trace({ customer: { national_id: NATIONAL_ID }, card: { number: CARD, cvv: CVV, pin: PIN, otp: OTP } }, 'x');
    log.trace({ err: new Error(`the card ${CARD} and the key ${gw.merchant.key} in a message`) }, 'an error');
  });
});

/** Every leaf of a parsed log line, with the name it was under. */
function* leaves(value: unknown, name = ''): Generator<[string, unknown]> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* leaves(v, k);
  } else {
    yield [name, value];
  }
}

/** The forms a value takes in a log line: as it is, JSON-escaped, percent-encoded. */
const formsOf = (value: string) => new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);

describe('what was logged', () => {
  test('carries the whole lifecycle of every connector', () => {
    const urls = logged.flatMap((line) => {
      const url = (JSON.parse(line) as { req?: { url?: string } }).req?.url;
      return url === undefined ? [] : [url];
    });
    for (const connector of ['checkout_com', 'tap', 'akurateco', 'qattah']) {
      assert.ok(
        urls.some((u) => u.startsWith(`/hooks/${connector}/`)),
        `${connector}: a notification was logged`,
      );
      assert.ok(
        urls.some((u) => u.startsWith(`/return/${connector}/`)),
        `${connector}: a return was logged`,
      );
    }
    assert.ok(
      logged.some((line) => JSON.parse(line).level < 30),
      'debug and trace lines were written',
    );
  });

  test('holds no credential, card number, PIN, OTP or national id', () => {
    assert.ok(secrets.size >= 12, [...secrets.keys()].join(', '));
    const found: string[] = [];
    const text = logged.join('');
    for (const [what, value] of secrets) {
      assert.ok(value.length >= 8, `${what} is long enough to search for`);
      for (const form of formsOf(value)) {
        const at = text.indexOf(form);
        if (at !== -1) found.push(`${what}: …${text.slice(Math.max(0, at - 120), at + form.length + 40)}…`);
      }
    }
    for (const line of logged) {
      for (const [name, value] of leaves(JSON.parse(line))) {
        for (const [what, secret] of short) {
          if (String(value) === secret) found.push(`${what} as ${name}: ${line}`);
        }
      }
      const named = /\b(pin|otp|cvv)\b\W{0,6}(\d{3,6})/i.exec(line);
      if (named) found.push(`${named[1]}: ${line}`);
    }
    assert.deepEqual(found, []);
  });
});

/**
 * The `checkout` phase of `npm run bench`: what Bawaba Checkout adds to a payment, as a merchant
 * and a shopper meet it. A merchant's server opens a checkout session (`POST /v1/checkout_sessions`),
 * the shopper's browser opens its page (`GET /c/{token}`) and chooses QPay (`POST /c/{token}/pay`,
 * answered 303 to the step before the provider's page, once the payment is made there). Each step
 * is timed on its own, to set beside a bare `POST /v1/payments`.
 */
import { randomUUID } from 'node:crypto';
import type { Pool } from 'undici';
import { Failure, send } from './load.ts';

/** Latencies of the phase's steps, ms. */
export interface CheckoutSamples {
  readonly session: number[];
  readonly page: number[];
  readonly choose: number[];
}

export const newCheckoutSamples = (): CheckoutSamples => ({ session: [], page: [], choose: [] });

const SESSION_BODY = JSON.stringify({
  amount: 100,
  currency: 'QAR',
  payment_methods: ['qpay'],
  description: 'Bench order',
  success_url: 'https://shop.example/paid',
  cancel_url: 'https://shop.example/cart',
});
const CSRF = /name="_csrf" value="([^"]+)"/;
let visits = 0;

/** One session opened, its page shown and QPay chosen; the payment's id (for the bench's checks). */
export async function checkoutVisit(pool: Pool, apiKey: string, samples: CheckoutSamples | undefined): Promise<string> {
  const api = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  const created = await send(
    pool,
    'POST',
    '/v1/checkout_sessions',
    { ...api, 'idempotency-key': randomUUID() },
    SESSION_BODY,
  );
  if (created.status !== 201) throw new Failure(`checkout session answered ${created.status}`, created.text);
  const session = JSON.parse(created.text) as { id: string; url: string };
  const path = new URL(session.url).pathname;
  const t1 = performance.now();
  // Each visit is another shopper, at an address of its own behind the gateway's proxy.
  const shopper = `10.${(visits >> 16) & 255}.${(visits >> 8) & 255}.${visits++ & 255}`;
  const page = await send(pool, 'GET', path, { 'accept-language': 'ar', 'x-forwarded-for': shopper });
  const csrf = CSRF.exec(page.text)?.[1];
  if (page.status !== 200 || csrf === undefined) throw new Failure(`checkout page answered ${page.status}`, page.text);
  const t2 = performance.now();
  const form = new URLSearchParams({ _csrf: csrf, method: 'qpay' }).toString();
  const chosen = await send(
    pool,
    'POST',
    `${path}/pay`,
    {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
      'x-forwarded-for': shopper,
    },
    form,
  );
  const t3 = performance.now();
  if (chosen.status !== 303) throw new Failure(`choosing QPay answered ${chosen.status}`, chosen.text);
  const after = await send(pool, 'GET', `/v1/checkout_sessions/${session.id}`, api);
  const made = (JSON.parse(after.text) as { payment_ids?: unknown }).payment_ids;
  const paymentId = Array.isArray(made) && made.length === 1 ? made[0] : undefined;
  if (typeof paymentId !== 'string') throw new Failure('choosing QPay made not exactly one payment', after.text);
  samples?.session.push(t1 - t0);
  samples?.page.push(t2 - t1);
  samples?.choose.push(t3 - t2);
  return paymentId;
}

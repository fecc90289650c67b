/**
 * The four providers as `npm run bench` drives them through the gateway: each emulator in a
 * process of its own (so its CPU is its own), the gateway's connector pointed at it as a merchant
 * of its own there, and what the customer does to pay once the merchant created the payment —
 * on the provider's hosted page, or through the emulator's control API, which stands for it.
 */
import { join } from 'node:path';
import type { Pool } from 'undici';
import { freePort } from '../soak/gateway-process.ts';
import { BIN, type Child, spawnChild } from './children.ts';
import { Failure, fetchJson, pool, send } from './load.ts';

export const CONNECTORS = ['checkout_com', 'tap', 'qattah', 'akurateco'] as const;
export type ConnectorId = (typeof CONNECTORS)[number];

/** Payers Qattah's split bill is shared between in the bench. */
export const QATTAH_SHARES = 3;

/** One provider emulator process of the bench. */
export interface ProviderEmulator {
  readonly connector: ConnectorId;
  readonly child: Child;
  readonly url: string;
  readonly pool: Pool;
}

/** A payment the gateway created, as the customer's part of the lifecycle needs it. */
export interface Created {
  readonly id: string;
  readonly providerPaymentId: string;
  /** `next_action.url`: the provider's hosted page. */
  readonly redirectUrl: string;
}

/** The merchant at the provider: what the gateway's connector is given, and what follows its creation. */
export interface ProviderAccount {
  readonly credentials: Record<string, string>;
  /** Tells the emulator where the connector's notifications go (for providers configured per merchant). */
  afterConnector(hookUrl: string): Promise<void>;
}

export interface ConnectorBench {
  readonly connector: ConnectorId;
  /** What one lifecycle is, for the report. */
  readonly title: string;
  /** Payers per lifecycle (Qattah's shares), else 1. */
  readonly shares: number;
  /** Provider notifications the gateway receives per create, and per paid lifecycle. */
  readonly notificationsPerCreate: number;
  readonly notificationsPerPayment: number;
  /** Where the emulator lists every notification copy it sent (and the answer's key). */
  readonly deliveries: { readonly path: string; readonly key: string };
  /** The merchant's `POST /v1/payments` body. */
  readonly createBody: string;
  /** Makes the gateway's merchant at the emulator. */
  account(emulator: ProviderEmulator): Promise<ProviderAccount>;
  /** What the customer does to pay (the hosted page's form, or the control API call standing for it). */
  pay(emulator: ProviderEmulator, payment: Created): Promise<void>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };
const RETURN_URL = 'https://shop.example/thanks?order=bench';

async function controlCall(emulator: ProviderEmulator, method: 'POST' | 'PUT', path: string, body: unknown) {
  const answer = await fetchJson(`${emulator.url}${path}`, method, JSON_HEADERS, body);
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`${emulator.connector} emulator ${method} ${path}: ${answer.status} ${answer.text}`);
  }
  return answer.json;
}

/** Sends one request to the emulator during the load; throws a {@link Failure} unless it answers `ok`. */
async function expect(
  emulator: ProviderEmulator,
  path: string,
  headers: Record<string, string>,
  body: string,
  ok: number,
): Promise<string> {
  const answer = await send(emulator.pool, 'POST', path, headers, body);
  if (answer.status !== ok) {
    throw new Failure(
      `${emulator.connector} ${path.split('/').slice(0, 3).join('/')} answered ${answer.status}`,
      answer.text,
    );
  }
  return answer.text;
}

const noop = async () => {};
const APPROVE = '{"outcome":"approve"}';
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

const checkoutCom: ConnectorBench = {
  connector: 'checkout_com',
  title: 'Checkout.com QPay: create, approve, 3 signed notifications',
  shares: 1,
  // payment_pending on create; payment_capture_pending and payment_captured on approval.
  notificationsPerCreate: 1,
  notificationsPerPayment: 2,
  deliveries: { path: '/__control/notifications', key: 'notifications' },
  createBody: JSON.stringify({
    amount: 100,
    currency: 'QAR',
    payment_method: 'qpay',
    connector: 'checkout_com',
    return_url: RETURN_URL,
    description: 'Bench order',
    customer: { national_id: '28463400123' },
  }),
  async account(emulator) {
    const entity = await controlCall(emulator, 'POST', '/__control/entities', {});
    const id = str(entity.id);
    return {
      credentials: { secret_key: str(entity.secret_key), webhook_signature_key: str(entity.webhook_signature_key) },
      afterConnector: async (hookUrl) => {
        await controlCall(emulator, 'PUT', `/__control/entities/${id}/webhooks`, { webhooks: [{ url: hookUrl }] });
      },
    };
  },
  async pay(emulator, payment) {
    await expect(emulator, `/__control/payments/${payment.providerPaymentId}/complete`, JSON_HEADERS, APPROVE, 200);
  },
};

const tap: ConnectorBench = {
  connector: 'tap',
  title: 'Tap QPay charge: create, approve, 1 signed notification',
  shares: 1,
  notificationsPerCreate: 0,
  notificationsPerPayment: 1,
  deliveries: { path: '/__control/notifications', key: 'notifications' },
  createBody: JSON.stringify({
    amount: 100,
    currency: 'QAR',
    payment_method: 'qpay',
    connector: 'tap',
    return_url: RETURN_URL,
    description: 'Bench order',
    customer: { name: 'Bench Load', email: 'bench@example.com' },
  }),
  async account(emulator) {
    const merchant = await controlCall(emulator, 'POST', '/__control/merchants', {});
    // Tap posts to the `post.url` each charge names.
    return { credentials: { secret_key: str(merchant.secret_key) }, afterConnector: noop };
  },
  async pay(emulator, payment) {
    await expect(emulator, `/__control/charges/${payment.providerPaymentId}/complete`, JSON_HEADERS, APPROVE, 200);
  },
};

const qattah: ConnectorBench = {
  connector: 'qattah',
  title: `Qattah split bill of ${QATTAH_SHARES} shares: create, split, ${QATTAH_SHARES} payments, callback, lookup`,
  shares: QATTAH_SHARES,
  notificationsPerCreate: 0,
  // One unsigned callback once every share is paid; the gateway then asks for the order.
  notificationsPerPayment: 1,
  deliveries: { path: '/__control/callbacks', key: 'callbacks' },
  createBody: JSON.stringify({
    amount: 9_000,
    currency: 'SAR',
    payment_method: 'qattah',
    connector: 'qattah',
    return_url: RETURN_URL,
    description: 'Bench dinner',
  }),
  async account(emulator) {
    const merchant = await controlCall(emulator, 'POST', '/__control/merchants', { name: 'Bench merchant' });
    // Qattah calls back the `callback_url` each order names.
    return { credentials: { api_token: str(merchant.api_token) }, afterConnector: noop };
  },
  async pay(emulator, payment) {
    const order = payment.providerPaymentId;
    const split = await expect(
      emulator,
      `/__control/orders/${order}/split`,
      JSON_HEADERS,
      `{"people":${QATTAH_SHARES}}`,
      200,
    );
    const invoices = (JSON.parse(split) as { invoices?: { id?: unknown }[] }).invoices ?? [];
    if (invoices.length !== QATTAH_SHARES) throw new Failure('qattah split answered other shares', split);
    // Each payer pays their share, one after the other.
    for (const invoice of invoices) {
      await expect(emulator, `/__control/orders/${order}/invoices/${str(invoice.id)}/pay`, JSON_HEADERS, '{}', 200);
    }
  },
};

/** Akurateco's test card, approved by expiry month 01 (providers.md §4.7). */
const AKURATECO_CARD_FORM = new URLSearchParams({
  card_number: '4111111111111111',
  expiry: '01/30',
  cvv: '411',
  card_holder: 'Bench Load',
}).toString();

const akurateco: ConnectorBench = {
  connector: 'akurateco',
  title: 'Akurateco card: session, card form on the hosted page, callback, status lookup',
  shares: 1,
  notificationsPerCreate: 0,
  // One hash-signed sale callback; the gateway confirms it with a status call.
  notificationsPerPayment: 1,
  deliveries: { path: '/__control/notifications', key: 'notifications' },
  createBody: JSON.stringify({
    amount: 100,
    currency: 'QAR',
    payment_method: 'card',
    connector: 'akurateco',
    return_url: RETURN_URL,
    description: 'Bench order',
    customer: { name: 'Bench Load', email: 'bench@example.com' },
  }),
  async account(emulator) {
    const merchant = await controlCall(emulator, 'POST', '/__control/merchants', {});
    const key = str(merchant.merchant_key);
    return {
      credentials: { merchant_key: key, password: str(merchant.password) },
      // Callbacks go to the URL set for the merchant (in the platform's admin panel for real).
      afterConnector: async (hookUrl) => {
        await controlCall(emulator, 'POST', `/__control/merchants/${key}/notification_url`, {
          notification_url: hookUrl,
        });
      },
    };
  },
  async pay(emulator, payment) {
    const page = new URL(payment.redirectUrl);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    // The card form posts back to the page; the customer is sent on with a 303.
    await expect(emulator, `${page.pathname}${page.search}`, form, AKURATECO_CARD_FORM, 303);
  },
};

export const CONNECTOR_BENCHES: Readonly<Record<ConnectorId, ConnectorBench>> = {
  checkout_com: checkoutCom,
  tap,
  qattah,
  akurateco,
};

/** Starts `bawaba emulate <connector>` in its own process; `label` names it in logs and tables. */
export async function startProviderEmulator(
  dir: string,
  connector: ConnectorId,
  label: string,
  connections: number,
  nodeArgs: readonly string[],
): Promise<ProviderEmulator> {
  const port = await freePort();
  const child = spawnChild(
    label,
    [BIN, 'emulate', connector, '--port', String(port)],
    {},
    join(dir, `${label.replace(/\W+/g, '-')}.log`),
    nodeArgs,
  );
  await child.waitForLog(/Control API:/, 60_000);
  const url = `http://127.0.0.1:${port}`;
  return { connector, child, url, pool: pool(url, connections) };
}

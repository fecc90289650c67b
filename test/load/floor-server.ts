/**
 * The floor of a payment create, in its own process: the least any gateway that keeps a
 * payment durable has to do for `POST /v1/payments` through Checkout.com, and for the
 * `payment_pending` notification that follows it, written straight on Fastify, the database
 * driver and undici. The bench loads it like the gateway, so a reader sees how much of the
 * gateway's cost per create is the platform's and how much is the gateway's own.
 *
 * Per create: the JSON body read, the API key compared, the payment stored with its
 * idempotency key before the provider is called (a crash must leave a trace of it), the
 * provider called, its answer stored with the request's answer, 201. Per notification: the
 * signature checked over the raw body, the payment found, the notification stored, 200.
 *
 * Each write commits on its own: on SQLite in WAL mode with `synchronous = NORMAL`, as the
 * gateway, or on the PostgreSQL the gateway uses (tables `floor_*` in its schema). SQLite's
 * automatic checkpoints run in the floor's commits (the default; the gateway moves them to a
 * worker thread): most of its p99 at concurrency 1 comes from them. Left out, as a floor must:
 * validation beyond the types, routing, events and webhooks, jobs, logs, metrics, encryption,
 * rate limits and security headers.
 *
 * Settings: PORT, FLOOR_DATABASE (a SQLite file) or FLOOR_POSTGRES_URL, FLOOR_API_KEY,
 * PROVIDER_URL, PROVIDER_SECRET_KEY, PROVIDER_SIGNING_KEY. Listens on 127.0.0.1:$PORT.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';
import { request } from 'undici';

const setting = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`floor server: ${name} is not set`);
  return value;
};
const apiKeyHash = createHash('sha256').update(setting('FLOOR_API_KEY')).digest();
const providerUrl = setting('PROVIDER_URL');
const providerAuthorization = `Bearer ${setting('PROVIDER_SECRET_KEY')}`;
const signingKey = setting('PROVIDER_SIGNING_KEY');

/** The floor's writes and reads: on SQLite or PostgreSQL, as the gateway it stands beside. */
interface FloorStore {
  insertPayment(id: string, key: string, amount: number, currency: string, now: number): Promise<void>;
  recordAnswer(id: string, providerId: string, redirect: string | null, answer: string): Promise<void>;
  /** The payment a notification is about, by the reference the create gave the provider (its id). */
  paymentOf(reference: string, providerId: string): Promise<string | undefined>;
  insertNotification(id: string, paymentId: string, type: string, body: string, now: number): Promise<void>;
  counts(): Promise<{ payments: number; notifications: number }>;
  close(): Promise<void>;
}

const TABLES = `
  create table if not exists floor_payments (
    id text primary key, idempotency_key text not null unique, status text not null,
    amount bigint not null, currency text not null, provider_payment_id text unique,
    redirect_url text, answer text, created_at bigint not null);
  create table if not exists floor_notifications (
    id text primary key, payment_id text not null, type text not null, body text not null,
    received_at bigint not null);
`;
const SQL = {
  insertPayment:
    'insert into floor_payments (id, idempotency_key, status, amount, currency, created_at) values ($1, $2, $3, $4, $5, $6)',
  recordAnswer:
    'update floor_payments set status = $1, provider_payment_id = $2, redirect_url = $3, answer = $4 where id = $5',
  // The notification can come before the provider's answer is stored: the reference finds the
  // payment then, and the provider id must match once it is known.
  paymentOf:
    'select id from floor_payments where id = $1 and (provider_payment_id is null or provider_payment_id = $2)',
  insertNotification:
    'insert into floor_notifications (id, payment_id, type, body, received_at) values ($1, $2, $3, $4, $5) on conflict (id) do nothing',
  counts:
    'select (select count(*) from floor_payments) as payments, (select count(*) from floor_notifications) as notifications',
};

/** SQLite in WAL mode, `synchronous = NORMAL`, each statement its own commit. */
function sqliteStore(path: string): FloorStore {
  const db = new SQLite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(TABLES);
  const s = Object.fromEntries(
    Object.entries(SQL).map(([name, text]) => [name, db.prepare(text.replace(/\$\d+/g, '?'))]),
  ) as Record<keyof typeof SQL, SQLite.Statement>;
  return {
    insertPayment: async (...values) =>
      void s.insertPayment.run(values[0], values[1], 'processing', ...values.slice(2)),
    recordAnswer: async (id, providerId, redirect, answer) =>
      void s.recordAnswer.run('requires_action', providerId, redirect, answer, id),
    paymentOf: async (reference, providerId) =>
      (s.paymentOf.get(reference, providerId) as { id: string } | undefined)?.id,
    insertNotification: async (...values) => void s.insertNotification.run(...values),
    counts: async () => s.counts.get() as { payments: number; notifications: number },
    close: async () => {
      db.close();
    },
  };
}

/** PostgreSQL, in the schema of the URL's `schema` parameter; each statement prepared once per connection. */
async function postgresStore(url: string): Promise<FloorStore> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    ...(schema === null ? {} : { options: `-c search_path=${schema}` }),
  });
  pool.on('error', () => {});
  await pool.query(TABLES);
  const run = async (name: keyof typeof SQL, values: unknown[]) =>
    (await pool.query({ name: `floor_${name}`, text: SQL[name], values })).rows;
  return {
    insertPayment: async (id, key, amount, currency, now) =>
      void (await run('insertPayment', [id, key, 'processing', amount, currency, now])),
    recordAnswer: async (id, providerId, redirect, answer) =>
      void (await run('recordAnswer', ['requires_action', providerId, redirect, answer, id])),
    paymentOf: async (reference, providerId) =>
      (await run('paymentOf', [reference, providerId]))[0]?.id as string | undefined,
    insertNotification: async (...values) => void (await run('insertNotification', values)),
    counts: async () => {
      const row = (await run('counts', []))[0] as { payments: string; notifications: string };
      return { payments: Number(row.payments), notifications: Number(row.notifications) };
    },
    close: () => pool.end(),
  };
}

const postgresUrl = process.env.FLOOR_POSTGRES_URL;
const store = postgresUrl ? await postgresStore(postgresUrl) : sqliteStore(setting('FLOOR_DATABASE'));

interface CreateBody {
  amount: number;
  currency: string;
  return_url: string;
  description?: string;
  customer?: { national_id?: string };
}

const app = Fastify({ logger: false });
app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));

function authorized(header: string | undefined): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false;
  return timingSafeEqual(createHash('sha256').update(header.slice(7)).digest(), apiKeyHash);
}

app.post('/v1/payments', async (req, reply) => {
  if (!authorized(req.headers.authorization)) return reply.code(401).send({ error: 'unauthorized' });
  const key = req.headers['idempotency-key'];
  if (typeof key !== 'string') return reply.code(400).send({ error: 'idempotency-key required' });
  const input = JSON.parse(req.body as string) as CreateBody;
  if (!Number.isSafeInteger(input.amount) || typeof input.currency !== 'string') {
    return reply.code(400).send({ error: 'amount and currency required' });
  }
  const id = `pay_${randomUUID().replaceAll('-', '')}`;
  await store.insertPayment(id, key, input.amount, input.currency, Date.now());
  const answer = await request(`${providerUrl}/payments`, {
    method: 'POST',
    headers: {
      authorization: providerAuthorization,
      'content-type': 'application/json',
      'cko-idempotency-key': `${id}:create`,
    },
    body: JSON.stringify({
      amount: input.amount,
      currency: input.currency,
      reference: id,
      source: {
        type: 'qpay',
        description: input.description ?? id,
        language: 'en',
        quantity: 1,
        national_id: input.customer?.national_id,
      },
      success_url: input.return_url,
      failure_url: input.return_url,
    }),
  });
  const provider = (await answer.body.json()) as { id?: string; _links?: { redirect?: { href?: string } } };
  if (answer.statusCode >= 300 || typeof provider.id !== 'string') {
    return reply.code(502).send({ error: 'provider refused', status: answer.statusCode });
  }
  const redirect = provider._links?.redirect?.href ?? null;
  const body = JSON.stringify({
    id,
    status: 'requires_action',
    amount: input.amount,
    currency: input.currency,
    provider_payment_id: provider.id,
    next_action: { type: 'redirect', url: redirect },
  });
  await store.recordAnswer(id, provider.id, redirect, body);
  return reply.code(201).header('content-type', 'application/json').send(body);
});

app.post('/hooks', async (req, reply) => {
  const raw = req.body as string;
  const signature = req.headers['cko-signature'];
  const expected = createHmac('sha256', signingKey).update(raw, 'utf8').digest();
  if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature.trim().toLowerCase())) {
    return reply.code(401).send({ error: 'bad signature' });
  }
  if (!timingSafeEqual(Buffer.from(signature.trim().toLowerCase(), 'hex'), expected)) {
    return reply.code(401).send({ error: 'bad signature' });
  }
  const event = JSON.parse(raw) as { id?: string; type?: string; data?: { id?: string; reference?: string } };
  const paymentId = await store.paymentOf(event.data?.reference ?? '', event.data?.id ?? '');
  if (paymentId === undefined || typeof event.id !== 'string')
    return reply.code(404).send({ error: 'unknown payment' });
  await store.insertNotification(event.id, paymentId, String(event.type), raw, Date.now());
  return reply.code(200).send({ received: true });
});

// The bench's check that every create was stored once and every notification received once.
app.get('/counts', () => store.counts());

await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write('floor server listening\n');
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});

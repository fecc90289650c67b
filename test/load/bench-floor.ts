/**
 * The bench's `floor` phase: test/load/floor-server.ts, the least a durable gateway does per
 * create, loaded like the gateway, against a Checkout.com emulator of its own that notifies it.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Pool } from 'undici';
import { freePort } from '../soak/gateway-process.ts';
import { CONNECTOR_BENCHES, type ProviderEmulator, startProviderEmulator } from './bench-connectors.ts';
import { CONCURRENCY } from './bench-options.ts';
import { type Child, ROOT, sleep, spawnChild } from './children.ts';
import { Failure, fetchJson, pool, send } from './load.ts';

export interface Floor {
  readonly emulator: ProviderEmulator;
  readonly server: Child;
  /** One `POST /v1/payments` to the floor server, checked. */
  create(): Promise<void>;
  /** Waits until every create's notification reached the floor server (at most `ms`). */
  settled(ms: number): Promise<void>;
  /** What the floor server stored, against what was asked of it: problems, if any. */
  check(): Promise<string[]>;
  close(): Promise<void>;
}

const API_KEY = `sk_floor_${randomUUID().replaceAll('-', '')}`;

/** Starts the floor on SQLite in `dir`, or on PostgreSQL at `postgresUrl` (the gateway's schema). */
export async function startFloor(
  dir: string,
  postgresUrl: string | undefined,
  nodeArgs: readonly string[],
): Promise<Floor> {
  const emulator = await startProviderEmulator(dir, 'checkout_com', 'emulator for the floor', CONCURRENCY, nodeArgs);
  const account = await CONNECTOR_BENCHES.checkout_com.account(emulator);
  const port = await freePort();
  const server = spawnChild(
    'floor',
    ['--import', 'tsx', join(ROOT, 'test', 'load', 'floor-server.ts')],
    {
      PORT: String(port),
      ...(postgresUrl ? { FLOOR_POSTGRES_URL: postgresUrl } : { FLOOR_DATABASE: join(dir, 'floor.db') }),
      FLOOR_API_KEY: API_KEY,
      PROVIDER_URL: emulator.url,
      PROVIDER_SECRET_KEY: String(account.credentials.secret_key),
      PROVIDER_SIGNING_KEY: String(account.credentials.webhook_signature_key),
    },
    join(dir, 'floor.log'),
    nodeArgs,
  );
  await server.waitForLog(/listening/, 30_000);
  const url = `http://127.0.0.1:${port}`;
  await account.afterConnector(`${url}/hooks`);
  const floorPool: Pool = pool(url, CONCURRENCY);
  let created = 0;
  const counts = async () => {
    const answer = await fetchJson(`${url}/counts`, 'GET', {});
    return answer.json as { payments: number; notifications: number };
  };
  return {
    emulator,
    server,
    async create() {
      const answer = await send(
        floorPool,
        'POST',
        '/v1/payments',
        { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        CONNECTOR_BENCHES.checkout_com.createBody,
      );
      if (answer.status !== 201 || !answer.text.includes('"status":"requires_action"')) {
        throw new Failure(`floor create answered ${answer.status}`, answer.text);
      }
      created++;
    },
    async settled(ms) {
      const deadline = performance.now() + ms;
      while ((await counts()).notifications < created && performance.now() < deadline) await sleep(50);
    },
    async check() {
      const { payments, notifications } = await counts();
      const problems: string[] = [];
      if (payments !== created) problems.push(`floor: ${created} creates answered 201, ${payments} payments stored`);
      if (notifications !== created) {
        problems.push(`floor: ${created} creates, ${notifications} payment_pending notifications stored`);
      }
      return problems;
    },
    async close() {
      await floorPool.close();
      await server.stop();
      await emulator.pool.close();
      await emulator.child.stop();
    },
  };
}
